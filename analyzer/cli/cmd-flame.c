/* SPDX-License-Identifier: MIT */
/*
 * cmd-flame.c - `ppv-analyze flame`: folded stacks (for flamegraph.pl,
 * inferno, speedscope), an interactive SVG flame graph, or a flame chart
 * (stacks in time order). Owns the command's options and its output files
 * (removed again if they cannot be written); the stacks and drawings are
 * ppv_render_folded(), ppv_render_svg() and ppv_flamechart_*().
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-common.h"

enum { OPT_BY = 0x200, OPT_SVG, OPT_CHART, OPT_ICICLE, OPT_TITLE };

struct flame_args {
	struct ppv_analyze_opts ao;
	struct ppv_render_opts ro;
	const char *folded; /* -o FILE, NULL: stdout unless --svg */
	const char *svg;    /* --svg FILE */
	int chart;
};

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze flame [OPTIONS] TRACE\n\n"
		"Write folded stacks (\"main;parse;read_file 1234\", one line per call path)\n"
		"for flamegraph.pl, inferno or speedscope, or draw an interactive SVG flame\n"
		"graph (click to zoom, Ctrl-F to search, tooltips).\n\n"
		"Options:\n"
		"      --by WHAT          weight of a stack: time (self ns, the default),\n"
		"                         calls, io (bytes) or memory (bytes allocated;\n"
		"                         needs allocation events: ppv-record -g fine)\n"
		"  -o, --output FILE      write folded stacks to FILE (default: stdout)\n"
		"      --svg FILE         write an SVG flame graph to FILE ('-': stdout);\n"
		"                         folded stacks are then written only with -o\n"
		"      --flamechart       stacks in time order instead of merged: folded\n"
		"                         lines for flamegraph.pl --flamechart, or with\n"
		"                         --svg a chart whose x axis is time\n"
		"      --icicle           SVG: roots at the top, growing down\n"
		"      --title TEXT       SVG: the title\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int parse_option(int c, const char *arg, struct flame_args *a)
{
	switch (c) {
	case OPT_BY:
		if (ppv_flame_by_parse(arg, &a->ro.flame_by))
			return ppv_cli_usage(&ppv_cmd_flame,
					     "--by takes time, calls, memory or io, not '%s'", arg);
		return 0;
	case 'o':
		a->folded = arg;
		return 0;
	case OPT_SVG:
		a->svg = arg;
		return 0;
	case OPT_CHART:
		a->chart = 1;
		return 0;
	case OPT_ICICLE:
		a->ro.icicle = 1;
		return 0;
	case OPT_TITLE:
		a->ro.title = arg;
		return 0;
	default:
		return ppv_cli_other_option(&ppv_cmd_flame, c, arg, &a->ao);
	}
}

static int parse_args(int argc, char **argv, struct flame_args *a)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "output", required_argument, NULL, 'o' },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "flamechart", no_argument, NULL, OPT_CHART },
		{ "icicle", no_argument, NULL, OPT_ICICLE },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	const char *shortopts = "ho:" PPV_CLI_COMMON_SHORTOPTS;
	int c, rc;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return -1;
		}
		rc = parse_option(c, optarg, a);
		if (rc)
			return rc;
	}
	if (a->chart && a->svg && a->folded)
		return ppv_cli_usage(&ppv_cmd_flame, "--flamechart writes either -o or --svg");
	if (a->chart && a->ro.flame_by != PPV_FLAME_TIME)
		return ppv_cli_usage(&ppv_cmd_flame, "--flamechart measures time only");
	return 0;
}

static int write_graphs(const struct ppv_profile *p, const struct flame_args *a)
{
	FILE *out;
	int rc = 0;

	if (a->folded || !a->svg) {
		out = ppv_cli_out_open(&ppv_cmd_flame, a->folded);
		if (!out)
			return PPV_EXIT_TRACE;
		rc = ppv_cli_out_close(out, a->folded, ppv_render_folded(p, &a->ro, out));
	}
	if (rc == 0 && a->svg) {
		out = ppv_cli_out_open(&ppv_cmd_flame, a->svg);
		if (!out)
			return PPV_EXIT_TRACE;
		rc = ppv_cli_out_close(out, a->svg, ppv_render_svg(p, &a->ro, out));
	}
	return ppv_cli_render_status(&ppv_cmd_flame, rc);
}

/* The chart is fed during the pass, then finished with the profile. */
static int write_chart(const char *path, struct flame_args *a)
{
	const char *file = a->svg ? a->svg : a->folded;
	struct ppv_flamechart *fc;
	struct ppv_profile *p;
	struct ppv_trace *t;
	FILE *out = ppv_cli_out_open(&ppv_cmd_flame, file);
	int rc;

	if (!out)
		return PPV_EXIT_TRACE;
	rc = ppv_flamechart_new(&a->ro, a->svg != NULL, out, &fc);
	if (rc < 0)
		return ppv_cli_render_status(&ppv_cmd_flame, ppv_cli_out_close(out, file, rc));
	a->ao.on_frame = ppv_flamechart_on_frame;
	a->ao.cb_arg = fc;
	rc = ppv_cli_analyze(path, &a->ao, &t, &p);
	if (rc != PPV_EXIT_OK) {
		ppv_flamechart_free(fc);
		ppv_cli_out_close(out, file, -EIO);
		return rc;
	}
	rc = ppv_cli_out_close(out, file, ppv_flamechart_finish(fc, p));
	ppv_flamechart_free(fc);
	ppv_cli_analyze_end(t, p);
	return ppv_cli_render_status(&ppv_cmd_flame, rc);
}

static int run(int argc, char **argv)
{
	struct flame_args a = { .ao = { .sz = sizeof(a.ao) }, .ro = { .sz = sizeof(a.ro) } };
	struct ppv_profile *p;
	struct ppv_trace *t;
	const char *path;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	path = ppv_cli_trace_arg(&ppv_cmd_flame, argc, argv);
	if (!path)
		return PPV_EXIT_USAGE;
	if (a.chart)
		return write_chart(path, &a);
	rc = ppv_cli_analyze(path, &a.ao, &t, &p);
	if (rc != PPV_EXIT_OK)
		return rc;
	if (a.ro.flame_by == PPV_FLAME_MEMORY && !ppv_profile_memory_total(p)->events) {
		/* an empty graph would look like a program that allocates nothing */
		fprintf(stderr, "ppv-analyze flame: error: this trace has no allocation events "
				"(record with ppv-record -g fine, or --memory)\n");
		rc = PPV_EXIT_TRACE;
	} else {
		rc = write_graphs(p, &a);
	}
	ppv_cli_analyze_end(t, p);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_flame = {
	.name = "flame",
	.summary = "flame graphs: folded stacks, an interactive SVG, or a flame chart",
	.run = run,
	.help = help,
};
