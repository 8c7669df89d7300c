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

void ppv_record_usage(FILE *out)
{
	fprintf(out,
		"Usage: ppv-record [OPTIONS] [--] PROGRAM [ARGS...]\n\n"
		"Run PROGRAM with the PerProVis recorder preloaded and write its trace:\n"
		"every function entry and exit of code built with -finstrument-functions,\n"
		"plus the program's PPV_* annotations.\n\n"
		"Options:\n"
		"      --backend BACKEND     native (default): PerProVis trace files;\n"
		"                            lttng: an LTTng session, written as a CTF trace\n"
		"  -o, --output DIR          trace directory (default: PROGRAM.ppv)\n"
		"  -f, --force               replace an existing trace in DIR\n"
		"  -b, --buffer-size SIZE    ring per thread, e.g. 256K, 4M (default 1M)\n"
		"  -m, --mode MODE           lossless (default): a full ring waits for the writer;\n"
		"                            drop: never wait, count what is dropped\n"
		"      --flush-interval MS   longest time an event stays in memory (default 100)\n"
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

static int take(int c, const char *arg, struct ppv_record_opts *o, FILE *err)
{
	char *end;
	unsigned long ms;

	switch (c) {
	case 'B':
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
	case 'F':
		errno = 0;
		ms = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || ms < 1 || ms > 3600000 || arg[0] == '-')
			return bad(err, "invalid flush interval '%s' (1 to 3600000 ms)", arg);
		o->flush_ms = (unsigned int)ms;
		return 0;
	case 'h':
		o->help = 1;
		return 0;
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
		{ "backend", required_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "mode", required_argument, NULL, 'm' },
		{ "flush-interval", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->mode = "lossless";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:fb:m:hV", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad(err, "invalid or incomplete option '%s'", argv[optind - 1]);
		if (take(c, optarg, o, err))
			return -EINVAL;
	}
	if (o->help || o->version)
		return 0;
	if (optind >= argc)
		return bad(err, "%s", "no PROGRAM to run");
	o->argv = argv + optind;
	return 0;
}
