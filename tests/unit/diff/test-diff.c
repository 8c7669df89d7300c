/* test-diff.c - matching, deltas, shares and verdicts of ppv_diff on
 * synthetic runs with known times (diff-fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "diff-fixture.h"

static struct dx_run base, cur;

static void setup(void)
{
	dx_base(&base);
	dx_new(&cur, 0);
}

static void teardown(void)
{
	dx_close(&base);
	dx_close(&cur);
}

TestSuite(diff, .init = setup, .fini = teardown);

Test(diff, matches_functions_and_computes_deltas_and_shares)
{
	struct ppv_diff *d = dx_diff(&base, &cur, NULL);
	const struct ppv_diff_row *parse = dx_row(d, "parse"), *render = dx_row(d, "render");

	cr_assert_not_null(parse);
	cr_assert(parse->in_base && parse->in_new);
	cr_assert_eq(parse->base.total_ns, 100000);
	cr_assert_eq(parse->cur.total_ns, 200000);
	cr_assert_eq(parse->delta_ns, 100000);
	cr_assert_float_eq(parse->change_percent, 100.0, 1e-9);
	cr_assert_float_eq(parse->base.total_percent, 10.0, 1e-9);
	cr_assert_float_eq(parse->cur.total_percent, 100.0 * 200 / 1100, 1e-9);
	cr_assert_eq(parse->base.calls, 1);
	cr_assert_eq(parse->cur.calls, 1);
	cr_assert_eq(render->base.io_bytes, 512);
	cr_assert_eq(render->cur.io_bytes, 1024);
	cr_assert_eq(render->delta_ns, 0);
	cr_assert_eq(render->status, PPV_DIFF_UNCHANGED);
	cr_assert_eq(ppv_diff_base_run(d)->total_ns, 1000000);
	cr_assert_eq(ppv_diff_new_run(d)->total_ns, 1100000);
	cr_assert_eq(ppv_diff_base_run(d)->from_report, 0);
	cr_assert_str_eq(ppv_diff_new_run(d)->command, "synthetic --diff");
	ppv_diff_free(d);
}

Test(diff, default_rule_flags_only_the_function_past_the_threshold)
{
	struct ppv_diff *d = dx_diff(&base, &cur, NULL);

	cr_assert_eq(ppv_diff_regressions(d), 1);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_REGRESSED);
	/* exactly +10%: "more than 10%" is not met */
	cr_assert_eq(dx_row(d, "main")->delta_ns, 100000);
	cr_assert_eq(dx_row(d, "main")->status, PPV_DIFF_UNCHANGED);
	cr_assert_str_eq(ppv_diff_row(d, 0)->name, "parse", "regressions come first");
	ppv_diff_free(d);
}

Test(diff, threshold_decides)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d;

	ppv_diff_opts_init(&o);
	o.threshold_percent = 9.9;
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "main")->status, PPV_DIFF_REGRESSED);
	cr_assert_eq(ppv_diff_regressions(d), 2);
	ppv_diff_free(d);
	o.threshold_percent = 100.0;
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(ppv_diff_regressions(d), 0, "+100%% is not more than 100%%");
	ppv_diff_free(d);
}

Test(diff, min_delta_must_also_be_exceeded)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d;

	ppv_diff_opts_init(&o);
	o.min_delta_ns = 100000; /* parse grew by exactly 100 us */
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_UNCHANGED);
	cr_assert_eq(ppv_diff_regressions(d), 0);
	ppv_diff_free(d);
	o.min_delta_ns = 99999;
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_REGRESSED);
	ppv_diff_free(d);
}

Test(diff, noise_floor_keeps_tiny_functions_quiet)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d = dx_diff(&base, &cur, NULL);
	const struct ppv_diff_row *tiny = dx_row(d, "tiny");

	/* 1 us -> 3 us: +200%, but 0.1% and 0.27% of the runs */
	cr_assert_float_eq(tiny->change_percent, 200.0, 1e-9);
	cr_assert(tiny->below_floor);
	cr_assert_eq(tiny->status, PPV_DIFF_UNCHANGED);
	ppv_diff_free(d);
	ppv_diff_opts_init(&o);
	o.noise_floor_percent = 0.25; /* the new run's 0.27% is above it */
	d = dx_diff(&base, &cur, &o);
	cr_assert_not(dx_row(d, "tiny")->below_floor);
	cr_assert_eq(dx_row(d, "tiny")->status, PPV_DIFF_REGRESSED);
	ppv_diff_free(d);
}

Test(diff, added_and_removed_functions_are_listed_not_flagged)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d = dx_diff(&base, &cur, NULL);
	const struct ppv_diff_row *fresh = dx_row(d, "fresh"), *old = dx_row(d, "old");

	cr_assert_eq(fresh->status, PPV_DIFF_ADDED);
	cr_assert(!fresh->in_base && fresh->in_new);
	cr_assert(isinf(fresh->change_percent));
	cr_assert_eq(fresh->base.calls, 0);
	cr_assert_eq(old->status, PPV_DIFF_REMOVED);
	cr_assert(old->in_base && !old->in_new);
	cr_assert_eq(old->delta_ns, -100000);
	cr_assert_float_eq(old->change_percent, -100.0, 1e-9);
	cr_assert_eq(ppv_diff_count(d, PPV_DIFF_ADDED), 1);
	cr_assert_eq(ppv_diff_count(d, PPV_DIFF_REMOVED), 1);
	cr_assert_eq(ppv_diff_row_count(d), 6); /* 4 in both, 1 added, 1 removed */
	ppv_diff_free(d);
	ppv_diff_opts_init(&o);
	o.new_regresses = 1;
	d = dx_diff(&base, &cur, &o);
	cr_assert_eq(dx_row(d, "fresh")->status, PPV_DIFF_REGRESSED); /* 0.9% of the run */
	cr_assert_eq(ppv_diff_regressions(d), 2);
	ppv_diff_free(d);
}

Test(diff, self_metric_compares_self_time)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d;

	ppv_diff_opts_init(&o);
	o.metric = PPV_DIFF_METRIC_SELF;
	d = dx_diff(&base, &cur, &o);
	/* main's self: 1000-100-200-1-100 = 599 us -> 1100-200-200-3-10 = 687 us */
	cr_assert_eq(dx_row(d, "main")->base.self_ns, 599000);
	cr_assert_eq(dx_row(d, "main")->cur.self_ns, 687000);
	cr_assert_eq(dx_row(d, "main")->delta_ns, 88000);
	cr_assert_eq(dx_row(d, "main")->status, PPV_DIFF_REGRESSED);
	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_REGRESSED);
	ppv_diff_free(d);
}

Test(diff, shrinking_is_an_improvement)
{
	struct ppv_diff *d = dx_diff(&cur, &base, NULL);

	cr_assert_eq(dx_row(d, "parse")->status, PPV_DIFF_IMPROVED);
	cr_assert_eq(dx_row(d, "parse")->delta_ns, -100000);
	cr_assert_float_eq(dx_row(d, "parse")->change_percent, -50.0, 1e-9);
	cr_assert_eq(ppv_diff_regressions(d), 0);
	cr_assert_eq(dx_row(d, "fresh")->status, PPV_DIFF_REMOVED);
	cr_assert_eq(dx_row(d, "old")->status, PPV_DIFF_ADDED);
	ppv_diff_free(d);
}

Test(diff, swapping_runs_swaps_regressed_and_improved)
{
	const double thresholds[] = { 0.0, 9.9, 99.9, 100.0, 250.0 };
	struct ppv_diff_opts o;

	ppv_diff_opts_init(&o);
	o.noise_floor_percent = 0.0;
	for (size_t t = 0; t < sizeof(thresholds) / sizeof(thresholds[0]); t++) {
		struct ppv_diff *fwd, *back;

		o.threshold_percent = thresholds[t];
		fwd = dx_diff(&base, &cur, &o);
		back = dx_diff(&cur, &base, &o);
		cr_assert_eq(ppv_diff_count(fwd, PPV_DIFF_REGRESSED),
			     ppv_diff_count(back, PPV_DIFF_IMPROVED), "threshold %g",
			     thresholds[t]);
		for (size_t i = 0; i < ppv_diff_row_count(fwd); i++) {
			const struct ppv_diff_row *r = ppv_diff_row(fwd, i);

			if (r->status == PPV_DIFF_REGRESSED)
				cr_assert_eq(dx_row(back, r->name)->status, PPV_DIFF_IMPROVED);
		}
		ppv_diff_free(fwd);
		ppv_diff_free(back);
	}
}

Test(diff, same_run_has_no_change)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d;

	ppv_diff_opts_init(&o);
	o.threshold_percent = 0.0;
	o.noise_floor_percent = 0.0;
	d = dx_diff(&base, &base, &o);
	cr_assert_eq(ppv_diff_row_count(d), 5);
	for (size_t i = 0; i < ppv_diff_row_count(d); i++) {
		cr_assert_eq(ppv_diff_row(d, i)->status, PPV_DIFF_UNCHANGED);
		cr_assert_eq(ppv_diff_row(d, i)->delta_ns, 0);
	}
	ppv_diff_free(d);
}

Test(diff, counts_calls_of_each_run)
{
	struct dx_run two;
	struct ppv_diff *d;

	dx_new(&two, 1);
	d = dx_diff(&base, &two, NULL);
	cr_assert_eq(dx_row(d, "parse")->base.calls, 1);
	cr_assert_eq(dx_row(d, "parse")->cur.calls, 2);
	cr_assert_eq(dx_row(d, "parse")->cur.total_ns, 250000);
	ppv_diff_free(d);
	dx_close(&two);
}

Test(diff, rejects_bad_options)
{
	struct ppv_diff_opts o;
	struct ppv_diff *d = (struct ppv_diff *)&o;

	ppv_diff_opts_init(&o);
	o.threshold_percent = -1.0;
	cr_assert_eq(ppv_diff_new_from_profiles(base.p, cur.p, &o, &d), -EINVAL);
	cr_assert_null(d);
	o.threshold_percent = NAN;
	cr_assert_eq(ppv_diff_new_from_profiles(base.p, cur.p, &o, &d), -EINVAL);
	ppv_diff_opts_init(&o);
	o.noise_floor_percent = 100.5;
	cr_assert_eq(ppv_diff_new_from_profiles(base.p, cur.p, &o, &d), -EINVAL);
	ppv_diff_opts_init(&o);
	o.metric = (enum ppv_diff_metric)7;
	cr_assert_eq(ppv_diff_new_from_profiles(base.p, cur.p, &o, &d), -EINVAL);
	o.sz = 0;
	cr_assert_eq(ppv_diff_new_from_profiles(base.p, cur.p, &o, &d), -EINVAL);
}

Test(diff, parses_metric_names)
{
	enum ppv_diff_metric m = PPV_DIFF_METRIC_TOTAL;

	cr_assert_eq(ppv_diff_metric_parse("self", &m), 0);
	cr_assert_eq(m, PPV_DIFF_METRIC_SELF);
	cr_assert_eq(ppv_diff_metric_parse("total", &m), 0);
	cr_assert_eq(m, PPV_DIFF_METRIC_TOTAL);
	cr_assert_eq(ppv_diff_metric_parse("wall", &m), -EINVAL);
	cr_assert_str_eq(ppv_diff_status_name(PPV_DIFF_REGRESSED), "regressed");
	cr_assert_str_eq(ppv_diff_status_name(PPV_DIFF_REMOVED), "removed");
}

Test(diff, free_accepts_null)
{
	ppv_diff_free(NULL);
	ppv_diff_input_free(NULL);
}
