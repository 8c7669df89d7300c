/* test-flame-chart.c - flame charts fed during the pass: folded lines in
 * time order, adjacent equal stacks merged, the SVG chart and its cap. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flame-fixture.h"

static struct ffx fx;

static void teardown(void)
{
	ffx_close(&fx);
}

TestSuite(flame_chart, .fini = teardown);

/* Build @kind's profile with a chart fed during the pass; return its text. */
static char *chart(enum ffx_kind kind, int svg, const struct ppv_render_opts *o)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao), .on_frame = ppv_flamechart_on_frame };
	struct ppv_flamechart *fc;
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	cr_assert_eq(ppv_flamechart_new(o, svg, f, &fc), 0);
	ao.cb_arg = fc;
	ffx_open(&fx, kind, &ao);
	cr_assert_eq(ppv_flamechart_finish(fc, fx.p), 0);
	ppv_flamechart_free(fc);
	cr_assert_eq(fclose(f), 0);
	return text;
}

Test(flame_chart, writes_stacks_in_time_order)
{
	char *text = chart(FFX_TWO_THREADS, 0, NULL);

	/* Each line is written when its stretch ends; the threads interleave. */
	cr_assert_str_eq(text, "main 1000\n"
			       "main;work 1000\n"
			       "main;work;leaf 10000\n"
			       "worker 10000\n"
			       "worker;work 10000\n"
			       "worker;work;leaf 10000\n"
			       "main;work 29000\n"
			       "main 9000\n"
			       "main;work 10000\n"
			       "worker;work 30000\n"
			       "main;work;leaf 10000\n"
			       "worker 20000\n"
			       "main;work 20000\n"
			       "main 10000\n"
			       "main;helper 2000\n"
			       "main 18000\n");
	free(text);
}

Test(flame_chart, merges_adjacent_equal_stacks)
{
	char *text = chart(FFX_BACK_TO_BACK, 0, NULL);

	cr_assert_str_eq(text, "main;a 20000\nmain 10000\n");
	free(text);
}

Test(flame_chart, refuses_weights_other_than_time)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = PPV_FLAME_CALLS };
	struct ppv_flamechart *fc = (struct ppv_flamechart *)&o;

	cr_assert_eq(ppv_flamechart_new(&o, 0, stdout, &fc), -EINVAL);
	cr_assert_null(fc);
	o.flame_by = PPV_FLAME_MEMORY;
	cr_assert_eq(ppv_flamechart_new(&o, 1, stdout, &fc), -EINVAL);
	ppv_flamechart_free(NULL);
}

Test(flame_chart, svg_has_a_lane_per_thread_and_a_frame_per_call)
{
	char *text = chart(FFX_TWO_THREADS, 1, NULL);

	cr_assert_eq(ffx_count(text, "<g class=\"f\">"), 2 + 9);
	cr_assert_eq(ffx_count(text, "<title>thread 4242/100 main\n"), 1);
	cr_assert_eq(ffx_count(text, "<title>thread 4242/101 worker\n"), 1);
	cr_assert_eq(ffx_count(text, "<title>leaf\n"), 3);
	/* x is time: 120 us of main over the trace's 120 us span. */
	cr_assert(strstr(text, "<title>main\nstart: +0 ns, duration: 120.00 us</title>"
			       "<rect x=\"10.000\""));
	cr_assert(strstr(text, "<title>worker\nstart: +5.00 us, duration: 80.00 us</title>"
			       "<rect x=\"59.167\""));
	free(text);
}

Test(flame_chart, svg_merges_calls_that_follow_each_other)
{
	char *text = chart(FFX_BACK_TO_BACK, 1, NULL);

	cr_assert_eq(ffx_count(text, "<title>a\n"), 1);
	cr_assert(strstr(text, "duration: 20.00 us\n2 adjacent calls merged"));
	free(text);
}

/* More calls than the buffer keeps: the shortest are dropped, and the SVG says so. */
Test(flame_chart, svg_memory_is_bounded)
{
	struct ppv_flamechart *fc;
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	struct ppv_frame_record r = { .exit = 1, .pid = 1, .tid = 1, .func = 0, .name = "main" };
	uint64_t ts = 1000;

	ffx_open(&fx, FFX_BACK_TO_BACK, NULL);
	cr_assert_eq(ppv_flamechart_new(NULL, 1, f, &fc), 0);
	for (uint32_t i = 0; i < 400000; i++) {
		r.start_ns = ts + 1;
		r.ts = ts += 2 + i % 64;
		cr_assert_eq(ppv_flamechart_on_frame(&r, fc), 0);
	}
	cr_assert_eq(ppv_flamechart_finish(fc, fx.p), 0);
	ppv_flamechart_free(fc);
	cr_assert_eq(fclose(f), 0);
	cr_assert(strstr(text, "dropped to keep at most 262144)"), "%s", text + len - 300);
	cr_assert_lt(ffx_count(text, "<g class=\"f\">"), 262144);
	free(text);
}
