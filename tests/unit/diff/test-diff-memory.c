/* test-diff-memory.c - the memory metrics of ppv_diff (--metric alloc and
 * alloc-self): bytes allocated per function, their shares of the run's
 * allocations, the verdict in bytes, runs without allocation events,
 * reports with and without allocation keys, and the renderers' bytes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv-render.h>

#include "diff-fixture.h"

static struct dx_run base, cur;

/*
 * main 0..1000 us { 500 B; parse 100..200 { @parse_bytes }; render 300..500
 * { 1000 B }; tiny 600..602 { @tiny_bytes } }. Times are the same in every
 * run: only allocations change.
 * Base (10000, 8): main allocates 11508 B inclusive, the whole run.
 * New (11000, 16): 12516 B; parse +1000 B (+10%), main +1008 B (+8.76%),
 * tiny +8 B (+100%, but 0.07% and 0.13% of the runs).
 */
static void mem_run(struct dx_run *r, uint64_t parse_bytes, uint64_t tiny_bytes)
{
	dx_begin(r);
	dx_enter(r, 0, "main");
	dx_alloc(r, 10, 0x1000, 500);
	dx_enter(r, 100, "parse");
	dx_alloc(r, 110, 0x2000, parse_bytes);
	dx_exit(r, 200, "parse");
	dx_enter(r, 300, "render");
	dx_alloc(r, 310, 0x3000, 1000);
	dx_exit(r, 500, "render");
	dx_enter(r, 600, "tiny");
	dx_alloc(r, 601, 0x4000, tiny_bytes);
	dx_exit(r, 602, "tiny");
	dx_exit(r, 1000, "main");
	dx_end(r);
}

static void setup(void)
{
	mem_run(&base, 10000, 8);
	mem_run(&cur, 11000, 16);
}

static void teardown(void)
{
	dx_close(&base);
	dx_close(&cur);
}

TestSuite(diff_memory, .init = setup, .fini = teardown);

static struct ppv_diff_opts opts(enum ppv_diff_metric m, double threshold)
{
	struct ppv_diff_opts o;

	ppv_diff_opts_init(&o);
	o.metric = m;
	o.threshold_percent = threshold;
	return o;
}

Test(diff_memory, figures_and_shares_come_from_the_profiles)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff *d = dx_diff(&base, &cur, &o);
	const struct ppv_diff_row *parse = dx_row(d, "parse"), *main_ = dx_row(d, "main");

	cr_assert_eq(ppv_diff_base_run(d)->alloc_bytes, 11508);
	cr_assert_eq(ppv_diff_new_run(d)->alloc_bytes, 12516);
	cr_assert_eq(ppv_diff_base_run(d)->alloc_events, 4);
	cr_assert_eq(parse->base.alloc_bytes, 10000);
	cr_assert_eq(parse->base.alloc_bytes_incl, 10000);
	cr_assert_eq(parse->cur.alloc_bytes_incl, 11000);
	cr_assert_float_eq(parse->base.alloc_incl_percent, 100.0 * 10000 / 11508, 1e-9);
	cr_assert_float_eq(parse->cur.alloc_self_percent, 100.0 * 11000 / 12516, 1e-9);
	cr_assert_eq(main_->base.alloc_bytes, 500);
	cr_assert_eq(main_->base.alloc_bytes_incl, 11508);
	cr_assert_eq(main_->cur.alloc_bytes_incl, 12516);
	cr_assert_float_eq(main_->base.alloc_incl_percent, 100.0, 1e-9);
	cr_assert_eq(parse->delta_bytes, 1000);
	cr_assert_eq(parse->delta_ns, 0, "a memory metric's change is in bytes only");
	cr_assert_float_eq(parse->change_percent, 10.0, 1e-9);
	ppv_diff_free(d);
}

Test(diff_memory, ten_percent_more_bytes_regresses_at_5_not_at_20)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff *d = dx_diff(&base, &cur, &o);

	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_REGRESSED);
	cr_assert_eq(dx_row(d, "main")->status, PPV_DIFF_REGRESSED); /* +8.76% inclusive */
	cr_assert_eq(dx_row(d, "render")->status, PPV_DIFF_UNCHANGED);
	cr_assert_eq(ppv_diff_regressions(d), 2);
	cr_assert_str_eq(ppv_diff_row(d, 0)->name, "main", "largest growth (1008 B) first");
	cr_assert_str_eq(ppv_diff_row(d, 1)->name, "parse");
	ppv_diff_free(d);
	o = opts(PPV_DIFF_METRIC_ALLOC, 20.0);
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_UNCHANGED);
	cr_assert_eq(ppv_diff_regressions(d), 0);
	ppv_diff_free(d);
}

Test(diff_memory, self_metric_names_only_the_function_that_allocates_more)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC_SELF, 5.0);
	struct ppv_diff *d = dx_diff(&base, &cur, &o);

	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_REGRESSED);
	cr_assert_eq(dx_row(d, "main")->status, PPV_DIFF_UNCHANGED); /* 500 B -> 500 B */
	cr_assert_eq(dx_row(d, "main")->delta_bytes, 0);
	cr_assert_eq(ppv_diff_regressions(d), 1);
	ppv_diff_free(d);
}

Test(diff_memory, min_delta_is_in_bytes)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC_SELF, 5.0);
	struct ppv_diff *d;

	o.min_delta_bytes = 1000; /* parse grew by exactly 1000 B */
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_UNCHANGED);
	ppv_diff_free(d);
	o.min_delta_bytes = 999;
	o.min_delta_ns = 1000000000; /* a time metric's minimum: ignored here */
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_REGRESSED);
	ppv_diff_free(d);
}

Test(diff_memory, noise_floor_is_a_share_of_the_bytes_allocated)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff *d = dx_diff(&base, &cur, &o);

	/* 8 B -> 16 B: +100%, but 0.07% and 0.13% of the runs' bytes */
	cr_assert(dx_row(d, "tiny")->below_floor);
	cr_assert_eq(dx_row(d, "tiny")->status, PPV_DIFF_UNCHANGED);
	ppv_diff_free(d);
	o.noise_floor_percent = 0.1;
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "tiny")->status, PPV_DIFF_REGRESSED);
	ppv_diff_free(d);
}

Test(diff_memory, time_metrics_ignore_allocations)
{
	struct ppv_diff *d = dx_diff(&base, &cur, NULL);

	cr_assert_eq(ppv_diff_regressions(d), 0);
	cr_assert_eq(dx_row(d, "parse")->delta_ns, 0);
	cr_assert_eq(dx_row(d, "parse")->delta_bytes, 0);
	cr_assert_eq(dx_row(d, "parse")->cur.alloc_bytes, 11000, "figures are there all the same");
	ppv_diff_free(d);
}

Test(diff_memory, shrinking_allocations_are_an_improvement)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff *d = dx_diff(&cur, &base, &o);

	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_IMPROVED);
	cr_assert_eq(dx_row(d, "parse")->delta_bytes, -1000);
	cr_assert_eq(ppv_diff_regressions(d), 0);
	ppv_diff_free(d);
}

Test(diff_memory, runs_without_allocation_events_are_refused)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff *d = (struct ppv_diff *)&o;
	struct dx_run plain, plain2;

	dx_base(&plain);
	dx_new(&plain2, 0);
	cr_assert_eq(ppv_diff_new_from_profiles(plain.p, plain2.p, &o, &d), -ENODATA);
	cr_assert_null(d);
	cr_assert_eq(ppv_diff_new_from_profiles(base.p, plain.p, &o, &d), -ENODATA);
	cr_assert_eq(ppv_diff_new_from_profiles(plain.p, cur.p, &o, &d), -ENODATA);
	o.metric = PPV_DIFF_METRIC_ALLOC_SELF;
	cr_assert_eq(ppv_diff_new_from_profiles(plain.p, plain2.p, &o, &d), -ENODATA);
	o.metric = PPV_DIFF_METRIC_TOTAL;
	cr_assert_eq(ppv_diff_new_from_profiles(plain.p, plain2.p, &o, &d), 0);
	ppv_diff_free(d);
	dx_close(&plain);
	dx_close(&plain2);
}

Test(diff_memory, parses_and_names_the_memory_metrics)
{
	enum ppv_diff_metric m = PPV_DIFF_METRIC_TOTAL;

	cr_assert_eq(ppv_diff_metric_parse("alloc", &m), 0);
	cr_assert_eq(m, PPV_DIFF_METRIC_ALLOC);
	cr_assert_eq(ppv_diff_metric_parse("alloc-self", &m), 0);
	cr_assert_eq(m, PPV_DIFF_METRIC_ALLOC_SELF);
	cr_assert_eq(ppv_diff_metric_parse("alloc_self", &m), -EINVAL);
	cr_assert_eq(ppv_diff_metric_parse("memory", &m), -EINVAL);
	cr_assert_str_eq(ppv_diff_metric_name(PPV_DIFF_METRIC_ALLOC_SELF), "alloc-self");
	cr_assert_str_eq(ppv_diff_metric_name(PPV_DIFF_METRIC_SELF), "self");
	cr_assert_str_eq(ppv_diff_metric_name((enum ppv_diff_metric)9), "?");
	cr_assert(ppv_diff_metric_is_memory(PPV_DIFF_METRIC_ALLOC));
	cr_assert(ppv_diff_metric_is_memory(PPV_DIFF_METRIC_ALLOC_SELF));
	cr_assert_not(ppv_diff_metric_is_memory(PPV_DIFF_METRIC_TOTAL));
	cr_assert_not(ppv_diff_metric_is_memory(PPV_DIFF_METRIC_SELF));
}

/* ---- saved reports ---- */

static struct ppv_diff_input *load(const char *text, int expect)
{
	struct ppv_diff_input *in = NULL;
	char *path = dx_file(text);

	cr_assert_eq(ppv_diff_input_load(path, &in), expect, "%s", ppv_diff_load_error());
	unlink(path);
	free(path);
	return in;
}

Test(diff_memory, a_saved_report_gives_the_same_bytes)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff_input *saved = NULL, *now = NULL;
	struct ppv_diff *from_json = NULL, *direct = dx_diff(&base, &cur, &o);
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	cr_assert_eq(ppv_render_json(base.p, NULL, f), 0);
	cr_assert_eq(fclose(f), 0);
	saved = load(text, 0);
	cr_assert_eq(ppv_diff_input_run(saved)->alloc_bytes, 11508);
	cr_assert_eq(ppv_diff_input_run(saved)->alloc_events, 4);
	cr_assert_eq(ppv_diff_input_from_profile(cur.p, &now), 0);
	cr_assert_eq(ppv_diff_new(saved, now, &o, &from_json), 0);
	cr_assert_eq(ppv_diff_row_count(from_json), ppv_diff_row_count(direct));
	for (size_t i = 0; i < ppv_diff_row_count(direct); i++) {
		const struct ppv_diff_row *a = ppv_diff_row(direct, i);
		const struct ppv_diff_row *b = ppv_diff_row(from_json, i);

		cr_assert_str_eq(a->name, b->name);
		cr_assert_eq(a->status, b->status);
		cr_assert_eq(a->delta_bytes, b->delta_bytes);
		cr_assert_eq(a->base.alloc_bytes, b->base.alloc_bytes);
		cr_assert_eq(a->base.alloc_bytes_incl, b->base.alloc_bytes_incl);
		cr_assert_float_eq(a->base.alloc_incl_percent, b->base.alloc_incl_percent, 1e-9);
	}
	ppv_diff_free(from_json);
	ppv_diff_free(direct);
	ppv_diff_input_free(saved);
	ppv_diff_input_free(now);
	free(text);
}

/* A report saved before allocations were recorded: no alloc keys, no "memory". */
#define OLD_REPORT                                                                       \
	"{\"format\": \"perprovis-report\", \"schema_version\": 1, \"command\": \"app\", " \
	"\"summary\": {\"total_ns\": 1000000, \"calls\": 1, \"io_bytes\": 0}, "            \
	"\"caveats\": {\"lost_events\": 0, \"unfinished_calls\": 0, \"truncated\": false}, " \
	"\"function_profiles\": {\"parse\": {\"name\": \"parse\", \"module\": null, "      \
	"\"kind\": \"scope\", \"calls\": 1, \"total_ns\": 100000, \"self_ns\": 100000, "   \
	"\"io_bytes\": 0"

Test(diff_memory, an_older_report_without_alloc_keys_loads_with_zeros)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);
	struct ppv_diff_input *old = load(OLD_REPORT "}}}", 0), *now = NULL;
	struct ppv_diff *d = NULL;

	cr_assert_eq(ppv_diff_input_run(old)->alloc_bytes, 0);
	cr_assert_eq(ppv_diff_input_run(old)->alloc_events, 0);
	cr_assert_eq(ppv_diff_input_from_profile(cur.p, &now), 0);
	cr_assert_eq(ppv_diff_new(old, now, &o, &d), -ENODATA, "nothing to compare bytes with");
	cr_assert_eq(ppv_diff_new(old, now, NULL, &d), 0, "time still compares");
	cr_assert_eq(dx_row(d, "parse")->base.alloc_bytes, 0);
	cr_assert_eq(dx_row(d, "parse")->base.alloc_bytes_incl, 0);
	cr_assert_eq(dx_row(d, "parse")->cur.alloc_bytes, 11000);
	ppv_diff_free(d);
	ppv_diff_input_free(old);
	ppv_diff_input_free(now);
}

Test(diff_memory, report_alloc_keys_must_be_byte_counts)
{
	load(OLD_REPORT ", \"alloc_bytes\": -5}}}", -EINVAL);
	cr_assert_not_null(strstr(ppv_diff_load_error(), "\"alloc_bytes\""), "%s",
			   ppv_diff_load_error());
	load(OLD_REPORT "}}, \"memory\": {\"recorded\": true, \"total\": 3}}", -EINVAL);
	cr_assert_not_null(strstr(ppv_diff_load_error(), "memory"), "%s", ppv_diff_load_error());
	ppv_diff_input_free(load(OLD_REPORT ", \"alloc_bytes\": 64, \"alloc_bytes_incl\": 96}}, "
				 "\"memory\": {\"total\": {\"events\": 2, \"alloc_bytes\": 96}}}",
				 0));
}

/* ---- renderers ---- */

static struct ppv_diff *mem_diff(void)
{
	struct ppv_diff_opts o = opts(PPV_DIFF_METRIC_ALLOC, 5.0);

	o.min_delta_bytes = 999;
	return dx_diff(&base, &cur, &o);
}

Test(diff_memory, text_shows_bytes_instead_of_times)
{
	struct ppv_diff *d = mem_diff();
	int rc;
	char *t = dx_render(ppv_render_diff_text, d, NULL, &rc), *l;

	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(t, "Rule: a function regresses when its bytes allocated "
				     "(inclusive) grew by more than 5% and by more than 999 B; "
				     "functions under 0.5% of the bytes the run allocated in both "
				     "runs never do\n"), "%s", t);
	l = dx_line_with(t, "status ");
	cr_assert_str_eq(l, "status function calls alloc base alloc new alloc change "
			    "self alloc base self alloc new self alloc change", "%s", l);
	free(l);
	l = dx_line_with(t, " parse ");
	cr_assert_str_eq(l, "REGRESSED parse 1 9.77 KiB 86.9% 10.74 KiB 87.9% +1000 B +10.0% "
			    "9.77 KiB 86.9% 10.74 KiB 87.9% +1000 B +10.0%", "%s", l);
	free(l);
	l = dx_line_with(t, " main ");
	cr_assert_str_eq(l, "REGRESSED main 1 11.24 KiB 100.0% 12.22 KiB 100.0% +1008 B +8.8% "
			    "500 B 4.3% 500 B 4.0% 0 B +0.0%", "%s", l);
	free(l);
	cr_assert_not_null(strstr(t, "; run total 1.00 ms -> 1.00 ms (0 ns, +0.0%); allocated "
				     "11.24 KiB -> 12.22 KiB (+1008 B, +8.8%)\nVerdict: "
				     "REGRESSION in main, parse\n"), "%s", t);
	free(t);
	ppv_diff_free(d);
}

Test(diff_memory, markdown_shows_bytes_instead_of_times)
{
	struct ppv_diff *d = mem_diff();
	int rc;
	char *t = dx_render(ppv_render_diff_markdown, d, NULL, &rc), *l;

	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(t, "| | Function | Calls | Allocated base | Allocated new | "
				     "Allocated change | Self alloc. base | Self alloc. new | "
				     "Self alloc. change |\n"), "%s", t);
	l = dx_line_with(t, "| `parse` |");
	cr_assert_str_eq(l, "| \xf0\x9f\x94\xb4 regressed | `parse` | 1 | 9.77 KiB (86.9%) | "
			    "10.74 KiB (87.9%) | +1000 B (+10.0%) | 9.77 KiB (86.9%) | "
			    "10.74 KiB (87.9%) | +1000 B (+10.0%) |", "%s", l);
	free(l);
	cr_assert_not_null(strstr(t, "allocated 11.24 KiB \xe2\x86\x92 12.22 KiB (+1008 B, "
				     "+8.8%)."), "%s", t);
	cr_assert_not_null(strstr(t, "after a size are its share of the bytes its run "
				     "allocated.\n"), "%s", t);
	free(t);
	ppv_diff_free(d);
}

static json_t *row_named(json_t *doc, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(doc, "functions"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "name")), name) == 0)
			return r;
	cr_assert_fail("no row %s", name);
	return NULL;
}

static json_int_t jint(json_t *obj, const char *a, const char *b)
{
	json_t *v = json_object_get(obj, a);

	if (b)
		v = json_object_get(v, b);
	cr_assert(json_is_integer(v), "%s.%s is not an integer", a, b ? b : "");
	return json_integer_value(v);
}

Test(diff_memory, json_names_the_metric_and_gives_bytes)
{
	struct ppv_diff *d = mem_diff();
	json_error_t err;
	json_t *doc, *parse;
	int rc;
	char *t = dx_render(ppv_render_diff_json, d, NULL, &rc);

	cr_assert_eq(rc, 0);
	doc = json_loads(t, 0, &err);
	cr_assert_not_null(doc, "%s", err.text);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "rule"), "metric")),
			 "alloc");
	cr_assert_eq(jint(doc, "rule", "min_delta_bytes"), 999);
	cr_assert_eq(jint(doc, "base", "alloc_bytes"), 11508);
	cr_assert_eq(jint(doc, "new", "alloc_bytes"), 12516);
	cr_assert_eq(jint(doc, "new", "alloc_events"), 4);
	parse = row_named(doc, "parse");
	cr_assert_eq(jint(parse, "metric_delta_bytes", NULL), 1000);
	cr_assert_null(json_object_get(parse, "metric_delta_ns"), "not a time in disguise");
	cr_assert_float_eq(json_real_value(json_object_get(parse, "metric_change_percent")), 10.0,
			   1e-9);
	cr_assert_eq(jint(parse, "delta", "alloc_bytes_incl"), 1000);
	cr_assert_eq(jint(parse, "delta", "alloc_bytes"), 1000);
	cr_assert_eq(jint(parse, "delta", "total_ns"), 0);
	cr_assert_eq(jint(parse, "base", "alloc_bytes_incl"), 10000);
	cr_assert_eq(jint(parse, "new", "alloc_bytes"), 11000);
	cr_assert_float_eq(json_real_value(json_object_get(json_object_get(parse, "delta"),
							   "alloc_incl_percent")), 10.0, 1e-9);
	json_decref(doc);
	free(t);
	ppv_diff_free(d);
}
