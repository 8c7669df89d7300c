/* SPDX-License-Identifier: MIT */
/*
 * cmd-hotspots.c - `ppv-analyze hotspots`: one row per function (calls,
 * total, self, average, min, max, percentiles, errors, share of the run,
 * I/O and bytes allocated when recorded),
 * the top N by the chosen key. Parses options and hands the profile to
 * ppv_render_hotspots(); computes nothing.
 */
#include <getopt.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze hotspots [OPTIONS] TRACE\n\n"
		     "List the functions that cost the most: calls, total (inclusive) and self\n"
		     "time, average, shortest and longest call, 50th/95th/99th percentile,\n"
		     "errors, and total time as a share of the run; I/O bytes and time, and\n"
		     "bytes allocated (inclusive), when the trace has I/O or allocations.\n\n"
		     "Options:\n"
		     "  -n, --limit N          show N functions (default 20)\n"
		     "  -s, --sort KEY         order by total (default), self, calls, avg, max,\n"
		     "                         p99, errors, io or memory, largest first\n"
		     "  -h, --help             show this help\n"
		     PPV_CLI_COMMON_HELP);
}

static int parse_option(int c, const char *arg, struct ppv_render_opts *ro,
			struct ppv_analyze_opts *ao)
{
	switch (c) {
	case 'n':
		return ppv_cli_limit(&ppv_cmd_hotspots, arg, &ro->limit);
	case 's':
		if (ppv_sort_key_parse(arg, &ro->sort) < 0)
			return ppv_cli_usage(&ppv_cmd_hotspots, "unknown sort key '%s'", arg);
		return 0;
	default:
		return ppv_cli_other_option(&ppv_cmd_hotspots, c, arg, ao);
	}
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro), .sort = PPV_SORT_TOTAL };
	int c, rc;

	while ((c = getopt_long(argc, argv, "n:s:h" PPV_CLI_COMMON_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		if (c == 'h') {
			help(stdout);
			return PPV_EXIT_OK;
		}
		rc = parse_option(c, optarg, &ro, &ao);
		if (rc)
			return rc;
	}
	return ppv_cli_report(&ppv_cmd_hotspots, argc, argv, &ao, &ro, ppv_render_hotspots, NULL);
}

const struct ppv_cli_cmd ppv_cmd_hotspots = {
	.name = "hotspots",
	.summary = "functions by total, self or average time, calls, percentiles",
	.run = run,
	.help = help,
};
