/* test-format.c - ppv_format_duration/bytes and the private helpers of
 * render-common.h: default options, percent of run, notes, write errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "render-common.h"
#include "synth-trace.h"
#include "trace-fixture.h"

static void check_duration(uint64_t ns, const char *want)
{
	char buf[PPV_DURATION_LEN];

	cr_expect_str_eq(ppv_format_duration(ns, buf, sizeof(buf)), want, "%llu ns",
			 (unsigned long long)ns);
}

static void check_bytes(uint64_t n, const char *want)
{
	char buf[PPV_BYTES_LEN];

	cr_expect_str_eq(ppv_format_bytes(n, buf, sizeof(buf)), want, "%llu B",
			 (unsigned long long)n);
}

Test(format, durations_use_the_largest_unit_that_keeps_the_value_above_one)
{
	check_duration(0, "0 ns");
	check_duration(830, "830 ns");
	check_duration(999, "999 ns");
	check_duration(1000, "1.00 us");
	check_duration(250450000, "250.45 ms");
	check_duration(1200000000, "1.20 s");
	check_duration(3600000000000ull, "3600.00 s");
}

Test(format, durations_that_round_to_a_thousand_move_up_a_unit)
{
	check_duration(999994, "999.99 us");
	check_duration(999999, "1.00 ms");
	check_duration(999999999, "1.00 s");
}

Test(format, bytes_use_binary_units)
{
	check_bytes(0, "0 B");
	check_bytes(512, "512 B");
	check_bytes(1023, "1023 B");
	check_bytes(1024, "1.00 KiB");
	check_bytes(4096, "4.00 KiB");
	check_bytes(1572864, "1.50 MiB");
	check_bytes(1048575, "1.00 MiB");
	check_bytes(UINT64_MAX, "16.00 EiB");
}

Test(format, a_short_buffer_is_truncated_and_terminated)
{
	char buf[4];

	cr_expect_str_eq(ppv_format_duration(250450000, buf, sizeof(buf)), "250");
}

Test(render_opts, null_means_defaults)
{
	struct ppv_render_opts o;

	memset(&o, 0xff, sizeof(o));
	cr_assert_eq(ppv_render_opts_fill(NULL, 7, &o), 0);
	cr_expect_eq(o.sz, sizeof(o));
	cr_expect_eq(o.limit, 7);
	cr_expect_eq(o.width, PPV_RENDER_DEFAULT_WIDTH);
	cr_expect_eq(o.sort, PPV_SORT_TOTAL);
	cr_expect_eq(o.max_depth, 0);
	cr_expect_eq(o.ascii, 0);
	cr_expect_null(o.focus);
}

Test(render_opts, an_older_shorter_struct_gets_defaults_for_the_rest)
{
	struct ppv_render_opts in = { .sz = offsetof(struct ppv_render_opts, sort), .limit = 3,
				      .sort = PPV_SORT_CALLS, .ascii = 1 };
	struct ppv_render_opts o;

	cr_assert_eq(ppv_render_opts_fill(&in, 20, &o), 0);
	cr_expect_eq(o.limit, 3);
	cr_expect_eq(o.sort, PPV_SORT_TOTAL);
	cr_expect_eq(o.ascii, 0);
	cr_expect_eq(o.sz, sizeof(o));
}

Test(render_opts, bad_values_are_einval)
{
	struct ppv_render_opts in = { .sz = sizeof(in) }, o;

	in.sz = 0;
	cr_expect_eq(ppv_render_opts_fill(&in, 20, &o), -EINVAL);
	in.sz = sizeof(in);
	in.min_percent = 100.5;
	cr_expect_eq(ppv_render_opts_fill(&in, 20, &o), -EINVAL);
	in.min_percent = -1;
	cr_expect_eq(ppv_render_opts_fill(&in, 20, &o), -EINVAL);
	in.min_percent = NAN;
	cr_expect_eq(ppv_render_opts_fill(&in, 20, &o), -EINVAL);
	in.min_percent = 0;
	in.sort = (enum ppv_sort_key)99;
	cr_expect_eq(ppv_render_opts_fill(&in, 20, &o), -EINVAL);
	in.sort = PPV_SORT_TOTAL;
	in.chart_by = (enum ppv_chart_by)99;
	cr_expect_eq(ppv_render_opts_fill(&in, 20, &o), -EINVAL);
}

Test(render_helpers, percent_is_of_all_outermost_frames)
{
	struct fx fx;

	fx_open(&fx, FX_TWO_THREADS, NULL);
	cr_assert_eq(ppv_profile_summary(fx.p)->total_ns, 200000);
	cr_expect_float_eq(ppv_render_percent(fx.p, 50000), 25.0, 1e-9);
	cr_expect_float_eq(ppv_render_percent(fx.p, 0), 0.0, 1e-9);
	fx_close(&fx);
}

Test(render_helpers, names_root_and_unknown_ids)
{
	struct fx fx;

	fx_open(&fx, FX_RECURSION, NULL);
	cr_expect_str_eq(ppv_render_func_name(fx.p, PPV_CCT_ROOT), "(root)");
	cr_expect_str_eq(ppv_render_func_name(fx.p, 1000), "?");
	cr_expect_str_eq(ppv_render_func_name(fx.p, ppv_profile_cct_root(fx.p)->first_child->func),
			 "main");
	fx_close(&fx);
}

static int notes_fn(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	(void)o;
	return ppv_render_notes(p, out);
}

Test(render_helpers, a_clean_run_has_no_notes)
{
	struct fx fx;

	fx_open(&fx, FX_TWO_THREADS, NULL);
	cr_expect_eq(fx_render(&fx, notes_fn, NULL), 0);
	cr_expect_str_eq(fx.text, "");
	fx_close(&fx);
}

Test(render_helpers, notes_name_every_caveat)
{
	struct fx fx;

	fx_open(&fx, FX_CAVEATS, NULL);
	cr_expect_eq(fx_render(&fx, notes_fn, NULL), 4);
	cr_expect_str_eq(fx.text,
			 "\n"
			 "note: 5 events lost (dropped by the drop policy or --max-size): counts "
			 "and times are lower bounds\n"
			 "note: 1 calls unfinished (no exit recorded): closed at the last "
			 "timestamp seen\n"
			 "note: 1 exits without an enter (recording began mid-call): ignored\n"
			 "note: 1 frames repaired (left by longjmp or an exception): closed at "
			 "their caller's exit\n");
	fx_close(&fx);
}

/* A pause: main and a cut at it, a's and main's exits after the resume
 * ignored. */
Test(render_helpers, notes_name_pauses)
{
	struct synth s;

	synth_begin(&s, "paused");
	synth_scope(&s, 100, 0, "main", 1);
	synth_scope(&s, 100, 10, "a", 1);
	synth_pause(&s, 20, 0);
	synth_pause(&s, 30, 1);
	synth_scope(&s, 100, 40, "a", 0);
	synth_scope(&s, 100, 50, "main", 0);
	synth_end(&s);
	cr_expect_eq(synth_render(&s, notes_fn, NULL), 3);
	cr_expect_str_eq(s.text,
			 "\n"
			 "note: recording was paused 1 times: what ran until each resume is "
			 "missing\n"
			 "note: 2 frames open at a pause: closed at the pause\n"
			 "note: 2 exits of frames entered before a pause or an earlier rotated "
			 "segment: ignored\n");
	synth_close(&s);
}

Test(render_helpers, a_failed_write_is_eio)
{
	FILE *full = fopen("/dev/full", "w");
	struct fx fx;

	cr_assert_not_null(full);
	fx_open(&fx, FX_TWO_THREADS, NULL);
	cr_expect_eq(ppv_render_summary(fx.p, NULL, full), -EIO);
	fclose(full);
	fx_close(&fx);
}
