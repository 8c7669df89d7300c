/* test-diff-render.c - the text, Markdown and JSON renderers of a diff. */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff-fixture.h"

static struct dx_run base, cur;
static struct ppv_diff *d;
static const struct ppv_diff_render_opts labels = { .sz = sizeof(labels),
						    .base_label = "old.ppv",
						    .new_label = "new.ppv" };

static void setup(void)
{
	dx_base(&base);
	dx_new(&cur, 0);
	d = dx_diff(&base, &cur, NULL);
}

static void teardown(void)
{
	ppv_diff_free(d);
	dx_close(&base);
	dx_close(&cur);
}

TestSuite(diff_render, .init = setup, .fini = teardown);

Test(diff_render, text_marks_the_regression_and_ends_with_a_verdict)
{
	int rc;
	char *t = dx_render(ppv_render_diff_text, d, &labels, &rc), *l;

	cr_assert_eq(rc, 0);
	l = dx_line_with(t, "REGRESSED");
	cr_assert_str_eq(l, "REGRESSED parse 1 100.00 us 10.0% 200.00 us 18.2% +100.00 us "
			    "+100% 100.00 us 10.0% 200.00 us 18.2% +100.00 us +100% 0 B", "%s", l);
	free(l);
	l = dx_line_with(t, " render ");
	cr_assert_str_eq(l, "render 1 200.00 us 20.0% 200.00 us 18.2% 0 ns +0.0% 200.00 us "
			    "20.0% 200.00 us 18.2% 0 ns +0.0% 512 B->1.00 KiB", "%s", l);
	free(l);
	cr_assert_not_null(strstr(t, "Diff: base old.ppv (trace) -> new new.ppv (trace)\n"));
	cr_assert_not_null(strstr(t, "\nadded      fresh "), "%s", t);
	cr_assert_not_null(strstr(t, "\nremoved    old "), "%s", t);
	cr_assert_not_null(strstr(t, "Added (only in new): fresh\n"));
	cr_assert_not_null(strstr(t, "Removed (only in base): old\n"));
	cr_assert_not_null(strstr(t, "\nSummary: 1 regressed, 0 improved, 1 added, 1 removed, "
				     "3 unchanged; run total 1.00 ms -> 1.10 ms (+100.00 us, "
				     "+10.0%)\nVerdict: REGRESSION in parse\n"), "%s", t);
	free(t);
}

Test(diff_render, text_says_ok_without_regression)
{
	struct ppv_diff *same = dx_diff(&base, &base, NULL);
	int rc;
	char *t = dx_render(ppv_render_diff_text, same, NULL, &rc);

	cr_assert_eq(rc, 0);
	cr_assert_null(strstr(t, "REGRESSED"));
	cr_assert_not_null(strstr(t, "Verdict: OK, no function regressed\n"), "%s", t);
	cr_assert_not_null(strstr(t, "Diff: base base (trace) -> new new (trace)"));
	free(t);
	ppv_diff_free(same);
}

Test(diff_render, limit_cuts_the_table_but_never_a_regression)
{
	struct ppv_diff_render_opts o = { .sz = sizeof(o), .limit = 1 };
	struct ppv_diff_opts dopts;
	struct ppv_diff *two;
	int rc;
	char *t;

	ppv_diff_opts_init(&dopts);
	dopts.threshold_percent = 5.0; /* parse and main regress */
	two = dx_diff(&base, &cur, &dopts);
	cr_assert_eq(ppv_diff_regressions(two), 2);
	t = dx_render(ppv_render_diff_text, two, &o, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(t, "REGRESSED  parse"), "%s", t);
	cr_assert_not_null(strstr(t, "REGRESSED  main"), "%s", t);
	cr_assert_not_null(strstr(t, "... 4 more functions"), "%s", t);
	cr_assert_not_null(strstr(t, "Verdict: REGRESSION in main, parse\n"), "%s", t);
	free(t);
	ppv_diff_free(two);
}

Test(diff_render, markdown_has_a_verdict_and_a_table)
{
	int rc;
	char *t = dx_render(ppv_render_diff_markdown, d, &labels, &rc), *l;

	cr_assert_eq(rc, 0);
	cr_assert_eq(strstr(t, "### \xe2\x9d\x8c PerProVis: 1 function regressed\n\n"
			       "**Verdict: regression** in `parse`.\n"), t, "%s", t);
	cr_assert_not_null(strstr(t, "| | Function | Calls | Total base |"));
	cr_assert_not_null(strstr(t, "|:--|:--|--:|"));
	l = dx_line_with(t, "| `parse` |");
	cr_assert_str_eq(l, "| \xf0\x9f\x94\xb4 regressed | `parse` | 1 | 100.00 us (10.0%) | "
			    "200.00 us (18.2%) | +100.00 us (+100%) | 100.00 us (10.0%) | "
			    "200.00 us (18.2%) | +100.00 us (+100%) | 0 B |", "%s", l);
	free(l);
	l = dx_line_with(t, "| `fresh` |");
	cr_assert_not_null(strstr(l, "added | `fresh` | 0 \xe2\x86\x92 1 | - | 10.00 us (0.9%) | "
				     "+10.00 us (new) |"), "%s", l);
	free(l);
	cr_assert_not_null(strstr(t, "Base: `old.ppv` (trace), new: `new.ppv` (trace)"));
	free(t);
}

Test(diff_render, markdown_ok_and_escapes_pipes)
{
	struct dx_run a;
	struct ppv_diff *same;
	int rc;
	char *t;

	dx_begin(&a);
	dx_leaf(&a, 0, 100, "operator|");
	dx_end(&a);
	same = dx_diff(&a, &a, NULL);
	t = dx_render(ppv_render_diff_markdown, same, NULL, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(t, "**Verdict: OK**"), "%s", t);
	cr_assert_not_null(strstr(t, "| `operator\\|` |"), "%s", t);
	free(t);
	ppv_diff_free(same);
	dx_close(&a);
}

static json_t *row_named(json_t *rows, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r)
		if (strcmp(json_string_value(json_object_get(r, "name")), name) == 0)
			return r;
	cr_assert_fail("no row %s", name);
	return NULL;
}

Test(diff_render, json_has_every_row_with_raw_figures)
{
	json_error_t err;
	json_t *doc, *parse, *fresh;
	int rc;
	char *t = dx_render(ppv_render_diff_json, d, &labels, &rc);

	cr_assert_eq(rc, 0);
	doc = json_loads(t, 0, &err);
	cr_assert_not_null(doc, "%s", err.text);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "format")), "perprovis-diff");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "verdict")), "regression");
	cr_assert_eq(json_integer_value(json_object_get(doc, "regressions")), 1);
	cr_assert_eq(json_array_size(json_object_get(doc, "functions")), 6);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "counts"), "added")),
		     1);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "base"), "label")),
			 "old.ppv");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "rule"), "metric")),
			 "total");
	parse = row_named(json_object_get(doc, "functions"), "parse");
	cr_assert(json_is_true(json_object_get(parse, "regressed")));
	cr_assert_str_eq(json_string_value(json_object_get(parse, "status")), "regressed");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(parse, "delta"),
							"total_ns")), 100000);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(parse, "new"),
							"total_ns")), 200000);
	cr_assert_float_eq(json_real_value(json_object_get(parse, "metric_change_percent")), 100.0,
			   1e-9);
	fresh = row_named(json_object_get(doc, "functions"), "fresh");
	cr_assert(json_is_null(json_object_get(fresh, "base")));
	cr_assert(json_is_null(json_object_get(fresh, "metric_change_percent")));
	cr_assert_str_eq(json_string_value(json_object_get(fresh, "status")), "added");
	json_decref(doc);
	free(t);
}

Test(diff_render, rejects_bad_options)
{
	struct ppv_diff_render_opts o = { .sz = 0 };
	int rc;
	char *t = dx_render(ppv_render_diff_text, d, &o, &rc);

	cr_assert_eq(rc, -EINVAL);
	free(t);
}
