/* SPDX-License-Identifier: MIT */
/*
 * cmd-json.c - `ppv-analyze json`: the full report as JSON
 * (docs/report-schema.md), pretty-printed to stdout or to a file. Owns the
 * command's options and the output file (removed again if the report
 * cannot be written); the document itself is ppv_render_json().
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze json [OPTIONS] TRACE\n\n"
		"Write everything the analyzer knows about TRACE as one JSON document:\n"
		"summary, caveats, processes, threads, per-function statistics (ms and\n"
		"raw ns), I/O, call graph and call tree (see docs/report-schema.md).\n\n"
		"Options:\n"
		"  -o, --output FILE      write to FILE instead of stdout\n"
		"  --compact              no indentation\n"
		"  -n, --top N            N functions in top_functions_by_time (default 10)\n"
		"  --max-depth N          cut the call tree below depth N (default 128)\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int parse_count(const char *opt, const char *arg, unsigned int *out)
{
	long long v = ppv_cli_number(arg);

	if (v <= 0 || v > 1000000)
		return ppv_cli_usage(&ppv_cmd_json, "%s takes a positive number, not '%s'", opt,
				     arg);
	*out = (unsigned int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao,
		      struct ppv_render_opts *ro, const char **file)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "compact", no_argument, NULL, 0x200 },
		{ "top", required_argument, NULL, 'n' },
		{ "max-depth", required_argument, NULL, 0x201 },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:n:" PPV_CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return -1;
		case 'o':
			*file = optarg;
			break;
		case 0x200:
			ro->pretty = 0;
			break;
		case 'n':
			if ((rc = parse_count("-n", optarg, &ro->limit)))
				return rc;
			break;
		case 0x201:
			if ((rc = parse_count("--max-depth", optarg, &ro->max_depth)))
				return rc;
			break;
		default:
			rc = ppv_cli_other_option(&ppv_cmd_json, c, optarg, ao);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro), .pretty = 1 };
	const char *file = NULL;
	int rc = parse_args(argc, argv, &ao, &ro, &file);

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	return ppv_cli_report(&ppv_cmd_json, argc, argv, &ao, &ro, ppv_render_json, file);
}

const struct ppv_cli_cmd ppv_cmd_json = {
	.name = "json",
	.summary = "the full report as JSON (summary, functions, I/O, call graph and tree)",
	.run = run,
	.help = help,
};
