/* test-segments.c - a process image split into segment files (ppv-record
 * --max-size) is read as one process and one stream in time order: files
 * in segment order, the threads and modules each segment repeats shown
 * once, losses of deleted segments counted, INFO from the first file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv-trace.h>

#include "native-writer.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/ppv-seg-test.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(segments, .init = setup, .fini = teardown);

#define PID 300u
#define TID 301u
#define FN 0x401000u

static uint32_t seg_pid = PID; /* the pid write_segment() puts in the header */

/* One segment file, as the recorder's rotation writes it: its INFO, a
 * module and the live thread announced again, a LOSS for what was deleted
 * before it, then calls from @t0 on, SYNC after each pair of calls. */
static void write_segment(const char *name, unsigned int seg, uint64_t dropped, uint64_t t0,
			  int pairs, int open_frame)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = seg_pid, .ppid = 1, .start_ns = 500,
				     .clock_source = PPV_CLOCK_MONOTONIC, .chunk_size = 4096 };
	struct ppv_native_writer *w;
	struct ppv_event e = { .type = PPV_EVENT_MODULE_LOAD, .ts = t0 };
	uint8_t bid[4] = { 1, 2, 3, 4 };
	char path[128], num[32];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	snprintf(num, sizeof(num), "%u", seg);
	ppv_native_writer_set_info(w, "cmdline", "segmented");
	ppv_native_writer_set_info(w, "segment", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)dropped);
	ppv_native_writer_set_info(w, "dropped_events", num);
	e.module.base = 0x400000;
	e.module.size = 0x10000;
	e.module.path = "/bin/seg";
	e.module.build_id = bid;
	e.module.build_id_len = 4;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e = (struct ppv_event){ .type = PPV_EVENT_THREAD_START, .tid = TID, .ts = t0 };
	e.thread.name = "main";
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	if (dropped) {
		e = (struct ppv_event){ .type = PPV_EVENT_LOSS, .tid = PID, .ts = t0 };
		e.loss.count = dropped;
		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	}
	for (int i = 0; i < pairs; i++) {
		uint64_t t = t0 + 10 + (uint64_t)i * 100;

		e = (struct ppv_event){ .type = PPV_EVENT_ENTER, .tid = TID, .ts = t };
		e.func.addr = FN;
		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
		e.type = PPV_EVENT_EXIT;
		e.ts = t + 50;
		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
		if (i % 2)
			cr_assert_eq(ppv_native_writer_flush(w, t + 51), 0);
	}
	if (open_frame) { /* a call the next segment sees end */
		e = (struct ppv_event){ .type = PPV_EVENT_ENTER, .tid = TID,
					.ts = t0 + 10 + (uint64_t)pairs * 100 };
		e.func.addr = FN + 0x100;
		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	}
	cr_assert_eq(ppv_native_writer_close(w), 0);
}

static void check_stream(struct ppv_trace *t, uint64_t *enters, uint64_t *threads,
			 uint64_t *modules)
{
	struct ppv_event ev;
	uint64_t last = 0;
	int rc;

	*enters = *threads = *modules = 0;
	while ((rc = ppv_trace_next(t, &ev)) > 0) {
		cr_assert_geq(ev.ts, last, "time went backwards at %llu",
			      (unsigned long long)ev.ts);
		last = ev.ts;
		cr_assert_eq(ev.pid, PID);
		*enters += ev.type == PPV_EVENT_ENTER;
		*threads += ev.type == PPV_EVENT_THREAD_START;
		*modules += ev.type == PPV_EVENT_MODULE_LOAD;
	}
	cr_assert_eq(rc, 0, "%s", ppv_trace_last_error(t));
}

Test(segments, later_segments_continue_one_process)
{
	struct ppv_trace *t;
	const struct ppv_process_info *p;
	uint64_t enters, threads, modules;

	/* Segments 0 and 1 were deleted (1000 events); 2, 3 and 10 remain. */
	write_segment("300.s2.ppv", 2, 1000, 10000, 20, 0);
	write_segment("300.s10.ppv", 10, 1800, 30000, 20, 0);
	write_segment("300.s3.ppv", 3, 0, 20000, 20, 1);
	cr_assert_eq(ppv_trace_open(dir, &t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_trace_process_count(t), 1, "segments are one process");
	p = ppv_trace_borrow_process(t, 0);
	cr_assert_eq(p->segments, 3);
	cr_assert(strstr(p->segment_files[0], "/300.s2.ppv"));
	cr_assert(strstr(p->segment_files[1], "/300.s3.ppv"), "by number, not by name");
	cr_assert(strstr(p->segment_files[2], "/300.s10.ppv"));
	cr_assert_str_eq(p->file, p->segment_files[0]);
	cr_assert_str_eq(ppv_trace_info(t, 0, "segment"), "2", "INFO of the first file");
	check_stream(t, &enters, &threads, &modules);
	cr_assert_eq(enters, 61);
	cr_assert_eq(threads, 1, "a thread announced again is not a new image");
	cr_assert_eq(modules, 1);
	cr_assert_eq(p->lost, 2800, "the LOSS events of every segment");
	cr_assert(p->complete);
	cr_assert_eq(ppv_trace_module_count(t, 0), 1);
	ppv_trace_close(t);
}

/* The writer's watermark holds across a rotation: the next segment may
 * hold events older than the last ones of the previous segment, but not
 * older than its last SYNC. The merge window must span the boundary. */
Test(segments, the_merge_spans_the_boundary)
{
	struct ppv_trace *t;
	uint64_t enters, threads, modules;

	write_segment("300.s4.ppv", 4, 10, 10000, 21, 0); /* last SYNC 11961, events to 12060 */
	write_segment("300.s5.ppv", 5, 10, 11990, 3, 0);  /* from 12000 */
	cr_assert_eq(ppv_trace_open(dir, &t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_trace_process_count(t), 1);
	check_stream(t, &enters, &threads, &modules);
	cr_assert_eq(enters, 24);
	cr_assert_eq(ppv_trace_borrow_process(t, 0)->lost, 20);
	ppv_trace_close(t);
}

Test(segments, images_and_segments_keep_their_order)
{
	struct ppv_trace *t;

	write_segment("300.ppv", 0, 0, 10000, 4, 0);
	write_segment("300.s1.ppv", 1, 0, 20000, 4, 0);
	write_segment("300-1.ppv", 0, 0, 40000, 4, 0); /* an exec'd image */
	cr_assert_eq(ppv_trace_open(dir, &t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_trace_process_count(t), 2);
	cr_assert(strstr(ppv_trace_borrow_process(t, 0)->file, "/300-1.ppv"),
		  "images in the order of their first files' names, as before");
	cr_assert_eq(ppv_trace_borrow_process(t, 0)->segments, 1);
	cr_assert_eq(ppv_trace_borrow_process(t, 1)->segments, 2);
	ppv_trace_close(t);
}

Test(segments, a_segment_of_another_process_is_an_error)
{
	struct ppv_trace *t;
	struct ppv_event ev;
	int rc;

	write_segment("300.ppv", 0, 0, 10000, 4, 0);
	seg_pid = 999;
	write_segment("300.s1.ppv", 1, 0, 20000, 4, 0);
	seg_pid = PID;
	cr_assert_eq(ppv_trace_open(dir, &t), 0, "%s", ppv_trace_open_error());
	while ((rc = ppv_trace_next(t, &ev)) > 0)
		;
	cr_assert_eq(rc, -EINVAL);
	cr_assert(strstr(ppv_trace_last_error(t), "300.s1.ppv: offset 16: pid 999, expected 300"),
		  "%s", ppv_trace_last_error(t));
	ppv_trace_close(t);
}
