/* SPDX-License-Identifier: MIT */
/*
 * cmd-timeline.c - `ppv-analyze timeline`: every call on a time axis, as
 * Chrome Trace Event JSON (Perfetto UI, chrome://tracing) or speedscope
 * JSON, optionally gzip-compressed. Owns the command's options, the output
 * file (removed again if the timeline cannot be written) and the closing
 * line on stderr (calls written and dropped, output size). The timeline is
 * written during the analyzer's pass by the ppv_timeline_* callbacks.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-common.h"

/* Viewers load the whole JSON document; around 500 MB they give up. */
#define TIMELINE_BIG (500ull * 1000 * 1000)
/* Without --min-duration the file is kept under this (--max-size). */
#define TIMELINE_DEFAULT_MAX (256ull << 20)
/* A call's X event, for the estimate: about 110 bytes with short names. */
#define TIMELINE_BYTES_PER_CALL 128

struct tl_args {
	struct ppv_timeline_opts to;
	const char *file;
	uint64_t max_size;  /* 0: no limit */
	int min_dur_given;  /* --min-duration: no automatic choice */
	int min_dur_chosen; /* to.min_dur_ns was chosen to honour max_size */
};

/* Passed as cb_arg: the timeline, and the calls counted for the report. */
struct tl_run {
	struct ppv_timeline *tl;
	uint64_t min_dur_ns;
	uint64_t written, dropped;
};

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze timeline [OPTIONS] TRACE\n\n"
		"Write every call of TRACE on a time axis, per process and thread:\n"
		"Chrome Trace Event JSON for Perfetto UI (ui.perfetto.dev) and\n"
		"chrome://tracing (calls, process and thread names, I/O bytes per 10 ms,\n"
		"errors and failed I/O as instants), or speedscope's JSON (one evented\n"
		"profile per thread).\n\n"
		"Options:\n"
		"  -o, --output FILE      write to FILE instead of stdout; a name ending\n"
		"                         in .gz is written gzip-compressed\n"
		"  --format FORMAT        chrome (default) or speedscope\n"
		"  --gzip                 compress with gzip (Perfetto opens .json.gz)\n"
		"  --min-duration DURATION leave out calls shorter than DURATION (e.g.\n"
		"                         10us; chrome only): keeps big traces loadable\n"
		"  --max-size SIZE        without --min-duration, leave out the shortest\n"
		"                         calls so the JSON stays under SIZE (default\n"
		"                         256M; 0: keep every call); costs a counting pass\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int parse_one(int c, const char *arg, struct ppv_analyze_opts *ao, struct tl_args *a)
{
	switch (c) {
	case 'o':
		a->file = arg;
		return 0;
	case 0x200:
		if (strcmp(arg, "chrome") == 0)
			a->to.format = PPV_TIMELINE_CHROME;
		else if (strcmp(arg, "speedscope") == 0)
			a->to.format = PPV_TIMELINE_SPEEDSCOPE;
		else
			return ppv_cli_usage(&ppv_cmd_timeline,
					     "--format takes chrome or speedscope, not '%s'", arg);
		return 0;
	case 0x201:
		a->to.gzip = 1;
		return 0;
	case 0x202:
		if (ppv_cli_parse_duration(arg, &a->to.min_dur_ns))
			return ppv_cli_usage(&ppv_cmd_timeline,
					     "--min-duration takes a duration (e.g. 10us), not '%s'",
					     arg);
		a->min_dur_given = 1;
		return 0;
	case 0x203:
		if (ppv_cli_parse_size(arg, &a->max_size))
			return ppv_cli_usage(&ppv_cmd_timeline,
					     "--max-size takes a size (e.g. 256M, 0 for no limit), "
					     "not '%s'", arg);
		return 0;
	}
	return ppv_cli_other_option(&ppv_cmd_timeline, c, arg, ao);
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao, struct tl_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 0x200 },
		{ "gzip", no_argument, NULL, 0x201 },
		{ "min-duration", required_argument, NULL, 0x202 },
		{ "max-size", required_argument, NULL, 0x203 },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:" PPV_CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return -1;
		}
		if ((rc = parse_one(c, optarg, ao, a)))
			return rc;
	}
	if (a->min_dur_given && a->to.format != PPV_TIMELINE_CHROME)
		return ppv_cli_usage(&ppv_cmd_timeline, "--min-duration applies to --format chrome");
	if (a->file && ends_with(a->file, ".gz"))
		a->to.gzip = 1;
	return 0;
}

static int on_frame(const struct ppv_frame_record *r, void *arg)
{
	struct tl_run *run = arg;

	if (r->exit) {
		if ((r->ts > r->start_ns ? r->ts - r->start_ns : 0) < run->min_dur_ns)
			run->dropped++;
		else
			run->written++;
	}
	return ppv_timeline_on_frame(r, run->tl);
}

static int on_event(const struct ppv_event *ev, void *arg)
{
	return ppv_timeline_on_event(ev, ((struct tl_run *)arg)->tl);
}

/* The closing line on stderr: calls written and dropped, bytes written. */
static void report(const struct tl_args *a, const struct tl_run *run, int to_stdout)
{
	char buf[32], size[48] = "";
	struct stat st;
	long long bytes = -1;

	/* a pipe or a device has no size to report */
	if (!to_stdout && stat(a->file, &st) == 0 && S_ISREG(st.st_mode))
		bytes = (long long)st.st_size;
	else if (to_stdout && fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode))
		bytes = (long long)ftello(stdout);
	if (bytes >= 0)
		snprintf(size, sizeof(size), " (%s%s)",
			 ppv_format_bytes((uint64_t)bytes, buf, sizeof(buf)),
			 a->to.gzip ? ", gzip" : "");
	fprintf(stderr, "ppv-analyze timeline: wrote %" PRIu64 " calls to %s%s; %" PRIu64
		" dropped", run->written, to_stdout ? "stdout" : a->file, size, run->dropped);
	if (a->to.min_dur_ns)
		fprintf(stderr, " (shorter than %s%s)",
			ppv_format_duration(a->to.min_dur_ns, buf, sizeof(buf)),
			a->min_dur_chosen ? ", to stay under --max-size; --max-size 0 keeps all" : "");
	fputc('\n', stderr);
	if (bytes > 0 && (unsigned long long)bytes > TIMELINE_BIG && !a->to.gzip)
		fprintf(stderr, "ppv-analyze timeline: note: viewers struggle with JSON above "
				"~500 MB: try --min-duration, -F, --time-range or -o FILE.json.gz\n");
}

/*
 * Without --min-duration, a first pass counts the calls by duration and the
 * shortest are left out if all of them would not fit in --max-size.
 */
static int choose_min_duration(const char *path, const struct ppv_analyze_opts *ao,
			       struct tl_args *a)
{
	struct ppv_analyze_opts plain = *ao;
	struct ppv_profile *p;
	struct ppv_trace *t;
	int rc;

	if (a->min_dur_given || !a->max_size || a->to.format != PPV_TIMELINE_CHROME)
		return PPV_EXIT_OK;
	plain.on_frame = NULL;
	plain.on_event = NULL;
	rc = ppv_cli_analyze(path, &plain, &t, &p);
	if (rc != PPV_EXIT_OK)
		return rc;
	a->to.min_dur_ns = ppv_profile_min_duration_for(p, a->max_size / TIMELINE_BYTES_PER_CALL);
	a->min_dur_chosen = a->to.min_dur_ns != 0;
	ppv_cli_analyze_end(t, p);
	return PPV_EXIT_OK;
}

/* Build the profile with the timeline fed during the pass, then finish it. */
static int render(const char *path, struct ppv_analyze_opts *ao, struct tl_args *a, FILE *out,
		  struct tl_run *run)
{
	struct ppv_profile *p;
	struct ppv_trace *t;
	int rc = ppv_timeline_new(&a->to, out, &run->tl);

	if (rc < 0)
		return ppv_cli_render_status(&ppv_cmd_timeline, rc);
	run->min_dur_ns = a->to.min_dur_ns;
	ao->on_frame = on_frame;
	ao->on_event = on_event;
	ao->cb_arg = run;
	rc = ppv_cli_analyze(path, ao, &t, &p);
	if (rc != PPV_EXIT_OK) {
		ppv_timeline_free(run->tl);
		return rc;
	}
	rc = ppv_cli_render_status(&ppv_cmd_timeline, ppv_timeline_finish(run->tl, p));
	ppv_timeline_free(run->tl);
	ppv_cli_analyze_end(t, p);
	return rc;
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct tl_args a = { .to = { .sz = sizeof(a.to) }, .max_size = TIMELINE_DEFAULT_MAX };
	struct tl_run tr = { 0 };
	int rc = parse_args(argc, argv, &ao, &a), to_stdout;
	const char *path;
	FILE *out;

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	path = ppv_cli_trace_arg(&ppv_cmd_timeline, argc, argv);
	if (!path)
		return PPV_EXIT_USAGE;
	to_stdout = !a.file || strcmp(a.file, "-") == 0;
	if (to_stdout && a.to.gzip && isatty(STDOUT_FILENO))
		return ppv_cli_usage(&ppv_cmd_timeline, "not writing gzip to a terminal: use -o FILE");
	rc = choose_min_duration(path, &ao, &a);
	if (rc != PPV_EXIT_OK)
		return rc;
	out = ppv_cli_out_open(&ppv_cmd_timeline, a.file);
	if (!out)
		return PPV_EXIT_TRACE;
	rc = render(path, &ao, &a, out, &tr);
	/* render() has reported its own errors; only the close is left */
	if (ppv_cli_out_close(out, a.file, rc == PPV_EXIT_OK ? 0 : -EIO) < 0 &&
	    rc == PPV_EXIT_OK)
		rc = ppv_cli_render_status(&ppv_cmd_timeline, -EIO);
	if (rc == PPV_EXIT_OK)
		report(&a, &tr, to_stdout);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_timeline = {
	.name = "timeline",
	.summary = "every call on a time axis (Chrome trace JSON for Perfetto, speedscope)",
	.run = run,
	.help = help,
};
