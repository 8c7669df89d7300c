/* SPDX-License-Identifier: MIT */
/*
 * cmd-callgraph.c - `ppv-analyze callgraph TRACE [FUNC]`: for every
 * function (or those named FUNC), who called it and what it called, with
 * call counts and time. FUNC is a second operand rather than an option so
 * it cannot be confused with the selection option -F. Parses options and
 * hands the profile to ppv_render_callgraph(); computes nothing.
 */
#include <getopt.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze callgraph [OPTIONS] TRACE [FUNC]\n\n"
		     "For each function, by total time, or only for the functions named FUNC\n"
		     "(an exact name): its callers and its callees, each with the number of\n"
		     "calls and their total time. \"(root)\" is a thread's outermost frame.\n\n"
		     "Options:\n"
		     "  -n, --limit N          show N functions at most (default: all)\n"
		     "  -h, --help             show this help\n"
		     PPV_CLI_COMMON_HELP
		     "\nExit status 1 if FUNC names no function of the trace.\n");
}

static int parse_option(int c, const char *arg, struct ppv_render_opts *ro,
			struct ppv_analyze_opts *ao)
{
	if (c == 'n')
		return ppv_cli_limit(&ppv_cmd_callgraph, arg, &ro->limit);
	return ppv_cli_other_option(&ppv_cmd_callgraph, c, arg, ao);
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
	struct ppv_profile *p;
	struct ppv_trace *t;
	int c, rc;

	while ((c = getopt_long(argc, argv, "n:h" PPV_CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return PPV_EXIT_OK;
		}
		rc = parse_option(c, optarg, &ro, &ao);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return ppv_cli_usage(&ppv_cmd_callgraph, "missing TRACE");
	if (argc - optind > 2)
		return ppv_cli_usage(&ppv_cmd_callgraph, "too many operands");
	if (argc - optind == 2)
		ro.focus = argv[optind + 1];
	rc = ppv_cli_analyze(argv[optind], &ao, &t, &p);
	if (rc != PPV_EXIT_OK)
		return rc;
	rc = ppv_cli_render_status(&ppv_cmd_callgraph, ppv_render_callgraph(p, &ro, stdout));
	ppv_cli_analyze_end(t, p);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_callgraph = {
	.name = "callgraph",
	.summary = "each function's callers and callees, with calls and time",
	.run = run,
	.help = help,
};
