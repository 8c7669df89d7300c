/* SPDX-License-Identifier: MIT */
/*
 * cmd-tree.c - `ppv-analyze tree`: the calling-context tree, one line per
 * call path with its total time, share of the run, calls and self time.
 * Parses options and hands the profile to ppv_render_tree(); computes
 * nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>

#include "cli-common.h"

enum { OPT_ASCII = 0x200 };

static void help(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze tree [OPTIONS] TRACE\n\n"
		     "Show the calling-context tree: every call path, identical paths merged,\n"
		     "children by total time, with total time, share of the run, calls and\n"
		     "self time. Hidden children are summed up in one \"more\" line.\n\n"
		     "Options:\n"
		     "  -d, --depth N          show N levels at most (default: all)\n"
		     "  -m, --min-percent P    hide paths below P percent of the run\n"
		     "      --ascii            draw the tree with ASCII characters\n"
		     "  -h, --help             show this help\n"
		     PPV_CLI_COMMON_HELP);
}

static int parse_percent(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || isnan(*out) || *out < 0.0 || *out > 100.0 ? -1 : 0;
}

static int parse_option(int c, const char *arg, struct ppv_render_opts *ro,
			struct ppv_analyze_opts *ao)
{
	long long n;

	switch (c) {
	case 'd':
		n = ppv_cli_number(arg);
		if (n <= 0 || n > 1000000)
			return ppv_cli_usage(&ppv_cmd_tree, "--depth takes a positive number, not '%s'",
					     arg);
		ro->max_depth = (unsigned int)n;
		return 0;
	case 'm':
		if (parse_percent(arg, &ro->min_percent))
			return ppv_cli_usage(&ppv_cmd_tree,
					     "--min-percent takes a number from 0 to 100, not '%s'", arg);
		return 0;
	case OPT_ASCII:
		ro->ascii = 1;
		return 0;
	default:
		return ppv_cli_other_option(&ppv_cmd_tree, c, arg, ao);
	}
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "depth", required_argument, NULL, 'd' },
		{ "min-percent", required_argument, NULL, 'm' },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro) };
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:m:h" PPV_CLI_COMMON_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		if (c == 'h') {
			help(stdout);
			return PPV_EXIT_OK;
		}
		rc = parse_option(c, optarg, &ro, &ao);
		if (rc)
			return rc;
	}
	return ppv_cli_report(&ppv_cmd_tree, argc, argv, &ao, &ro, ppv_render_tree, NULL);
}

const struct ppv_cli_cmd ppv_cmd_tree = {
	.name = "tree",
	.summary = "calling-context tree with total and self time per call path",
	.run = run,
	.help = help,
};
