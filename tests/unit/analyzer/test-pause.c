/* test-pause.c - pauses and rotated segments in the analyzer's pass:
 * frames open at a pause are closed there (cut, not unfinished), exits of
 * frames entered before the pause are forgiven (not unmatched), threads
 * first seen after a pause start mid-stack, --thread keeps the pause, and
 * a process whose file starts at a later segment starts mid-stack. */
#include <criterion/criterion.h>
#include <string.h>

#include "synth-trace.h"

static const struct ppv_func_stats *fn(const struct synth *s, const char *name)
{
	for (uint32_t i = 0; i < ppv_profile_func_count(s->p); i++)
		if (strcmp(ppv_profile_func(s->p, i)->name, name) == 0)
			return ppv_profile_func(s->p, i);
	cr_assert_fail("no function %s", name);
	return NULL;
}

/*
 * thread 100: main 0.., a 100.., alloc 0x10 in a @150;   pause @200, resume @300;
 *             b 400..500 { alloc 0x10 @450 (its free was during the pause),
 *                          free 0x20 @460 (allocated during the pause) };
 *             exit a @600, exit main @700 (entered before the pause)
 * thread 101: x 50..                                      (cut at the pause)
 * thread 102: first seen after the resume: exit y @650
 * @pause 0: the same events without the pause and the resume.
 */
static void paused_run(struct synth *s, int pause)
{
	synth_begin(s, "pause --run");
	synth_thread(s, 100, 0, "main");
	synth_scope(s, 100, 0, "main", 1);
	synth_scope(s, 101, 50, "x", 1);
	synth_scope(s, 100, 100, "a", 1);
	synth_alloc(s, 100, 150, 0x10, 32, PPV_ALLOC_MALLOC);
	if (pause) {
		synth_pause(s, 200, 0);
		synth_pause(s, 300, 1);
	}
	synth_scope(s, 100, 400, "b", 1);
	synth_alloc(s, 100, 450, 0x10, 64, PPV_ALLOC_MALLOC);
	synth_free(s, 100, 460, 0x20, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, 100, 500, "b", 0);
	synth_scope(s, 100, 600, "a", 0);
	synth_scope(s, 102, 650, "y", 0);
	synth_scope(s, 100, 700, "main", 0);
	synth_finish(s);
}

Test(pause, frames_open_at_a_pause_are_cut_there)
{
	struct synth s;
	const struct ppv_profile_summary *sum;

	paused_run(&s, 1);
	synth_profile(&s);
	sum = ppv_profile_summary(s.p);
	cr_expect_eq(sum->pauses, 1);
	cr_expect_eq(sum->paused_frames, 3);     /* main, a, x */
	cr_expect_eq(sum->unfinished_calls, 0);
	cr_expect_eq(sum->resumed_exits, 3);     /* a, main, y */
	cr_expect_eq(sum->unmatched_exits, 0);
	cr_expect_eq(fn(&s, "main")->total_ns, 200);
	cr_expect_eq(fn(&s, "main")->unfinished, 0);
	cr_expect_eq(fn(&s, "a")->total_ns, 100);
	cr_expect_eq(fn(&s, "x")->total_ns, 150);
	cr_expect_eq(fn(&s, "b")->calls, 1);
	cr_expect_eq(fn(&s, "b")->total_ns, 100);
	cr_expect_eq(sum->total_calls, 4);
	/* a's inclusive allocations end with its frame, at the pause */
	cr_expect_eq(fn(&s, "a")->alloc_bytes_incl, 32);
	cr_expect_eq(fn(&s, "main")->alloc_bytes_incl, 32);
	synth_close(&s);
}

Test(pause, memory_across_a_pause)
{
	struct synth s;
	const struct ppv_memory_stats *m;

	paused_run(&s, 1);
	synth_profile(&s);
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->unseen_frees, 1);
	cr_expect_eq(m->unmatched_frees, 1);
	cr_expect_eq(m->free_count, 1);
	cr_expect_eq(m->freed_bytes, 32);
	cr_expect_eq(m->live_bytes, 64);
	cr_expect_eq(fn(&s, "a")->freed_bytes, 32);
	cr_expect_eq(fn(&s, "b")->retained_bytes, 64);
	synth_close(&s);
}

/* The control: without the pause the same exits are unmatched and the
 * frames are closed where their exits are. */
Test(pause, without_the_pause_the_same_run_differs)
{
	struct synth s;
	const struct ppv_profile_summary *sum;

	paused_run(&s, 0);
	synth_profile(&s);
	sum = ppv_profile_summary(s.p);
	cr_expect_eq(sum->pauses, 0);
	cr_expect_eq(sum->paused_frames, 0);
	cr_expect_eq(sum->resumed_exits, 0);
	cr_expect_eq(sum->unmatched_exits, 1);   /* y */
	cr_expect_eq(sum->unfinished_calls, 1);  /* x */
	cr_expect_eq(fn(&s, "main")->total_ns, 700);
	synth_close(&s);
}

Test(pause, thread_selection_keeps_the_pause)
{
	struct synth s;
	struct ppv_analyze_opts o = { .sz = sizeof(o), .tid = 101 };
	const struct ppv_profile_summary *sum;

	paused_run(&s, 1);
	cr_assert_eq(ppv_profile_build(s.t, &o, &s.p), 0);
	sum = ppv_profile_summary(s.p);
	cr_expect_eq(sum->paused_frames, 1);
	cr_expect_eq(sum->unfinished_calls, 0);
	cr_expect_eq(fn(&s, "x")->total_ns, 150);
	synth_close(&s);
}

/* Process 100 starts at segment 3 (older segments dropped), process 200 at
 * segment 0: only the first one's exit without an enter is expected. */
Test(pause, a_later_segment_starts_mid_stack)
{
	struct synth s;
	const struct ppv_profile_summary *sum;

	synth_begin(&s, "rotated --run");
	synth_info(&s, "segment", "3");
	synth_scope(&s, 100, 10, "f", 1);
	synth_scope(&s, 100, 20, "f", 0);
	synth_scope(&s, 100, 30, "outer", 0);
	synth_process(&s, 200, "rotated --child");
	synth_info(&s, "segment", "0");
	synth_scope(&s, 200, 40, "outer", 0);
	synth_end(&s);
	sum = ppv_profile_summary(s.p);
	cr_expect_eq(sum->resumed_exits, 1);
	cr_expect_eq(sum->unmatched_exits, 1);
	cr_expect_eq(fn(&s, "f")->calls, 1);
	synth_close(&s);
}
