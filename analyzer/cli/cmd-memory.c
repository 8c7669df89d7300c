/* SPDX-License-Identifier: MIT */
/*
 * cmd-memory.c - `ppv-analyze memory`: allocations per function (self and
 * inclusive), frees, retained and peak bytes, totals per process with the
 * resident set size, and the blocks never freed by call path. Parses
 * options and hands the profile to ppv_render_memory(); computes nothing.
 */
#include <getopt.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze memory [OPTIONS] TRACE\n\n"
		"Show the allocations recorded in TRACE (ppv-record -g fine, or --memory):\n"
		"per function, its calls, allocations and bytes made by itself and with its\n"
		"callees (inclusive), the blocks it allocated that were freed (by anyone)\n"
		"and never freed (retained), and the most of its blocks live at once\n"
		"(peak); then totals per process with the peak resident set size, and the\n"
		"blocks never freed (leaks) grouped by the call path that allocated them,\n"
		"largest first. Allocations made outside every recorded function count in\n"
		"the totals and the leaks only.\n\n"
		"Options:\n"
		"  -n, --limit N          list N functions and N leak paths (default 20)\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro) };
	int c, rc;

	while ((c = getopt_long(argc, argv, "n:h" PPV_CLI_COMMON_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		if (c == 'h') {
			help(stdout);
			return PPV_EXIT_OK;
		}
		rc = c == 'n' ? ppv_cli_limit(&ppv_cmd_memory, optarg, &ro.limit)
			      : ppv_cli_other_option(&ppv_cmd_memory, c, optarg, &ao);
		if (rc)
			return rc;
	}
	return ppv_cli_report(&ppv_cmd_memory, argc, argv, &ao, &ro, ppv_render_memory, NULL);
}

const struct ppv_cli_cmd ppv_cmd_memory = {
	.name = "memory",
	.summary = "allocations per function, retained and peak bytes, leaks by call path",
	.run = run,
	.help = help,
};
