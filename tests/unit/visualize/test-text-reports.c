/* test-text-reports.c - summary, hotspots, tree and callgraph on synthetic
 * traces whose times are chosen (see trace-fixture.c), so the exact text is
 * known: main 120 us {work 40 {leaf 10}, work 40 {leaf 10}, helper 2},
 * worker 80 us {work 50 {leaf 10}}; the run is 200 us. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "trace-fixture.h"

static struct fx fx;

static void two_threads(void)
{
	fx_open(&fx, FX_TWO_THREADS, NULL);
}

static void recursion(void)
{
	fx_open(&fx, FX_RECURSION, NULL);
}

static void caveats(void)
{
	fx_open(&fx, FX_CAVEATS, NULL);
}

static void teardown(void)
{
	fx_close(&fx);
}

TestSuite(summary, .init = two_threads, .fini = teardown);
TestSuite(hotspots, .init = two_threads, .fini = teardown);
TestSuite(tree, .init = two_threads, .fini = teardown);
TestSuite(callgraph, .init = two_threads, .fini = teardown);
TestSuite(recursion, .init = recursion, .fini = teardown);
TestSuite(caveats, .init = caveats, .fini = teardown);

Test(summary, says_what_ran_when_and_the_top_functions)
{
	cr_assert_eq(fx_render(&fx, ppv_render_summary, NULL), 0);
	cr_expect_str_eq(fx.text,
		"Run summary\n"
		"  command:     synthetic --run\n"
		"  process:     4242\n"
		"  threads:     2\n"
		"    4242/100      main             calls 6          total 120.00 us\n"
		"    4242/101      worker           calls 3          total 80.00 us\n"
		"  start:       2026-01-01T00:00:00.001Z\n"
		"  end:         2026-01-01T00:00:00.001Z\n"
		"  duration:    120.00 us\n"
		"  granularity: medium\n"
		"  events:      21\n"
		"  calls:       9\n"
		"  total time:  200.00 us (all threads' outermost frames)\n"
		"  errors:      1\n"
		"  lost:        0 events\n"
		"\n"
		"Top functions by total time (5 of 5):\n"
		"       total   %run       self     calls  function\n"
		"   130.00 us  65.0%  100.00 us         3  work\n"
		"   120.00 us  60.0%   38.00 us         1  main\n"
		"    80.00 us  40.0%   30.00 us         1  worker\n"
		"    30.00 us  15.0%   30.00 us         3  leaf\n"
		"     2.00 us   1.0%    2.00 us         1  helper\n");
}

Test(summary, top_list_honours_limit)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .limit = 2 };

	cr_assert_eq(fx_render(&fx, ppv_render_summary, &o), 0);
	cr_expect_not_null(strstr(fx.text, "Top functions by total time (2 of 5):\n"));
	cr_expect_eq(fx_count_lines(&fx, "  work\n"), 1);
	cr_expect_eq(fx_count_lines(&fx, "  main\n"), 1);
	cr_expect_eq(fx_count_lines(&fx, "  leaf"), 0);
}

Test(caveats, end_the_summary)
{
	const char *notes = "\nnote: 5 events lost";

	cr_assert_eq(fx_render(&fx, ppv_render_summary, NULL), 0);
	cr_assert_not_null(strstr(fx.text, notes));
	cr_expect_not_null(strstr(fx.text, "  lost:        5 events\n"));
	cr_expect_eq(fx_count_lines(&fx, "note: "), 4);
	cr_expect_str_eq(fx.text + fx.len - strlen("caller's exit\n"), "caller's exit\n");
}

static const char hot_header[] =
	"    calls      total       self        avg        min        max        p50        p95"
	"        p99 errors    %run  function\n";

/*
 * Percentiles come from the histogram, exact only for equal values: work's
 * median (40 us) falls in a 256 ns-wide bucket, within 1% of 40 us.
 */
static const char *work_p50(char *buf, size_t len)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < ppv_profile_func_count(fx.p); i++)
		if (strcmp(ppv_profile_func(fx.p, i)->name, "work") == 0)
			v = ppv_hist_percentile(ppv_profile_func(fx.p, i)->hist, 0.5);
	cr_assert(v >= 39600 && v <= 40400, "p50 %llu", (unsigned long long)v);
	return ppv_format_duration(v, buf, len);
}

Test(hotspots, one_row_per_function_by_total_time)
{
	char want[2048], p50[32];

	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, NULL), 0);
	snprintf(want, sizeof(want),
		"Hotspots by total time: 5 of 5 functions\n\n"
		"    calls      total       self        avg        min        max        p50"
		"        p95        p99 errors    %%run  function\n"
		"        3  130.00 us  100.00 us   43.33 us   40.00 us   50.00 us %10s"
		"   50.00 us   50.00 us      0   65.0%%  work\n"
		"        1  120.00 us   38.00 us  120.00 us  120.00 us  120.00 us  120.00 us"
		"  120.00 us  120.00 us      0   60.0%%  main\n"
		"        1   80.00 us   30.00 us   80.00 us   80.00 us   80.00 us   80.00 us"
		"   80.00 us   80.00 us      0   40.0%%  worker\n"
		"        3   30.00 us   30.00 us   10.00 us   10.00 us   10.00 us   10.00 us"
		"   10.00 us   10.00 us      0   15.0%%  leaf\n"
		"        1    2.00 us    2.00 us    2.00 us    2.00 us    2.00 us    2.00 us"
		"    2.00 us    2.00 us      1    1.0%%  helper\n", work_p50(p50, sizeof(p50)));
	cr_expect_str_eq(fx.text, want);
}

/* The names of the rows, in order, space-separated. */
static void row_names(char *buf, size_t len)
{
	const char *l = strstr(fx.text, hot_header);

	cr_assert_not_null(l);
	buf[0] = '\0';
	for (l += strlen(hot_header); *l;) {
		const char *nl = strchr(l, '\n');
		const char *name = nl;

		while (name > l && name[-1] != ' ')
			name--;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%.*s", buf[0] ? " " : "",
			 (int)(nl - name), name);
		l = nl + 1;
	}
}

Test(hotspots, sorts_by_the_key_asked_ties_by_name)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .sort = PPV_SORT_CALLS };
	char names[256];

	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, &o), 0);
	cr_expect_not_null(strstr(fx.text, "Hotspots by calls: 5 of 5 functions\n"));
	row_names(names, sizeof(names));
	cr_expect_str_eq(names, "leaf work helper main worker");
	o.sort = PPV_SORT_SELF;
	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, &o), 0);
	row_names(names, sizeof(names));
	cr_expect_str_eq(names, "work main leaf worker helper");
	o.sort = PPV_SORT_ERRORS;
	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, &o), 0);
	row_names(names, sizeof(names));
	cr_expect_eq(strncmp(names, "helper ", 7), 0, "%s", names);
}

Test(hotspots, shows_limit_rows)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .limit = 2 };
	char names[256];

	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, &o), 0);
	cr_expect_not_null(strstr(fx.text, "Hotspots by total time: 2 of 5 functions\n"));
	row_names(names, sizeof(names));
	cr_expect_str_eq(names, "work main");
}

/* No allocation in this run: the memory order ranks every function at
 * 0 B (ties by name) and adds the column. */
Test(hotspots, memory_order_adds_an_allocated_column)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .sort = PPV_SORT_MEMORY };
	char names[256];

	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, &o), 0);
	cr_expect_not_null(strstr(fx.text, "Hotspots by bytes allocated (inclusive): 5 of 5 "
					   "functions\n"));
	cr_expect_not_null(strstr(fx.text, " %run  allocated  function\n"));
	cr_expect_eq(fx_count_lines(&fx, "       0 B  "), 5);
	names[0] = '\0';
	for (const char *l = strstr(fx.text, "function\n"); l && (l = strstr(l, "0 B  "));) {
		l += 5;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%.*s",
			 names[0] ? " " : "", (int)strcspn(l, "\n"), l);
	}
	cr_expect_str_eq(names, "helper leaf main work worker");
}

Test(hotspots, io_order_adds_the_io_columns)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .sort = PPV_SORT_IO };

	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, &o), 0);
	cr_expect_not_null(strstr(fx.text, " %run        I/O   I/O time  function\n"));
	cr_expect_eq(fx_count_lines(&fx, "       0 B       0 ns  "), 5);
}

static const char tree_header[] =
	"Calling-context tree\n\n"
	"     total   %run      calls       self  function\n";

Test(tree, draws_every_call_path_with_glyphs)
{
	cr_assert_eq(fx_render(&fx, ppv_render_tree, NULL), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		" 120.00 us  60.0%          1   38.00 us  main\n"
		"  80.00 us  40.0%          2   60.00 us  ├─ work\n"
		"  20.00 us  10.0%          2   20.00 us  │  └─ leaf\n"
		"   2.00 us   1.0%          1    2.00 us  └─ helper\n"
		"  80.00 us  40.0%          1   30.00 us  worker\n"
		"  50.00 us  25.0%          1   40.00 us  └─ work\n"
		"  10.00 us   5.0%          1   10.00 us     └─ leaf\n");
	cr_expect_eq(strncmp(fx.text, tree_header, strlen(tree_header)), 0);
}

Test(tree, ascii_glyphs)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .ascii = 1 };

	cr_assert_eq(fx_render(&fx, ppv_render_tree, &o), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		" 120.00 us  60.0%          1   38.00 us  main\n"
		"  80.00 us  40.0%          2   60.00 us  |- work\n"
		"  20.00 us  10.0%          2   20.00 us  |  `- leaf\n"
		"   2.00 us   1.0%          1    2.00 us  `- helper\n"
		"  80.00 us  40.0%          1   30.00 us  worker\n"
		"  50.00 us  25.0%          1   40.00 us  `- work\n"
		"  10.00 us   5.0%          1   10.00 us     `- leaf\n");
}

Test(tree, max_depth_cuts_levels)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .max_depth = 2 };

	cr_assert_eq(fx_render(&fx, ppv_render_tree, &o), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		" 120.00 us  60.0%          1   38.00 us  main\n"
		"  80.00 us  40.0%          2   60.00 us  ├─ work\n"
		"   2.00 us   1.0%          1    2.00 us  └─ helper\n"
		"  80.00 us  40.0%          1   30.00 us  worker\n"
		"  50.00 us  25.0%          1   40.00 us  └─ work\n");
}

Test(tree, min_percent_sums_hidden_children_in_one_line)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .min_percent = 30 };

	cr_assert_eq(fx_render(&fx, ppv_render_tree, &o), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		" 120.00 us  60.0%          1   38.00 us  main\n"
		"  80.00 us  40.0%          2   60.00 us  ├─ work\n"
		"  20.00 us  10.0%          2   20.00 us  │  └─ … 1 more below 30.0%\n"
		"   2.00 us   1.0%          1    2.00 us  └─ … 1 more below 30.0%\n"
		"  80.00 us  40.0%          1   30.00 us  worker\n"
		"  50.00 us  25.0%          1   40.00 us  └─ … 1 more below 30.0%\n");
	o.min_percent = 70;
	cr_assert_eq(fx_render(&fx, ppv_render_tree, &o), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		" 200.00 us 100.0%          2   68.00 us  … 2 more below 70.0%\n");
}

Test(tree, a_thread_alone)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao), .tid = 101 };

	fx_close(&fx);
	fx_open(&fx, FX_TWO_THREADS, &ao);
	cr_assert_eq(fx_render(&fx, ppv_render_tree, NULL), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		"  80.00 us 100.0%          1   30.00 us  worker\n"
		"  50.00 us  62.5%          1   40.00 us  └─ work\n"
		"  10.00 us  12.5%          1   10.00 us     └─ leaf\n");
}

Test(recursion, is_one_tree_node_per_level)
{
	cr_assert_eq(fx_render(&fx, ppv_render_tree, NULL), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header),
		" 100.00 us 100.0%          1   20.00 us  main\n"
		"  80.00 us  80.0%          1   20.00 us  └─ rec\n"
		"  60.00 us  60.0%          1   20.00 us     └─ rec\n"
		"  40.00 us  40.0%          1   40.00 us        └─ rec\n");
}

Test(tree, says_so_when_nothing_was_called)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao), .tid = 999 };

	fx_close(&fx);
	fx_open(&fx, FX_TWO_THREADS, &ao);
	cr_assert_eq(fx_render(&fx, ppv_render_tree, NULL), 0);
	cr_expect_str_eq(fx.text + strlen(tree_header), "(no calls recorded)\n");
	cr_assert_eq(fx_render(&fx, ppv_render_callgraph, NULL), 0);
	cr_expect_str_eq(fx.text, "Call graph\n\n(no calls recorded)\n");
}

Test(tree, rejects_bad_options)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .min_percent = 150 };

	cr_expect_eq(fx_render(&fx, ppv_render_tree, &o), -EINVAL);
}

Test(callgraph, focus_shows_callers_and_callees)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .focus = "work" };

	cr_assert_eq(fx_render(&fx, ppv_render_callgraph, &o), 0);
	cr_expect_str_eq(fx.text,
		"Call graph\n\n"
		"          calls      total  caller/callee\n"
		"\n"
		"work  calls 3, total 130.00 us (65.0%), self 100.00 us\n"
		"  callers:\n"
		"             2   80.00 us  main\n"
		"             1   50.00 us  worker\n"
		"  callees:\n"
		"             3   30.00 us  leaf\n");
}

Test(callgraph, every_function_by_total_time_root_named)
{
	cr_assert_eq(fx_render(&fx, ppv_render_callgraph, NULL), 0);
	cr_expect_eq(fx_count_lines(&fx, ", self "), 5);
	cr_expect_eq(fx_count_lines(&fx, "  (root)\n"), 2);
	cr_expect_eq(fx_count_lines(&fx, "(none)"), 2); /* leaf, helper call nothing */
	cr_expect_not_null(strstr(fx.text,
		"\nmain  calls 1, total 120.00 us (60.0%), self 38.00 us\n"
		"  callers:\n"
		"             1  120.00 us  (root)\n"
		"  callees:\n"
		"             2   80.00 us  work\n"
		"             1    2.00 us  helper\n"));
	cr_expect_lt(strstr(fx.text, "\nwork  "), strstr(fx.text, "\nmain  "));
}

Test(callgraph, an_unknown_focus_is_enoent)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .focus = "nosuch" };

	cr_expect_eq(fx_render(&fx, ppv_render_callgraph, &o), -ENOENT);
}

Test(recursion, callgraph_edge_counts_each_level)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .focus = "rec" };

	cr_assert_eq(fx_render(&fx, ppv_render_callgraph, &o), 0);
	cr_expect_str_eq(fx.text,
		"Call graph\n\n"
		"          calls      total  caller/callee\n"
		"\n"
		"rec  calls 3, total 80.00 us (80.0%), self 80.00 us\n"
		"  callers:\n"
		"             2  100.00 us  rec\n"
		"             1   80.00 us  main\n"
		"  callees:\n"
		"             2  100.00 us  rec\n");
}

Test(caveats, functions_never_called_are_left_out)
{
	/* "ghost" is only in an exit without an enter: the profile has it, with no calls */
	cr_assert_eq(fx_render(&fx, ppv_render_hotspots, NULL), 0);
	cr_expect_not_null(strstr(fx.text, "Hotspots by total time: 4 of 4 functions\n"));
	cr_expect_eq(fx_count_lines(&fx, "ghost"), 0);
	cr_expect_eq(fx_count_lines(&fx, "  inner\n"), 1);
	cr_assert_eq(fx_render(&fx, ppv_render_callgraph, NULL), 0);
	cr_expect_eq(fx_count_lines(&fx, "ghost"), 0);
}
