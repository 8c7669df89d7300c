/* SPDX-License-Identifier: MIT */
/*
 * cmd-diff.c - `ppv-analyze diff BASE NEW`: compare two runs, each a trace
 * or a JSON report saved by `ppv-analyze json`, and exit 1 when a function
 * regressed past the thresholds (for CI). Owns the command's options (a
 * --min-delta in the unit of the metric), the choice between trace and
 * report for each operand, the check that a memory metric has allocation
 * events to compare, the flame-graph output files and the exit status.
 * The comparison is ppv_diff_new() (analyzer/diff.c), the reports are
 * ppv_render_diff_*().
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv-diff.h>

#include "cli-common.h"

/* Exit status of diff: unlike the other commands, 1 means "regressed". */
enum { DIFF_OK = 0, DIFF_REGRESSED = 1, DIFF_ERROR = 2 };

typedef int (*diff_render_fn)(const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
			      FILE *out);

struct diff_args {
	struct ppv_analyze_opts ao;
	struct ppv_diff_opts dopts;
	struct ppv_diff_render_opts ro;
	diff_render_fn render;
	const char *min_delta; /* parsed once --metric is known */
	const char *folded, *svg;
	int selected; /* a selection option was given */
};

struct run {
	const char *path;
	struct ppv_trace *t;
	struct ppv_profile *p;
	struct ppv_diff_input *in;
};

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze diff [OPTIONS] BASE NEW\n\n"
		"Compare two runs function by function: calls, total and self time (each\n"
		"with its share of its run) and I/O bytes, or bytes allocated. BASE and NEW\n"
		"are traces or JSON reports saved by `ppv-analyze json -o FILE`.\n\n"
		"A function regresses when its metric grew by more than --threshold percent\n"
		"AND by more than --min-delta, unless it is below --noise-floor percent of\n"
		"the run in both runs. Functions only in NEW are listed as added (they\n"
		"regress only with --fail-on-new), functions only in BASE as removed.\n\n"
		"Options:\n"
		"  --threshold PCT      growth that regresses, in percent (default 10)\n"
		"  --min-delta DELTA    growth must also exceed this (default 0): a duration\n"
		"                       (e.g. 100us), or a size (e.g. 64K) with alloc metrics\n"
		"  --noise-floor PCT    ignore functions below PCT%% of both runs (default 0.5)\n"
		"  --metric METRIC      what is compared (default total): total or self time,\n"
		"                       alloc or alloc-self: bytes allocated, inclusive or\n"
		"                       self (record with ppv-record -g fine or --memory)\n"
		"  --fail-on-new        functions only in NEW can regress too\n"
		"  --json               JSON instead of a text table\n"
		"  --markdown           a Markdown table with a verdict, for a PR comment\n"
		"  -n, --top N          rows of the table (default 20; regressions always)\n"
		"  --folded FILE        write differential folded stacks (stack BEFORE AFTER)\n"
		"  --svg FILE           write a red/blue differential flame graph\n"
		"                       (--folded and --svg need two traces; weighted by\n"
		"                       self time, or by bytes allocated with alloc metrics)\n"
		"  -h, --help           show this help\n\n"
		"Exit status: 0 no regression, 1 a function regressed, 2 error.\n\n"
		PPV_CLI_COMMON_HELP "(selection applies to traces, not to saved reports)\n");
}

static int usage(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage(const char *fmt, const char *arg)
{
	ppv_cli_usage(&ppv_cmd_diff, fmt, arg);
	return DIFF_ERROR;
}

static int parse_percent(const char *opt, const char *arg, double max, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !isfinite(v) || v < 0.0 || v > max)
		return ppv_cli_usage(&ppv_cmd_diff, "%s takes a percentage, not '%s'", opt, arg),
		       DIFF_ERROR;
	*out = v;
	return 0;
}

static int parse_opt(int c, struct diff_args *a)
{
	long long n;

	switch (c) {
	case 0x300:
		return parse_percent("--threshold", optarg, 1e12, &a->dopts.threshold_percent);
	case 0x301:
		a->min_delta = optarg;
		return 0;
	case 0x302:
		return parse_percent("--noise-floor", optarg, 100.0, &a->dopts.noise_floor_percent);
	case 0x303:
		if (ppv_diff_metric_parse(optarg, &a->dopts.metric))
			return usage("--metric takes total, self, alloc or alloc-self, not '%s'",
				     optarg);
		return 0;
	case 0x304:
		a->dopts.new_regresses = 1;
		return 0;
	case 0x305:
		a->render = ppv_render_diff_json;
		return 0;
	case 0x306:
		a->render = ppv_render_diff_markdown;
		return 0;
	case 0x307:
		a->folded = optarg;
		return 0;
	case 0x308:
		a->svg = optarg;
		return 0;
	case 'n':
		n = ppv_cli_number(optarg);
		if (n <= 0 || n > 1000000)
			return usage("-n takes a positive number, not '%s'", optarg);
		a->ro.limit = (unsigned int)n;
		return 0;
	}
	switch (ppv_cli_common_option(&ppv_cmd_diff, c, optarg, &a->ao)) {
	case 1:
		a->selected = 1;
		return 0;
	case 0:
		return usage("unknown option%s", "");
	}
	return DIFF_ERROR;
}

/* --min-delta in the metric's unit: a size for bytes allocated, else a duration. */
static int min_delta_parse(struct diff_args *a)
{
	const char *arg = a->min_delta, *metric = ppv_diff_metric_name(a->dopts.metric);
	uint64_t other;

	if (!arg)
		return 0;
	if (ppv_diff_metric_is_memory(a->dopts.metric)) {
		if (ppv_cli_parse_size(arg, &a->dopts.min_delta_bytes) == 0)
			return 0;
		if (ppv_cli_parse_duration(arg, &other) < 0)
			return usage("--min-delta takes a size (e.g. 64K, 1M), not '%s'", arg);
		ppv_cli_usage(&ppv_cmd_diff, "--min-delta takes a size with --metric %s "
			      "(e.g. 64K, 1M), not the duration '%s'", metric, arg);
		return DIFF_ERROR;
	}
	if (ppv_cli_parse_duration(arg, &a->dopts.min_delta_ns) == 0)
		return 0;
	if (ppv_cli_parse_size(arg, &other) < 0)
		return usage("--min-delta takes a duration (e.g. 100us), not '%s'", arg);
	ppv_cli_usage(&ppv_cmd_diff, "--min-delta takes a duration with --metric %s (e.g. 100us), "
		      "not the size '%s' (sizes go with --metric alloc or alloc-self)", metric, arg);
	return DIFF_ERROR;
}

/* Return: 0 to go on, -1 after --help, or DIFF_ERROR. */
static int parse_args(int argc, char **argv, struct diff_args *a)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 0x300 },
		{ "min-delta", required_argument, NULL, 0x301 },
		{ "noise-floor", required_argument, NULL, 0x302 },
		{ "metric", required_argument, NULL, 0x303 },
		{ "fail-on-new", no_argument, NULL, 0x304 },
		{ "json", no_argument, NULL, 0x305 },
		{ "markdown", no_argument, NULL, 0x306 },
		{ "folded", required_argument, NULL, 0x307 },
		{ "svg", required_argument, NULL, 0x308 },
		{ "top", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "hn:" PPV_CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		if (c == 'h')
			return help(stdout), -1;
		if (c == '?')
			return usage("unknown option or missing argument%s", "");
		if ((rc = parse_opt(c, a)))
			return rc;
	}
	if (argc - optind != 2)
		return usage("%s", argc - optind < 2 ? "needs BASE and NEW" : "too many operands");
	return min_delta_parse(a);
}

/* Load one operand: a saved report, or a trace and its profile. */
static int run_load(struct run *r, const struct diff_args *a, int want_profile)
{
	int rc = ppv_diff_input_is_report(r->path);

	if (rc < 0) {
		fprintf(stderr, "ppv-analyze diff: error: cannot open '%s': %s\n", r->path,
			strerror(-rc));
		return DIFF_ERROR;
	}
	if (rc == 1) {
		if (want_profile) {
			fprintf(stderr, "ppv-analyze diff: error: --folded and --svg need two "
				"traces, but '%s' is a saved JSON report\n", r->path);
			return DIFF_ERROR;
		}
		if (a->selected)
			fprintf(stderr, "ppv-analyze diff: warning: selection options do not apply "
				"to the saved report '%s'\n", r->path);
		if (ppv_diff_input_load(r->path, &r->in) < 0) {
			fprintf(stderr, "ppv-analyze diff: error: %s\n", ppv_diff_load_error());
			return DIFF_ERROR;
		}
		return 0;
	}
	if (ppv_cli_analyze(r->path, &a->ao, &r->t, &r->p) != PPV_EXIT_OK)
		return DIFF_ERROR;
	if (ppv_diff_input_from_profile(r->p, &r->in) < 0) {
		fprintf(stderr, "ppv-analyze diff: error: out of memory\n");
		return DIFF_ERROR;
	}
	return 0;
}

/* A memory metric compares allocations: a run without any cannot be compared. */
static int run_check(const struct run *r, const struct diff_args *a)
{
	if (!ppv_diff_metric_is_memory(a->dopts.metric) ||
	    ppv_diff_input_run(r->in)->alloc_events)
		return 0;
	fprintf(stderr, "ppv-analyze diff: error: '%s' has no allocation events: record with "
		"ppv-record -g fine or --memory%s, or compare time (--metric total)\n", r->path,
		ppv_diff_input_run(r->in)->from_report ? " (and save the report again)" : "");
	return DIFF_ERROR;
}

static void run_end(struct run *r)
{
	ppv_diff_input_free(r->in);
	ppv_cli_analyze_end(r->t, r->p);
}

/* Write a flame-graph file with @fn; the file is removed if that fails. */
static int flame_write(const char *file, const struct run *b, const struct run *n,
		       const struct diff_args *a,
		       int (*fn)(const struct ppv_profile *, const struct ppv_profile *,
				 const struct ppv_render_opts *, FILE *))
{
	struct ppv_render_opts ro = { .sz = sizeof(ro), .title = "ppv-analyze diff" };
	FILE *f;
	int rc;

	/* bytes allocated by each call path itself: what the alloc metrics compare */
	if (ppv_diff_metric_is_memory(a->dopts.metric))
		ro.flame_by = PPV_FLAME_MEMORY;
	f = ppv_cli_out_open(&ppv_cmd_diff, file);
	if (!f)
		return DIFF_ERROR;
	rc = ppv_cli_out_close(f, file, fn(b->p, n->p, &ro, f));
	if (rc < 0) {
		fprintf(stderr, "ppv-analyze diff: error: cannot write '%s': %s\n", file,
			strerror(-rc));
		return DIFF_ERROR;
	}
	return 0;
}

static int compare(const struct diff_args *a, struct run *b, struct run *n)
{
	struct ppv_diff *d = NULL;
	int rc = ppv_diff_new(b->in, n->in, &a->dopts, &d);

	if (rc < 0) {
		fprintf(stderr, "ppv-analyze diff: error: %s\n", strerror(-rc));
		return DIFF_ERROR;
	}
	if ((a->folded && flame_write(a->folded, b, n, a, ppv_render_folded_diff)) ||
	    (a->svg && flame_write(a->svg, b, n, a, ppv_render_svg_diff))) {
		rc = DIFF_ERROR;
	} else if ((rc = a->render(d, &a->ro, stdout)) < 0) {
		ppv_cli_render_status(&ppv_cmd_diff, rc);
		rc = DIFF_ERROR;
	} else {
		rc = ppv_diff_regressions(d) ? DIFF_REGRESSED : DIFF_OK;
	}
	ppv_diff_free(d);
	return rc;
}

static int run(int argc, char **argv)
{
	struct diff_args a = { .ao = { .sz = sizeof(a.ao) }, .render = ppv_render_diff_text };
	struct run b = { 0 }, n = { 0 };
	int rc;

	ppv_diff_opts_init(&a.dopts);
	a.ro = (struct ppv_diff_render_opts){ .sz = sizeof(a.ro), .pretty = 1 };
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? DIFF_OK : rc;
	b.path = a.ro.base_label = argv[optind];
	n.path = a.ro.new_label = argv[optind + 1];
	rc = run_load(&b, &a, a.folded || a.svg);
	if (rc == 0)
		rc = run_load(&n, &a, a.folded || a.svg);
	if (rc == 0)
		rc = run_check(&b, &a);
	if (rc == 0)
		rc = run_check(&n, &a);
	if (rc == 0)
		rc = compare(&a, &b, &n);
	run_end(&b);
	run_end(&n);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_diff = {
	.name = "diff",
	.summary = "compare two runs (traces or saved JSON reports); exit 1 on a regression",
	.run = run,
	.help = help,
};
