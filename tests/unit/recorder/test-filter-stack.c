/* test-filter-stack.c - the recorder-side filters' shadow stack
 * (recorder/filter.c) on synthetic enter/exit sequences with synthetic
 * ticks: exactly which records reach the ring, with which ticks. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "filter.h"
#include "recorder.h"

#define SLOTS 8192

static struct ppv_tbuf tb;

static void ring_setup(void)
{
	memset(&tb, 0, sizeof(tb));
	tb.slots = mmap(NULL, SLOTS * sizeof(struct ppv_slot), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tb.filt = mmap(NULL, ppv_filter_state_size(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(tb.slots != MAP_FAILED && tb.filt != MAP_FAILED);
	tb.mask = SLOTS - 1;
	tb.limit = SLOTS; /* nothing drains: the tests stay below it */
	memset(&ppv_fcfg, 0, sizeof(ppv_fcfg));
	ppv_fcfg.gen = 1;
	ppv_fcfg.cfg_id = 1;
	ppv_filter_on = 1;
}

static void ring_teardown(void)
{
	munmap(tb.slots, SLOTS * sizeof(struct ppv_slot));
	munmap(tb.filt, ppv_filter_state_size());
	ppv_filter_on = 0;
}

#define ENTER(fn) PPV_REC_WORD(PPV_REC_ENTER, fn)
#define EXIT(fn) PPV_REC_WORD(PPV_REC_EXIT, fn)
#define SENTER(p) PPV_REC_WORD(PPV_REC_SCOPE_ENTER, p)
#define SEXIT(p) PPV_REC_WORD(PPV_REC_SCOPE_EXIT, p)

static void ev(uint64_t word, uint64_t now)
{
	ppv_filt_event_at(&tb, word, now);
}

struct rec {
	uint64_t word, ticks;
};

/* The ring holds exactly @n records, @want. */
static void expect_ring(const struct rec *want, size_t n)
{
	uint64_t head = atomic_load(&tb.head);

	cr_assert_eq(head, n, "%llu records written, expected %zu", (unsigned long long)head, n);
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(tb.slots[i].word, want[i].word, "record %zu: word %#llx, expected %#llx",
			     i, (unsigned long long)tb.slots[i].word,
			     (unsigned long long)want[i].word);
		cr_expect_eq(tb.slots[i].ticks, want[i].ticks, "record %zu: ticks %llu, expected %llu",
			     i, (unsigned long long)tb.slots[i].ticks,
			     (unsigned long long)want[i].ticks);
	}
}

#define EXPECT(...)                                                                        \
	do {                                                                               \
		const struct rec w_[] = { __VA_ARGS__ };                                   \
		expect_ring(w_, sizeof(w_) / sizeof(w_[0]));                               \
	} while (0)

enum { MAIN = 0x1000, WORK = 0x2000, FAST = 0x3000, SLOW = 0x4000, LEAF = 0x5000 };

TestSuite(filter_stack, .init = ring_setup, .fini = ring_teardown);

Test(filter_stack, time_filter_keeps_long_calls_with_their_own_ticks)
{
	ppv_fcfg.thr_ticks = 10;
	ev(ENTER(MAIN), 0);
	ev(ENTER(WORK), 1);
	ev(ENTER(FAST), 2);
	ev(EXIT(FAST), 3);
	cr_assert_eq(atomic_load(&tb.head), 0, "nothing is written while entries are pending");
	ev(ENTER(SLOW), 4);
	ev(ENTER(LEAF), 5);
	ev(EXIT(LEAF), 6);
	ev(EXIT(SLOW), 9); /* 5 ticks: vanishes */
	cr_assert_eq(atomic_load(&tb.head), 0);
	ev(ENTER(SLOW), 9);
	ev(EXIT(SLOW), 19); /* 10 ticks: kept, after its callers' entries */
	ev(EXIT(WORK), 20);
	ev(EXIT(MAIN), 21);
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 1 }, { ENTER(SLOW), 9 }, { EXIT(SLOW), 19 },
	       { EXIT(WORK), 20 }, { EXIT(MAIN), 21 });
}

Test(filter_stack, short_calls_vanish_entirely)
{
	ppv_fcfg.thr_ticks = 100;
	ev(ENTER(MAIN), 0);
	for (uint64_t t = 1; t < 50; t += 2) {
		ev(ENTER(FAST), t);
		ev(EXIT(FAST), t + 1);
	}
	ev(EXIT(MAIN), 60);
	cr_assert_eq(atomic_load(&tb.head), 0);
	cr_assert_eq(tb.filt_pending, 0);
	cr_assert_eq(tb.filt->top, 0);
}

Test(filter_stack, entries_older_than_the_threshold_are_written_at_the_next_event)
{
	ppv_fcfg.thr_ticks = 10;
	ev(ENTER(MAIN), 0);
	ev(ENTER(WORK), 5);
	ev(ENTER(FAST), 12); /* main has lasted 12: written now; work (7) not yet */
	EXPECT({ ENTER(MAIN), 0 });
	ev(EXIT(FAST), 13);
	ev(ENTER(FAST), 15); /* work has lasted 10 now */
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 5 });
	ev(EXIT(FAST), 16);
	ev(EXIT(WORK), 17);
	ev(EXIT(MAIN), 18);
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 5 }, { EXIT(WORK), 17 }, { EXIT(MAIN), 18 });
}

Test(filter_stack, another_record_writes_the_pending_entries_first)
{
	ppv_fcfg.thr_ticks = 1000;
	ev(ENTER(MAIN), 0);
	ev(ENTER(FAST), 1);
	tb.in_hook = 1;
	ppv_ring_put(&tb, PPV_REC_WORD(PPV_REC_ERROR, 7));
	tb.in_hook = 0;
	ev(EXIT(FAST), 2); /* short, but holds a record: kept */
	ev(EXIT(MAIN), 3);
	cr_assert_eq(atomic_load(&tb.head), 5);
	cr_expect_eq(tb.slots[0].word, ENTER(MAIN));
	cr_expect_eq(tb.slots[0].ticks, 0);
	cr_expect_eq(tb.slots[1].word, ENTER(FAST));
	cr_expect_eq(tb.slots[1].ticks, 1);
	cr_expect_eq(tb.slots[2].word, PPV_REC_WORD(PPV_REC_ERROR, 7));
	cr_expect_eq(tb.slots[3].word, EXIT(FAST));
	cr_expect_eq(tb.slots[3].ticks, 2);
	cr_expect_eq(tb.slots[4].word, EXIT(MAIN));
}

Test(filter_stack, depth_limit_counts_recorded_levels)
{
	ppv_fcfg.depth = 2;
	ev(ENTER(MAIN), 0);
	ev(ENTER(WORK), 1);
	ev(ENTER(SLOW), 2);
	ev(ENTER(LEAF), 3);
	ev(EXIT(LEAF), 4);
	ev(EXIT(SLOW), 5);
	ev(ENTER(FAST), 6);
	ev(EXIT(FAST), 7);
	ev(EXIT(WORK), 8);
	ev(EXIT(MAIN), 9);
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 1 }, { EXIT(WORK), 8 }, { EXIT(MAIN), 9 });
}

Test(filter_stack, scopes_are_always_kept_and_count_as_a_level)
{
	static const char phase[] = "phase";
	uint64_t p = (uint64_t)(uintptr_t)phase;

	ppv_fcfg.depth = 2;
	ppv_fcfg.thr_ticks = 100;
	ev(ENTER(MAIN), 0);
	ev(SENTER(p), 1); /* level 2, short: kept anyway, with main's entry first */
	ev(ENTER(SLOW), 2); /* level 3: not recorded */
	ev(EXIT(SLOW), 500);
	ev(SEXIT(p), 501);
	ev(EXIT(MAIN), 502);
	EXPECT({ ENTER(MAIN), 0 }, { SENTER(p), 1 }, { SEXIT(p), 501 }, { EXIT(MAIN), 502 });
}

Test(filter_stack, thread_end_writes_old_pending_entries_and_drops_young_ones)
{
	ppv_fcfg.thr_ticks = 10;
	ev(ENTER(MAIN), 0);
	ev(ENTER(WORK), 3);
	ev(ENTER(SLOW), 8);
	ppv_filt_end_at(&tb, 14); /* main 14 and work 11 are old; slow 6 is not */
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 3 });
	cr_assert_eq(tb.filt_pending, 0);
	/* Their exits still come, if the thread goes on (ppv_stop()). */
	ev(EXIT(SLOW), 30);
	ev(EXIT(WORK), 31);
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 3 }, { EXIT(WORK), 31 });
}

Test(filter_stack, longjmp_over_frames_and_unknown_exits)
{
	ev(EXIT(LEAF), 0); /* entered before the stack knew: ignored */
	ev(ENTER(MAIN), 1);
	ev(ENTER(WORK), 2);
	ev(ENTER(SLOW), 3);
	ev(EXIT(MAIN), 4); /* longjmp() out of work and slow */
	ev(ENTER(FAST), 5);
	ev(EXIT(FAST), 6);
	EXPECT({ ENTER(MAIN), 1 }, { ENTER(WORK), 2 }, { ENTER(SLOW), 3 }, { EXIT(MAIN), 4 },
	       { ENTER(FAST), 5 }, { EXIT(FAST), 6 });
	cr_assert_eq(tb.filt->top, 0);
}

Test(filter_stack, deeper_than_the_stack_is_not_recorded)
{
	ppv_fcfg.depth = 5000; /* in force, but not the limit here */
	for (uint64_t i = 0; i < PPV_FILT_FRAMES + 6; i++)
		ev(ENTER(MAIN), i);
	cr_assert_eq(tb.filt->over, 6);
	for (uint64_t i = 0; i < PPV_FILT_FRAMES + 6; i++)
		ev(EXIT(MAIN), 10000 + i);
	cr_assert_eq(atomic_load(&tb.head), 2 * PPV_FILT_FRAMES);
	cr_assert_eq(tb.slots[PPV_FILT_FRAMES].word, EXIT(MAIN));
	cr_assert_eq(tb.slots[PPV_FILT_FRAMES].ticks, 10006, "the first 6 exits are the unrecorded calls'");
	cr_assert_eq(tb.filt->top, 0);
	cr_assert_eq(tb.filt->over, 0);
}

Test(filter_stack, a_new_session_drops_pending_entries_and_keeps_the_context)
{
	ppv_fcfg.thr_ticks = 10;
	ev(ENTER(MAIN), 0);
	ev(ENTER(WORK), 1);
	ev(ENTER(FAST), 20); /* main and work written */
	ev(ENTER(SLOW), 21); /* pending when the session ends */
	ppv_fcfg.gen++;      /* ppv_stop() then ppv_start() with the same settings */
	ev(ENTER(LEAF), 40);
	cr_assert_eq(tb.filt->top, 5, "the calls in progress keep their place");
	ev(EXIT(LEAF), 41);
	ev(EXIT(SLOW), 60); /* long, but entered in the old session: vanishes */
	ev(EXIT(FAST), 61);
	ev(EXIT(WORK), 62);
	EXPECT({ ENTER(MAIN), 0 }, { ENTER(WORK), 1 }, { EXIT(WORK), 62 });
	ppv_fcfg.gen++;
	ppv_fcfg.cfg_id++; /* other settings: start afresh */
	ev(ENTER(FAST), 70);
	cr_assert_eq(tb.filt->top, 1);
}
