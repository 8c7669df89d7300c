/* test-render-chart.c - ppv_render_chart() and ppv_chart_by_parse(): rows,
 * order, bar lengths in '#' and in eighth blocks, labels, truncated names,
 * the empty chart, caveat notes and errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "data-fixture.h"

static struct synth d;

static void setup(void)
{
	df_standard(&d);
}

static void teardown(void)
{
	synth_close(&d);
}

TestSuite(render_chart, .init = setup, .fini = teardown);

static void assert_text(const char *want)
{
	cr_assert_str_eq(d.text, want, "got:\n%s", d.text);
}

Test(render_chart, scales_ascii_bars_to_the_largest_total_time)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 60, .ascii = 1 };

	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	/* bar columns: 60 - 7 (names) - 4 (" | ", " ") - 17 (longest label) = 32 */
	assert_text("Top 4 of 4 functions by total time\n\n"
		    "main    | ################################ 1.00 ms (100.0%)\n"
		    "compute | ################### 600.00 us (60.0%)\n"
		    "io_work | ######## 250.00 us (25.0%)\n"
		    "helper  | ## 50.00 us (5.0%)\n");
}

static const char *blocks(int n, char *buf)
{
	buf[0] = '\0';
	while (n-- > 0)
		strcat(buf, "█");
	return buf;
}

Test(render_chart, draws_eighths_of_a_block)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 60 };
	char want[1024], b[4][128];

	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	/* 0.6 * 256 eighths = 153.6 -> 154 = 19 blocks + 2/8; 0.05 * 256 = 12.8 -> 13 = 1 + 5/8 */
	snprintf(want, sizeof(want),
		 "Top 4 of 4 functions by total time\n\n"
		 "main    | %s 1.00 ms (100.0%%)\n"
		 "compute | %s▎ 600.00 us (60.0%%)\n"
		 "io_work | %s 250.00 us (25.0%%)\n"
		 "helper  | %s▋ 50.00 us (5.0%%)\n",
		 blocks(32, b[0]), blocks(19, b[1]), blocks(8, b[2]), blocks(1, b[3]));
	assert_text(want);
}

Test(render_chart, limits_rows_and_orders_by_self_time)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 50, .ascii = 1, .limit = 2,
				     .chart_by = PPV_CHART_SELF };

	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	/* compute self 600 - 50 us; io_work 250 us (I/O is not a frame) */
	assert_text("Top 2 of 4 functions by self time\n\n"
		    "compute | ###################### 550.00 us (55.0%)\n"
		    "io_work | ########## 250.00 us (25.0%)\n");
}

Test(render_chart, counts_calls_with_ties_by_name)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 30, .ascii = 1,
				     .chart_by = PPV_CHART_CALLS };

	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	/* 30 - 7 - 4 - 1 = 18 columns for 3 calls */
	assert_text("Top 4 of 4 functions by calls\n\n"
		    "compute | ################## 3\n"
		    "helper  | ###### 1\n"
		    "io_work | ###### 1\n"
		    "main    | ###### 1\n");
}

Test(render_chart, shows_only_functions_with_errors_or_io)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 40, .ascii = 1,
				     .chart_by = PPV_CHART_ERRORS };

	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	/* io_work: one ppv_mark_error() and one failed read */
	assert_text("Top 1 of 4 functions by errors\n\n"
		    "io_work | ############################ 2\n");
	o.chart_by = PPV_CHART_IO;
	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	/* 4096 + 1000 + 0 = 5096 B; helper 512 B: 0.1005 * 21 = 2.1 */
	assert_text("Top 2 of 4 functions by I/O bytes\n\n"
		    "io_work | ##################### 4.98 KiB\n"
		    "helper  | ## 512 B\n");
}

Test(render_chart, memory_is_bytes_allocated_inclusive)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 60, .ascii = 1,
				     .chart_by = PPV_CHART_MEMORY };
	struct synth m;

	/* the standard run allocates nothing */
	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), 0);
	assert_text("No function has any bytes allocated (inclusive) recorded.\n");
	synth_memory_run(&m);
	cr_assert_eq(synth_render(&m, ppv_render_chart, &o), 0);
	/* 43 columns of bar: parse 6208 / 6608 * 43 = 40.4, send 300 B 1.95,
	 * leaf 64 B 0.42 */
	cr_assert_str_eq(m.text, "Top 4 of 4 functions by bytes allocated (inclusive)\n\n"
				 "main  | ########################################### 6.45 KiB\n"
				 "parse | ######################################## 6.06 KiB\n"
				 "send  | ## 300 B\n"
				 "leaf  |  64 B\n");
	synth_close(&m);
}

Test(render_chart, rejects_bad_options_and_reports_write_errors)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .chart_by = (enum ppv_chart_by)42 };
	struct ppv_render_opts tiny = { .sz = 1 };
	FILE *full = fopen("/dev/full", "w");

	cr_assert_eq(synth_render(&d, ppv_render_chart, &o), -EINVAL);
	cr_assert_eq(synth_render(&d, ppv_render_chart, &tiny), -EINVAL);
	cr_assert_not_null(full);
	cr_assert_eq(ppv_render_chart(d.p, NULL, full), -EIO);
	fclose(full);
}

Test(render_chart, defaults_to_80_columns_and_15_rows)
{
	cr_assert_eq(synth_render(&d, ppv_render_chart, NULL), 0);
	/* the longest line is main's: every bar block is 3 bytes of UTF-8 */
	cr_assert(strstr(d.text, "main    | ") != NULL);
	/* 80 - 7 - 4 - 17 = 52 blocks */
	{
		char *line = strstr(d.text, "main    | ") + strlen("main    | ");
		size_t blocks = 0;

		while (strncmp(line, "█", strlen("█")) == 0) {
			blocks++;
			line += strlen("█");
		}
		cr_assert_eq(blocks, 52);
		cr_assert_eq(strncmp(line, " 1.00 ms", 8), 0);
	}
}

Test(chart_by, parses_every_word_and_rejects_others)
{
	static const char *const words[] = { "time", "self", "calls", "memory", "errors", "io" };
	enum ppv_chart_by by;

	for (int i = 0; i < 6; i++) {
		cr_assert_eq(ppv_chart_by_parse(words[i], &by), 0);
		cr_assert_eq((int)by, i);
	}
	cr_assert_eq(ppv_chart_by_parse("total", &by), -EINVAL);
	cr_assert_eq(ppv_chart_by_parse("", &by), -EINVAL);
	cr_assert_eq(ppv_chart_by_parse(NULL, &by), -EINVAL);
}

static void write_long_names(struct synth *t)
{
	synth_begin(t, "synthetic --run");
	synth_scope(t, 7, 0, "a_really_long_function_name_here", 1);
	synth_scope(t, 7, 1000, "a_really_long_function_name_here", 0);
	synth_scope(t, 7, 2000, "short", 1);
	/* left open: the trace ends at 2500 */
	synth_scope(t, 7, 2500, "x", 1);
	synth_scope(t, 7, 2500, "x", 0);
	synth_end(t);
}

Test(chart_layout, truncates_long_names_and_ends_with_notes)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .width = 40, .ascii = 1 };
	struct synth t;
	char *line;

	write_long_names(&t);
	cr_assert_eq(synth_render(&t, ppv_render_chart, &o), 0);
	/* names get 2/5 of 40 = 16 columns: 13 characters and "..." */
	line = strstr(t.text, "a_really_long...");
	cr_assert_not_null(line, "%s", t.text);
	cr_assert_eq(strncmp(line + 16, " | ", 3), 0, "%s", t.text);
	cr_assert(strstr(t.text, "\nshort            | ") != NULL, "%s", t.text);
	cr_assert(strstr(t.text, "\n\nnote: 1 calls unfinished") != NULL, "%s", t.text);
	o.ascii = 0;
	cr_assert_eq(synth_render(&t, ppv_render_chart, &o), 0);
	cr_assert(strstr(t.text, "a_really_long_f… | ") != NULL, "%s", t.text);
	synth_close(&t);
}

Test(chart_layout, says_so_when_nothing_qualifies)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .chart_by = PPV_CHART_ERRORS };
	struct synth t;

	synth_begin(&t, "synthetic --run");
	synth_scope(&t, 7, 0, "quiet", 1);
	synth_scope(&t, 7, 10, "quiet", 0);
	synth_end(&t);
	cr_assert_eq(synth_render(&t, ppv_render_chart, &o), 0);
	cr_assert_str_eq(t.text, "No function has any errors recorded.\n");
	synth_close(&t);
}
