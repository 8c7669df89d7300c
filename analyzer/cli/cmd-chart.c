/* SPDX-License-Identifier: MIT */
/*
 * cmd-chart.c - `ppv-analyze chart`: a horizontal bar chart of the top
 * functions by total time, self time, calls, errors or I/O bytes. Owns the
 * command's options and the choice of output width (terminal, $COLUMNS,
 * else 80); the chart itself is ppv_render_chart().
 */
#include <getopt.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli-common.h"

#define CHART_MAX_WIDTH 1000

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze chart [OPTIONS] TRACE\n\n"
		"Draw a bar chart of the functions of TRACE with the largest values.\n\n"
		"Options:\n"
		"  --by WHAT              time (total, the default), self, calls, errors, io\n"
		"                         (I/O bytes) or memory (bytes allocated, inclusive)\n"
		"  -n, --limit N          show N functions (default 15)\n"
		"  --width N              chart width in columns (default: the terminal's,\n"
		"                         else $COLUMNS, else 80)\n"
		"  --ascii                draw bars with '#' instead of Unicode blocks\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

/* The terminal's width when stdout is one, else $COLUMNS, else 0 (the renderer's 80). */
static unsigned int default_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	long long cols;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	cols = env ? ppv_cli_number(env) : -1;
	return cols > 0 && cols <= CHART_MAX_WIDTH ? (unsigned int)cols : 0;
}

static int parse_count(const char *opt, const char *arg, long long max, unsigned int *out)
{
	long long v = ppv_cli_number(arg);

	if (v <= 0 || v > max)
		return ppv_cli_usage(&ppv_cmd_chart, "%s takes a number from 1 to %lld, not '%s'",
				     opt, max, arg);
	*out = (unsigned int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao,
		      struct ppv_render_opts *ro)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 0x200 },
		{ "limit", required_argument, NULL, 'n' },
		{ "width", required_argument, NULL, 0x201 },
		{ "ascii", no_argument, NULL, 0x202 },
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
		case 0x200:
			if (ppv_chart_by_parse(optarg, &ro->chart_by) < 0)
				return ppv_cli_usage(&ppv_cmd_chart, "--by takes time, self, calls, "
						     "errors, io or memory, not '%s'", optarg);
			break;
		case 'n':
			if ((rc = parse_count("-n", optarg, 100000, &ro->limit)))
				return rc;
			break;
		case 0x201:
			if ((rc = parse_count("--width", optarg, CHART_MAX_WIDTH, &ro->width)))
				return rc;
			break;
		case 0x202:
			ro->ascii = 1;
			break;
		default:
			rc = ppv_cli_other_option(&ppv_cmd_chart, c, optarg, ao);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	struct ppv_render_opts ro = { .sz = sizeof(ro), .chart_by = PPV_CHART_TIME };
	int rc;

	ro.width = default_width();
	rc = parse_args(argc, argv, &ao, &ro);
	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	return ppv_cli_report(&ppv_cmd_chart, argc, argv, &ao, &ro, ppv_render_chart, NULL);
}

const struct ppv_cli_cmd ppv_cmd_chart = {
	.name = "chart",
	.summary = "bar chart of the top functions by time, self, calls, errors or I/O",
	.run = run,
	.help = help,
};
