/* SPDX-License-Identifier: MIT */
/*
 * cmd-io.c - `ppv-analyze io`: the I/O report (operations, bytes, time,
 * throughput and errors by kind, by descriptor class, by operation, by
 * name and by calling function). Parses options and hands the profile to
 * ppv_render_io(); computes nothing.
 */
#include <getopt.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze io [OPTIONS] TRACE\n\n"
		"Show the I/O recorded in TRACE (the I/O calls ppv-record traces, and\n"
		"ppv_io_begin()/ppv_io_end()): operations, bytes, total and average time,\n"
		"throughput (decimal MB/s) and errors, by kind, by descriptor class (file,\n"
		"tcp, udp, unix, pipe, tty, other; unknown for annotated I/O), by operation\n"
		"(read, write, open, close, connect, accept, sync; explicit for annotated\n"
		"I/O), by name (a file path, a peer address or the operation's name) and by\n"
		"the function that performed it. Failures with EAGAIN, EWOULDBLOCK,\n"
		"EINPROGRESS or EINTR are counted as blocked, not as errors.\n\n"
		"Options:\n"
		"  -n, --limit N          list N names and N functions (default 20)\n"
		"      --by TABLE         print one table: kind, class, op, name or function\n"
		"                         (default: all; class and op only when automatic\n"
		"                         I/O was recorded)\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao,
		      struct ppv_render_opts *ro)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, 'b' },
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
		case 'b':
			if (ppv_io_by_parse(optarg, &ro->io_by) < 0)
				return ppv_cli_usage(&ppv_cmd_io, "unknown table '%s' (kind, class, "
							"op, name or function)", optarg);
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
	.summary = "I/O by kind, class, operation, name and function: ops, bytes, time, errors",
	.run = run,
	.help = help,
};
