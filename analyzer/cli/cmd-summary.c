/* SPDX-License-Identifier: MIT */
/*
 * cmd-summary.c - `ppv-analyze summary`: what ran (command, processes,
 * threads, start and end, duration), how many calls, errors and lost
 * events, and the functions that took the most time. Parses options and
 * hands the profile to ppv_render_summary(); computes nothing.
 */
#include <getopt.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze summary [OPTIONS] TRACE\n\n"
		     "Show what ran and for how long: command, processes, threads, wall-clock\n"
		     "start and end, duration, calls, total time, errors, lost events, and the\n"
		     "functions with the most total (inclusive) time.\n\n"
		     "Options:\n"
		     "  -n, --top N            list N functions and N threads (default 10)\n"
		     "  -h, --help             show this help\n"
		     PPV_CLI_COMMON_HELP);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro) };
	int c, rc;

	while ((c = getopt_long(argc, argv, "n:h" PPV_CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			rc = ppv_cli_limit(&ppv_cmd_summary, optarg, &ro.limit);
			if (rc)
				return rc;
			break;
		case 'h':
			help(stdout);
			return PPV_EXIT_OK;
		default:
			rc = ppv_cli_other_option(&ppv_cmd_summary, c, optarg, &ao);
			if (rc)
				return rc;
		}
	}
	return ppv_cli_report(&ppv_cmd_summary, argc, argv, &ao, &ro, ppv_render_summary, NULL);
}

const struct ppv_cli_cmd ppv_cmd_summary = {
	.name = "summary",
	.summary = "what ran, for how long, calls, errors, losses, top functions",
	.run = run,
	.help = help,
};
