/* SPDX-License-Identifier: MIT */
/*
 * record-opts.c - ppv-record's options: parsing and the help text. Owns
 * nothing else; running the program is ppv-record.c's job.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "record-opts.h"

#define MIN_BUFFER (64u << 10)
#define MIN_MAX_SIZE (1u << 20)

/* Codes of long options without a short form. */
enum {
	OPT_BACKEND = 256,
	OPT_FLUSH,
	OPT_THRESHOLD,
	OPT_MEMORY,
	OPT_NO_MEMORY,
	OPT_NO_IO,
	OPT_SIGNAL,
	OPT_DELAY,
	OPT_DURATION,
	OPT_MAX_SIZE,
	OPT_ROTATE,
};

void ppv_record_usage(FILE *out)
{
	fprintf(out,
		"Usage: ppv-record [OPTIONS] [--] PROGRAM [ARGS...]\n\n"
		"Run PROGRAM with the PerProVis recorder preloaded and write its trace:\n"
		"every function entry and exit of code built with -finstrument-functions,\n"
		"the program's PPV_* annotations and its I/O calls (file, socket, pipe),\n"
		"and with -g fine or --memory every allocation. Child processes, exec'd\n"
		"programs and threads are recorded into the same trace directory.\n\n"
		"Options:\n"
		"      --backend BACKEND     native (default): PerProVis trace files;\n"
		"                            lttng: an LTTng session, written as a CTF trace\n"
		"  -o, --output DIR          trace directory (default: PROGRAM.ppv)\n"
		"  -f, --force               replace an existing trace in DIR\n"
		"  -b, --buffer-size SIZE    ring per thread, e.g. 256K, 4M (default 1M)\n"
		"  -m, --mode MODE           lossless (default): a full ring waits for the writer;\n"
		"                            drop: never wait, count what is dropped\n"
		"      --flush-interval MS   longest time an event stays in memory (default 100)\n"
		"\nWhat to record:\n"
		"  -g, --granularity LEVEL   coarse: annotations, I/O and calls longer than\n"
		"                            --threshold only (for production);\n"
		"                            medium (default): every instrumented call and I/O;\n"
		"                            fine: medium plus every allocation\n"
		"      --threshold TIME      coarse: shortest call kept (default 100us)\n"
		"      --memory, --no-memory record allocations, or not, at any granularity\n"
		"      --no-io               do not record I/O calls\n"
		"  -F, --filter PATTERN      record only matching functions and what they call\n"
		"  -N, --exclude PATTERN     do not record matching functions nor what they call\n"
		"                            (PATTERN: a glob on the function name; repeatable)\n"
		"  -D, --depth N             record calls up to N levels deep\n"
		"  -t, --time-filter TIME    drop calls shorter than TIME (e.g. 10us); their\n"
		"                            time stays in their caller\n"
		"\nWhen to record:\n"
		"      --signal SIG          SIG (e.g. USR2) toggles recording on and off\n"
		"      --delay TIME          start recording TIME after the program starts\n"
		"      --duration TIME       stop recording TIME after it started\n"
		"      --max-size SIZE       keep at most SIZE on disk per process: the oldest\n"
		"                            part is dropped and counted as lost\n"
		"      --rotate N            split each process's trace into N numbered files\n"
		"                            (with --max-size; default 4)\n"
		"\n"
		"  -h, --help                show this help\n"
		"  -V, --version             show the version\n\n"
		"The exit status is PROGRAM's, or 128+N if it was killed by signal N.\n"
		"Analyze the trace with ppv-analyze(1).\n");
}

int ppv_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -EINVAL;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	else if (*end)
		return -EINVAL;
	if (shift && end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB"))
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int bad(FILE *err, const char *fmt, const char *arg)
{
	fprintf(err, "ppv-record: ");
	fprintf(err, fmt, arg);
	fprintf(err, "\nTry 'ppv-record --help' for more information.\n");
	return -EINVAL;
}

static int add_filter(struct ppv_record_opts *o, char type, const char *pat, FILE *err)
{
	size_t used = strlen(o->filter), need = strlen(pat) + 3;

	if (!*pat || strchr(pat, '\n'))
		return bad(err, "invalid function pattern '%s'", pat);
	if (used + need >= sizeof(o->filter))
		return bad(err, "%s", "too many filter patterns (4 KiB in all)");
	snprintf(o->filter + used, sizeof(o->filter) - used, "%c:%s\n", type, pat);
	return 0;
}

/* -g, --threshold, --memory, --no-io and the filters. */
static int take_what(int c, const char *arg, struct ppv_record_opts *o, FILE *err)
{
	char *end;
	unsigned long n;

	switch (c) {
	case 'g':
		if (strcmp(arg, "coarse") && strcmp(arg, "medium") && strcmp(arg, "fine"))
			return bad(err, "invalid granularity '%s' (coarse, medium or fine)", arg);
		o->granularity = arg;
		return 0;
	case OPT_THRESHOLD:
		if (ppv_parse_time(arg, 1, &o->threshold_ns) || !o->threshold_ns)
			return bad(err, "invalid threshold '%s' (e.g. 100us, 1ms)", arg);
		return 0;
	case OPT_MEMORY:
	case OPT_NO_MEMORY:
		o->memory = c == OPT_MEMORY;
		return 0;
	case OPT_NO_IO:
		o->no_io = 1;
		return 0;
	case 'F':
	case 'N':
		return add_filter(o, (char)c, arg, err);
	case 'D':
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || n < 1 || n > 65535 || arg[0] == '-')
			return bad(err, "invalid depth '%s' (1 to 65535)", arg);
		o->depth = (unsigned int)n;
		return 0;
	default: /* 't' */
		if (ppv_parse_time(arg, 1, &o->time_filter_ns) || !o->time_filter_ns)
			return bad(err, "invalid time filter '%s' (e.g. 10us, 1ms)", arg);
		return 0;
	}
}

/* --signal, --delay, --duration, --max-size, --rotate. */
static int take_when(int c, const char *arg, struct ppv_record_opts *o, FILE *err)
{
	char *end;
	unsigned long n;
	int sig;

	switch (c) {
	case OPT_SIGNAL:
		sig = ppv_parse_signal(arg);
		if (sig < 0)
			return bad(err, "invalid signal '%s' (e.g. USR2, RTMIN+3, 12)", arg);
		o->pause_signal = sig;
		return 0;
	case OPT_DELAY:
		if (ppv_parse_time(arg, 1000000000, &o->delay_ns) || !o->delay_ns)
			return bad(err, "invalid delay '%s' (e.g. 500ms, 10s)", arg);
		return 0;
	case OPT_DURATION:
		if (ppv_parse_time(arg, 1000000000, &o->duration_ns) || !o->duration_ns)
			return bad(err, "invalid duration '%s' (e.g. 500ms, 10s)", arg);
		return 0;
	case OPT_MAX_SIZE:
		if (ppv_parse_size(arg, &o->max_size) || o->max_size < MIN_MAX_SIZE)
			return bad(err, "invalid maximum size '%s' (at least 1M)", arg);
		return 0;
	default: /* OPT_ROTATE */
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || n < 2 || n > 1000 || arg[0] == '-')
			return bad(err, "invalid file count '%s' (2 to 1000)", arg);
		o->rotate = (unsigned int)n;
		return 0;
	}
}

static int take(int c, const char *arg, struct ppv_record_opts *o, FILE *err)
{
	char *end;
	unsigned long ms;

	switch (c) {
	case OPT_BACKEND:
		if (strcmp(arg, "native") == 0)
			o->backend = PPV_BACKEND_NATIVE;
		else if (strcmp(arg, "lttng") == 0)
			o->backend = PPV_BACKEND_LTTNG;
		else
			return bad(err, "invalid backend '%s' (native or lttng)", arg);
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case 'f':
		o->force = 1;
		return 0;
	case 'b':
		if (ppv_parse_size(arg, &o->buffer_size) || o->buffer_size < MIN_BUFFER ||
		    o->buffer_size > (1ull << 30))
			return bad(err, "invalid buffer size '%s' (64K to 1G)", arg);
		return 0;
	case 'm':
		if (strcmp(arg, "lossless") && strcmp(arg, "drop"))
			return bad(err, "invalid mode '%s' (lossless or drop)", arg);
		o->mode = arg;
		return 0;
	case OPT_FLUSH:
		errno = 0;
		ms = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || ms < 1 || ms > 3600000 || arg[0] == '-')
			return bad(err, "invalid flush interval '%s' (1 to 3600000 ms)", arg);
		o->flush_ms = (unsigned int)ms;
		return 0;
	case 'h':
		o->help = 1;
		return 0;
	case 'g':
	case 'F':
	case 'N':
	case 'D':
	case 't':
	case OPT_THRESHOLD:
	case OPT_MEMORY:
	case OPT_NO_MEMORY:
	case OPT_NO_IO:
		return take_what(c, arg, o, err);
	case OPT_SIGNAL:
	case OPT_DELAY:
	case OPT_DURATION:
	case OPT_MAX_SIZE:
	case OPT_ROTATE:
		return take_when(c, arg, o, err);
	case 'V':
		o->version = 1;
		return 0;
	default:
		return bad(err, "%s", "invalid option");
	}
}

int ppv_record_opts_parse(int argc, char **argv, struct ppv_record_opts *o, FILE *err)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "mode", required_argument, NULL, 'm' },
		{ "flush-interval", required_argument, NULL, OPT_FLUSH },
		{ "granularity", required_argument, NULL, 'g' },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD },
		{ "memory", no_argument, NULL, OPT_MEMORY },
		{ "no-memory", no_argument, NULL, OPT_NO_MEMORY },
		{ "no-io", no_argument, NULL, OPT_NO_IO },
		{ "filter", required_argument, NULL, 'F' },
		{ "exclude", required_argument, NULL, 'N' },
		{ "depth", required_argument, NULL, 'D' },
		{ "time-filter", required_argument, NULL, 't' },
		{ "signal", required_argument, NULL, OPT_SIGNAL },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->mode = "lossless";
	o->memory = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:fb:m:g:F:N:D:t:hV", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad(err, "invalid or incomplete option '%s'", argv[optind - 1]);
		if (take(c, optarg, o, err))
			return -EINVAL;
	}
	if (o->help || o->version)
		return 0;
	if (optind >= argc)
		return bad(err, "%s", "no PROGRAM to run");
	if (o->rotate && !o->max_size)
		return bad(err, "%s", "--rotate needs --max-size");
	if (o->backend == PPV_BACKEND_LTTNG &&
	    (o->granularity || o->threshold_ns || o->memory >= 0 || o->no_io || o->filter[0] ||
	     o->depth || o->time_filter_ns || o->pause_signal || o->delay_ns || o->duration_ns ||
	     o->max_size))
		return bad(err, "%s", "granularity, filters and recording controls need the native "
			   "backend (use lttng's own session controls with --backend lttng)");
	o->argv = argv + optind;
	return 0;
}
