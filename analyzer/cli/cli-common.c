/* SPDX-License-Identifier: MIT */
/*
 * cli-common.c - helpers shared by ppv-analyze's subcommands: opening a
 * trace with a message that names the file and offset, warnings, usage
 * errors and exit codes. No analysis happens here.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli-common.h"

struct ppv_trace *ppv_cli_open(const char *path)
{
	struct ppv_trace *t;

	if (ppv_trace_open(path, &t) < 0) {
		fprintf(stderr, "ppv-analyze: error: %s\n", ppv_trace_open_error());
		return NULL;
	}
	return t;
}

/* A trace of many processes that were killed warns once per file: the
 * first few say what happened, a count says how often. */
#define PPV_CLI_MAX_WARNINGS 5

void ppv_cli_warnings(const struct ppv_trace *t)
{
	const char *w = ppv_trace_warnings(t);
	unsigned int shown = 0, more = 0;

	while (*w) {
		const char *nl = strchr(w, '\n');
		int n = nl ? (int)(nl - w) : (int)strlen(w);

		if (shown < PPV_CLI_MAX_WARNINGS) {
			fprintf(stderr, "ppv-analyze: warning: %.*s\n", n, w);
			shown++;
		} else {
			more++;
		}
		w += n + (nl ? 1 : 0);
	}
	if (more)
		fprintf(stderr, "ppv-analyze: warning: and %u more warnings like these\n", more);
}

int ppv_cli_read_error(const struct ppv_trace *t)
{
	fprintf(stderr, "ppv-analyze: error: %s\n", ppv_trace_last_error(t));
	return PPV_EXIT_TRACE;
}

int ppv_cli_usage(const struct ppv_cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ppv-analyze %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	cmd->help(stderr);
	return PPV_EXIT_USAGE;
}

uint64_t ppv_cli_origin(const struct ppv_trace *t)
{
	uint64_t o = UINT64_MAX;

	for (size_t i = 0; i < ppv_trace_process_count(t); i++) {
		const struct ppv_process_info *p = ppv_trace_borrow_process(t, i);

		if (p->start_ns < o)
			o = p->start_ns;
	}
	return o == UINT64_MAX ? 0 : o;
}

long long ppv_cli_number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -1;
	return v;
}

int ppv_cli_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
		      { "", 1 } };
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * units[i].scale;

			if (r >= 1.8e19)
				return -1;
			*ns = (uint64_t)(r + 0.5);
			return 0;
		}
	}
	return -1;
}

int ppv_cli_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	errno = 0;
	if (*s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end && (u = strchr(units, *end)) != NULL) {
		shift = 10 * (int)(u - units + 1);
		end++;
		if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
			end += strlen(end);
	} else if (strcmp(end, "B") == 0) {
		end++;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

static int parse_time_range(const char *arg, struct ppv_analyze_opts *o)
{
	const char *comma = strchr(arg, ',');
	char start[64];
	size_t n;

	if (!comma || (size_t)(comma - arg) >= sizeof(start))
		return -1;
	n = (size_t)(comma - arg);
	memcpy(start, arg, n);
	start[n] = '\0';
	o->time_start = 0;
	o->time_end = 0;
	if (n && ppv_cli_parse_duration(start, &o->time_start))
		return -1;
	if (comma[1] && ppv_cli_parse_duration(comma + 1, &o->time_end))
		return -1;
	if (o->time_end && o->time_end <= o->time_start)
		return -1;
	return 0;
}

static int parse_id(const char *arg, uint32_t *out)
{
	long long v = ppv_cli_number(arg);

	if (v <= 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int ppv_cli_common_option(const struct ppv_cli_cmd *cmd, int opt, const char *arg,
			  struct ppv_analyze_opts *o)
{
	switch (opt) {
	case 0x100:
		if (parse_id(arg, &o->pid))
			return ppv_cli_usage(cmd, "--pid takes a process id, not '%s'", arg), -1;
		return 1;
	case 0x101:
		if (parse_id(arg, &o->tid))
			return ppv_cli_usage(cmd, "--thread takes a thread id, not '%s'", arg), -1;
		return 1;
	case 'F':
		o->function = arg;
		return 1;
	case 'N':
		o->exclude = arg;
		return 1;
	case 0x102:
		if (parse_time_range(arg, o))
			return ppv_cli_usage(cmd, "--time-range takes START,END durations "
					     "(e.g. 1s,2.5s or ,300ms), not '%s'", arg), -1;
		return 1;
	}
	return 0;
}

int ppv_cli_other_option(const struct ppv_cli_cmd *cmd, int opt, const char *arg,
			 struct ppv_analyze_opts *o)
{
	int rc = ppv_cli_common_option(cmd, opt, arg, o);

	if (rc < 0)
		return PPV_EXIT_USAGE;
	return rc ? 0 : ppv_cli_usage(cmd, "unknown option");
}

int ppv_cli_limit(const struct ppv_cli_cmd *cmd, const char *arg, unsigned int *out)
{
	long long n = ppv_cli_number(arg);

	if (n <= 0 || n > 1000000)
		return ppv_cli_usage(cmd, "-n takes a positive number, not '%s'", arg);
	*out = (unsigned int)n;
	return 0;
}

int ppv_cli_analyze(const char *path, const struct ppv_analyze_opts *o, struct ppv_trace **t,
		    struct ppv_profile **p)
{
	int rc;

	*p = NULL;
	*t = ppv_cli_open(path);
	if (!*t)
		return PPV_EXIT_TRACE;
	rc = ppv_profile_build(*t, o, p);
	ppv_cli_warnings(*t);
	if (rc < 0) {
		if (rc == -ENOMEM)
			fprintf(stderr, "ppv-analyze: error: out of memory\n");
		else
			fprintf(stderr, "ppv-analyze: error: %s\n", ppv_trace_last_error(*t));
		ppv_trace_close(*t);
		*t = NULL;
		return PPV_EXIT_TRACE;
	}
	return PPV_EXIT_OK;
}

void ppv_cli_analyze_end(struct ppv_trace *t, struct ppv_profile *p)
{
	ppv_profile_free(p);
	ppv_trace_close(t);
}

int ppv_cli_render_status(const struct ppv_cli_cmd *cmd, int rc)
{
	switch (rc) {
	case 0:
		return PPV_EXIT_OK;
	case -ENOENT:
		fprintf(stderr, "ppv-analyze %s: error: no such function in this trace\n",
			cmd->name);
		return PPV_EXIT_TRACE;
	case -EINVAL:
		return ppv_cli_usage(cmd, "invalid options");
	default:
		fprintf(stderr, "ppv-analyze %s: error: cannot write the report: %s\n", cmd->name,
			strerror(-rc));
		return PPV_EXIT_TRACE;
	}
}

const char *ppv_cli_trace_arg(const struct ppv_cli_cmd *cmd, int argc, char **argv)
{
	if (optind != argc - 1) {
		ppv_cli_usage(cmd, optind >= argc ? "missing TRACE" : "too many operands");
		return NULL;
	}
	return argv[optind];
}

int ppv_cli_report(const struct ppv_cli_cmd *cmd, int argc, char **argv,
		   const struct ppv_analyze_opts *ao, const struct ppv_render_opts *ro,
		   ppv_cli_render_fn render, const char *file)
{
	const char *path = ppv_cli_trace_arg(cmd, argc, argv);
	struct ppv_profile *p;
	struct ppv_trace *t;
	FILE *out;
	int rc;

	if (!path)
		return PPV_EXIT_USAGE;
	rc = ppv_cli_analyze(path, ao, &t, &p);
	if (rc != PPV_EXIT_OK)
		return rc;
	out = ppv_cli_out_open(cmd, file);
	rc = out ? ppv_cli_render_status(cmd, ppv_cli_out_close(out, file, render(p, ro, out)))
		 : PPV_EXIT_TRACE;
	ppv_cli_analyze_end(t, p);
	return rc;
}

FILE *ppv_cli_out_open(const struct ppv_cli_cmd *cmd, const char *file)
{
	FILE *f;

	if (!file || strcmp(file, "-") == 0)
		return stdout;
	f = fopen(file, "w");
	if (!f)
		fprintf(stderr, "ppv-analyze %s: error: cannot create '%s': %s\n", cmd->name, file,
			strerror(errno));
	return f;
}

int ppv_cli_out_close(FILE *out, const char *file, int rc)
{
	struct stat st;
	int regular;

	if (out == stdout)
		return fflush(out) != 0 && rc == 0 ? -EIO : rc;
	regular = fstat(fileno(out), &st) == 0 && S_ISREG(st.st_mode);
	if (fclose(out) != 0 && rc == 0)
		rc = -EIO;
	if (rc < 0 && regular)
		unlink(file);
	return rc;
}
