/* test-rotate.c - bounded disk: which segments rotation deletes and what
 * it counts lost (struct ppv_rotate alone), segment file names, and a
 * linked recording kept within max_size. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "pause-events.h"
#include "rotate.h"
#include "segment-name.h"
#include "trace-read.h"

void __cyg_profile_func_enter(void *fn, void *site);
void __cyg_profile_func_exit(void *fn, void *site);

#define KIB 1024u
#define MIB (1024u * 1024u)

Test(rotate_plan, segments_are_a_share_of_max_size)
{
	struct ppv_rotate r;

	ppv_rotate_init(&r, MIB, 4);
	cr_assert_eq(r.seg_size, 256 * KIB);
	cr_assert_not(ppv_rotate_due(&r, 224 * KIB - 1));
	cr_assert(ppv_rotate_due(&r, 224 * KIB), "7/8 full: one more chunk could overflow");
	cr_assert_eq(ppv_rotate_chunk_size(&r), 16 * KIB);
	ppv_rotate_init(&r, MIB, 0);
	cr_assert_eq(r.files, PPV_ROTATE_DEFAULT);
	ppv_rotate_init(&r, MIB, 1);
	cr_assert_eq(r.files, 2, "one file cannot rotate");
	ppv_rotate_init(&r, 64 * KIB, 1000);
	cr_assert_eq(ppv_rotate_chunk_size(&r), 4096, "chunks have a floor");
	ppv_rotate_init(&r, 4096ull * MIB, 2);
	cr_assert_eq(ppv_rotate_chunk_size(&r), MIB, "and a ceiling");
}

Test(rotate_plan, keeps_files_and_counts_what_goes)
{
	struct ppv_rotate r;
	uint64_t del[16], loss;

	ppv_rotate_init(&r, MIB, 4);
	/* Segments 0, 1, 2 close at 230 KiB: 3 closed + the new one fit. */
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(ppv_rotate_close(&r, 230 * KIB, 1000 + k, del, 16, &loss), 0);
		cr_assert_eq(loss, 0);
	}
	cr_assert_eq(r.cur, 3);
	/* Closing 3 would make 5 files: 0 goes, its 1000 events lost. */
	cr_assert_eq(ppv_rotate_close(&r, 230 * KIB, 1003 + 7, del, 16, &loss), 1);
	cr_assert_eq(del[0], 0);
	cr_assert_eq(loss, 1000);
	cr_assert_eq(r.dropped, 1000);
	cr_assert_eq(r.first, 1);
	/* Segment 4 started with LOSS 1000, so it reports 1000 lost: deleting
	 * it carries those 1000 on but loses only its own events. */
	cr_assert_eq(ppv_rotate_close(&r, 230 * KIB, 500 + 1000, del, 16, &loss), 1);
	cr_assert_eq(del[0], 1);
	cr_assert_eq(loss, 1001);
	cr_assert_eq(r.dropped, 2001);
	cr_assert_eq(ppv_rotate_close(&r, 230 * KIB, 600 + 1001, del, 16, &loss), 1);
	cr_assert_eq(ppv_rotate_close(&r, 230 * KIB, 700 + 1002, del, 16, &loss), 1);
	cr_assert_eq(del[0], 3);
	cr_assert_eq(loss, 1010, "segment 3's events and its own loss");
	cr_assert_eq(ppv_rotate_close(&r, 230 * KIB, 1, del, 16, &loss), 1);
	cr_assert_eq(del[0], 4);
	cr_assert_eq(loss, 1500, "segment 4: 500 events and the 1000 it carried");
	/* Kept: 5, 6, 7 and the new 8. Their LOSS events sum to what went:
	 * 1000+1001+1002+1003+7 (segments 0-3) + 500 (4) = 4513, and
	 * dropped says the same. */
	cr_assert_eq(r.dropped, 1000 + 1001 + 1002 + 1010 + 500);
	cr_assert_eq(r.cur - r.first, 3);
}

Test(rotate_plan, bytes_decide_when_segments_come_out_larger)
{
	struct ppv_rotate r;
	uint64_t del[16], loss;

	ppv_rotate_init(&r, MIB, 4);
	cr_assert_eq(ppv_rotate_close(&r, 400 * KIB, 10, del, 16, &loss), 0);
	cr_assert_eq(ppv_rotate_close(&r, 400 * KIB, 10, del, 16, &loss), 1,
		     "800 KiB kept + 256 KiB to come > 1 MiB");
	cr_assert_eq(del[0], 0);
	cr_assert_eq(r.kept_bytes, 400 * KIB);
}

Test(segment_names, name_and_parse_agree)
{
	char buf[64];
	size_t blen = 0;

	ppv_segment_name(buf, sizeof(buf), "dir/123", 0);
	cr_assert_str_eq(buf, "dir/123.ppv");
	ppv_segment_name(buf, sizeof(buf), "dir/123-1", 12);
	cr_assert_str_eq(buf, "dir/123-1.s12.ppv");
	cr_assert_eq(ppv_segment_parse("123.ppv", &blen), 0);
	cr_assert_eq(blen, 3);
	cr_assert_eq(ppv_segment_parse("123.s7.ppv", &blen), 7);
	cr_assert_eq(blen, 3);
	cr_assert_eq(ppv_segment_parse("123-1.s12.ppv", &blen), 12);
	cr_assert_eq(blen, 5);
	cr_assert_eq(ppv_segment_parse("x.s0.ppv", &blen), 0, "no leading zero: a base");
	cr_assert_eq(blen, 4);
	cr_assert_eq(ppv_segment_parse("foo.s.ppv", &blen), 0);
	cr_assert_eq(blen, 5);
	cr_assert_eq(ppv_segment_parse(".s3.ppv", &blen), 0, "a segment needs a base");
	cr_assert_eq(ppv_segment_parse("a.ppv.bak", &blen), -1);
	cr_assert_eq(ppv_segment_parse(".ppv", &blen), -1);
}

/* ---- a linked recording ----------------------------------------------- */

static char *dir;

static void setup(void)
{
	dir = tr_tmpdir();
	cr_assert_not_null(dir);
}

static void teardown(void)
{
	tr_cleanup(dir);
}

Test(rotate_session, base_taken_by_segments, .init = setup, .fini = teardown)
{
	char path[512];
	FILE *f;

	cr_assert_eq(mkdir(dir, 0777), 0);
	cr_assert_not(ppv_segment_base_taken(dir, "77"));
	snprintf(path, sizeof(path), "%s/77.s3.ppv", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	cr_assert(ppv_segment_base_taken(dir, "77"));
	cr_assert_not(ppv_segment_base_taken(dir, "7"));
	cr_assert_not(ppv_segment_base_taken(dir, "77-1"));
}

#define CALLS 5000000u
#define FN_T ((void *)0x7a0000)

Test(rotate_session, recording_stays_within_max_size, .init = setup, .fini = teardown,
     .timeout = 60)
{
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir, .max_size = MIB,
				    .rotate = 4 };
	struct pe_trace tr;
	uint64_t enters, exits, first;

	cr_assert_eq(ppv_start(&o), 0);
	for (unsigned int i = 0; i < CALLS; i++) {
		__cyg_profile_func_enter(FN_T, NULL);
		__cyg_profile_func_exit(FN_T, NULL);
	}
	cr_assert_eq(ppv_stop(), 0);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_leq(tr.files, 4);
	cr_assert_geq(tr.files, 2);
	cr_assert_leq(tr.bytes, MIB, "%llu bytes kept", (unsigned long long)tr.bytes);
	cr_assert(tr.complete, "every segment ends with its END chunk");
	first = strtoull(tr.first_segment, NULL, 10);
	cr_assert_gt(first, 0, "the oldest segments were deleted");
	cr_assert_gt(tr.lost, 0);
	cr_assert_eq(strtoull(tr.dropped_events, NULL, 10) > 0, 1);
	enters = pe_calls(&tr, (uintptr_t)FN_T);
	exits = pe_count(&tr, PPV_EVENT_EXIT);
	cr_assert_gt(enters, 0);
	cr_assert_leq(enters, CALLS);
	cr_assert_leq(exits > enters ? exits - enters : enters - exits, 1);
	/* Every call is in the kept segments or counted in their LOSS events;
	 * the rest is the segments' own records (clock, modules, threads). */
	cr_assert_geq(enters + exits + tr.lost, 2ull * CALLS);
	cr_assert_leq(enters + exits + tr.lost, 2ull * CALLS + 2ull * CALLS / 50);
	/* Each segment describes itself: every one that holds the thread's
	 * calls announces the thread. The last may have begun after the
	 * thread's last call (rotation at the end of a drain), and then has
	 * no calls and no announcement to make. */
	cr_assert_geq(pe_count(&tr, PPV_EVENT_THREAD_START), (uint64_t)tr.files - 1);
	cr_assert_geq(pe_count(&tr, PPV_EVENT_MODULE_LOAD), 2ull * tr.files);
	/* A segment that began with deletions starts with their LOSS. */
	cr_assert_geq(pe_count(&tr, PPV_EVENT_LOSS), 1);
	cr_assert_leq(pe_count(&tr, PPV_EVENT_LOSS), (uint64_t)tr.files);
	pe_free(&tr);
}
