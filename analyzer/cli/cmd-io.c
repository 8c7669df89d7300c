/* SPDX-License-Identifier: MIT */
/*
 * cmd-io.c - `ppv-analyze io`: the I/O report (operations, bytes, time,
 * throughput and errors by kind, by name and by calling function). Parses
 * options and hands the profile to ppv_render_io(); computes nothing.
 */
#include <getopt.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze io [OPTIONS] TRACE\n\n"
		"Show the I/O recorded in TRACE (ppv_io_begin()/ppv_io_end()): operations,\n"
		"bytes, total and average time, throughput (decimal MB/s) and errors, by\n"
		"kind, by name (the operation's name, a file path or a peer) and by the\n"
		"function that performed it.\n\n"
		"Options:\n"
		"  -n, --limit N          list N names and N functions (default 20)\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao,
		      struct ppv_render_opts *ro)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "hn:" PPV_CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return -1;
		case 'n':
			rc = ppv_cli_limit(&ppv_cmd_io, optarg, &ro->limit);
			if (rc)
				return rc;
			break;
		default:
			rc = ppv_cli_other_option(&ppv_cmd_io, c, optarg, ao);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro) };
	int rc = parse_args(argc, argv, &ao, &ro);

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	return ppv_cli_report(&ppv_cmd_io, argc, argv, &ao, &ro, ppv_render_io, NULL);
}

const struct ppv_cli_cmd ppv_cmd_io = {
	.name = "io",
	.summary = "I/O by kind, name and function: operations, bytes, time, errors",
	.run = run,
	.help = help,
};
