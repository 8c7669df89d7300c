/* SPDX-License-Identifier: MIT */
/*
 * cmd-report.c - `ppv-analyze report --html FILE`: the whole analysis as
 * one self-contained HTML page. Owns the command's options and the output
 * file (removed again if the page cannot be written); the page itself is
 * ppv_render_html().
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"

enum { OPT_HTML = 0x200, OPT_TITLE, OPT_SORT };

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze report --html FILE [OPTIONS] TRACE\n\n"
		"Write one self-contained HTML page (no network access needed) with the run\n"
		"summary and its caveats, a sortable hotspot table, bar charts of the top\n"
		"functions, the call tree, the interactive flame graph, the I/O tables and,\n"
		"when allocations were recorded, the memory tables.\n\n"
		"Options:\n"
		"      --html FILE        write the page to FILE ('-': stdout); required\n"
		"      --title TEXT       the page's title (default: the command line)\n"
		"  -n, --limit N          N rows in the hotspot and I/O tables (default 200)\n"
		"  -s, --sort KEY         first order of the hotspot table: total, self,\n"
		"                         calls, avg, max, p99, errors, io, memory (default\n"
		"                         total)\n"
		"  -d, --depth N          call tree levels shown (default 16)\n"
		"  -m, --min-percent P    hide call paths below P percent of the run\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int parse_number(const char *opt, const char *arg, unsigned int *out)
{
	long long v = ppv_cli_number(arg);

	if (v <= 0 || v > 1000000)
		return ppv_cli_usage(&ppv_cmd_report, "%s takes a positive number, not '%s'", opt,
				     arg);
	*out = (unsigned int)v;
	return 0;
}

static int parse_percent(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || isnan(*out) || *out < 0.0 || *out > 100.0)
		return ppv_cli_usage(&ppv_cmd_report,
				     "--min-percent takes a number from 0 to 100, not '%s'", arg);
	return 0;
}

static int parse_option(int c, const char *arg, struct ppv_analyze_opts *ao,
			struct ppv_render_opts *ro, const char **file)
{
	switch (c) {
	case OPT_HTML:
		*file = arg;
		return 0;
	case OPT_TITLE:
		ro->title = arg;
		return 0;
	case 'n':
		return parse_number("--limit", arg, &ro->limit);
	case 'd':
		return parse_number("--depth", arg, &ro->max_depth);
	case 'm':
		return parse_percent(arg, &ro->min_percent);
	case 's':
		if (ppv_sort_key_parse(arg, &ro->sort) < 0)
			return ppv_cli_usage(&ppv_cmd_report, "--sort: unknown key '%s'", arg);
		return 0;
	default:
		return ppv_cli_other_option(&ppv_cmd_report, c, arg, ao);
	}
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao,
		      struct ppv_render_opts *ro, const char **file)
{
	static const struct option opts[] = {
		{ "html", required_argument, NULL, OPT_HTML },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "limit", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "depth", required_argument, NULL, 'd' },
		{ "min-percent", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "hn:s:d:m:" PPV_CLI_COMMON_SHORTOPTS, opts, NULL)) !=
	       -1) {
		if (c == 'h') {
			help(stdout);
			return -1;
		}
		rc = parse_option(c, optarg, ao, ro, file);
		if (rc)
			return rc;
	}
	if (!*file)
		return ppv_cli_usage(&ppv_cmd_report, "--html FILE is required");
	return 0;
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro) };
	const char *file = NULL;
	int rc = parse_args(argc, argv, &ao, &ro, &file);

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	return ppv_cli_report(&ppv_cmd_report, argc, argv, &ao, &ro, ppv_render_html, file);
}

const struct ppv_cli_cmd ppv_cmd_report = {
	.name = "report",
	.summary = "the whole analysis as one self-contained HTML page (--html FILE)",
	.run = run,
	.help = help,
};
