/* synth-trace.h - synthetic traces for the renderer tests: written with
 * the formats writer (threads, named scopes, functions in modules with
 * embedded symbols, I/O and errors at known times), opened with
 * ppv_trace_open(), profiled, and rendered into memory. Shared by the
 * renderer suites: visualize, visualize-data, flame, html and timeline. */
#ifndef PPV_TEST_SYNTH_TRACE_H
#define PPV_TEST_SYNTH_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>

#include "native-writer.h"

/* Every timestamp below is SYNTH_T0 + an offset in ns. */
#define SYNTH_T0 1000000ull
/* Wall clock of the process start (ns), i.e. 2026-01-01T00:00:00Z; the
 * process starts at CLOCK_MONOTONIC 1000 ns. */
#define SYNTH_REALTIME 1767225600000000000ull
#define SYNTH_START_NS 1000ull
#define SYNTH_PID 100u

struct synth {
	char dir[64];
	struct ppv_native_writer *w;
	struct ppv_trace *t;
	struct ppv_profile *p;
	char *text; /* the last output rendered, NUL-terminated */
	size_t len;
	uint32_t pid; /* of the file being written (SYNTH_PID first) */
};

/* Start a trace of process SYNTH_PID, command line @cmdline, in a fresh directory. */
void synth_begin(struct synth *s, const char *cmdline);
void synth_thread(struct synth *s, uint32_t tid, uint64_t at, const char *name);
void synth_scope(struct synth *s, uint32_t tid, uint64_t at, const char *name, int enter);
void synth_func(struct synth *s, uint32_t tid, uint64_t at, uint64_t addr, int enter);
/* A module mapped at @base whose ELF addresses start at 0x400000; build-id @id x4. */
void synth_module(struct synth *s, uint64_t base, const char *path, uint8_t id);
/* Write symbols.ppvsym: function @name at ELF address 0x401000 (0x100 bytes)
 * in each of the @n modules @paths, build-ids @ids x4. */
void synth_symbols(struct synth *s, const char *name, const char *const *paths,
		   const uint8_t *ids, size_t n);
void synth_io(struct synth *s, uint32_t tid, uint64_t start, uint64_t end, int kind,
	      const char *name, uint64_t bytes, int err);
void synth_error(struct synth *s, uint32_t tid, uint64_t at, int64_t code);

/*
 * Issue 4's events. Automatic I/O: operation @op on a descriptor of class
 * @fdclass, failing with errno @err if nonzero. Allocations: @kind is an
 * enum ppv_alloc_kind; a free's @size is 0 but for munmap. Memory samples,
 * pauses and resumes belong to the process (tid = pid).
 */
void synth_io_op(struct synth *s, uint32_t tid, uint64_t start, uint64_t end, int kind, int op,
		 int fdclass, const char *name, uint64_t bytes, int err);
void synth_alloc(struct synth *s, uint32_t tid, uint64_t at, uint64_t addr, uint64_t size,
		 int kind);
void synth_free(struct synth *s, uint32_t tid, uint64_t at, uint64_t addr, uint64_t size,
		int kind);
void synth_memstat(struct synth *s, uint64_t at, uint64_t rss, uint64_t peak_rss);
void synth_pause(struct synth *s, uint64_t at, int resume);
/* A process setting of the file being written (ppv_trace_info()). */
void synth_info(struct synth *s, const char *key, const char *value);
/* Close the file being written and start process @pid's, same directory. */
void synth_process(struct synth *s, uint32_t pid, const char *cmdline);
/* Close the writer and open the trace. */
void synth_finish(struct synth *s);
/* Build the profile, without callbacks. */
void synth_profile(struct synth *s);
/* synth_finish(), then synth_profile(). */
void synth_end(struct synth *s);
void synth_close(struct synth *s);

/*
 * The standard run, thread 100 ("app"), offsets in us:
 *   main 0..1000
 *     compute 100..300 { @helper 150..200 { file-write @out_path 512 B 160..180 } }
 *     compute 300..500, compute 500..700
 *     io_work 700..950 { database "query_users" 4096 B 710..810,
 *                        network "peer:80" 1000 B 815..875,
 *                        file-read "/etc/config" 0 B 880..920 ENOENT,
 *                        error @code at 930 }
 * Ends with synth_finish(): the caller builds the profile.
 */
struct synth_run {
	const char *cmdline, *helper, *out_path;
	int64_t code;
};

void synth_standard(struct synth *s, const struct synth_run *r);

/*
 * The memory run (issue 4's events), thread 100 ("app"), offsets in ns:
 *   main 0..10000 { alloc 0x1000 100 B @100
 *     parse 1000..4000 { alloc 0x2000 2048 B @1100, alloc 0x2800 4096 B @1200,
 *       read file "/data/in" 4096 B 1300..2300,
 *       leaf 2500..3000 { alloc 0x3000 64 B @2600, free 0x2000 @2700 } }
 *     send 5000..8000 { write tcp "10.0.0.1:80" 512 B 5100..6100,
 *       read tcp "10.0.0.1:80" EAGAIN 6200..6300, free 0x2800 @7000,
 *       realloc 0x1000 -> 0x5000 300 B @7500 }
 *     free 0xdead @9500 (never allocated) }
 *   resident set 1 MiB @500, 3 MiB @5000, 2 MiB (peak 3 MiB) @9000
 * Figures: main allocates 1/100 B self, 5/6608 B inclusive, frees 1/100 B,
 * peak 100 B; parse 2/6144 B, 3/6208 B, frees 2/6144 B; leaf and send
 * retain 64 B and 300 B. Overall peak 6308 B, 364 B in 2 blocks left.
 * synth_memory_run() builds the profile; synth_memory_trace() only opens
 * the trace (for tests that profile it with callbacks).
 */
void synth_memory_run(struct synth *s);
void synth_memory_trace(struct synth *s);

typedef int (*synth_render_fn)(const struct ppv_profile *, const struct ppv_render_opts *,
			       FILE *);

/* Render the built profile into s->text; return the renderer's result. */
int synth_render(struct synth *s, synth_render_fn fn, const struct ppv_render_opts *o);

/* Line @n (from 0) of s->text with runs of spaces squeezed to one, or NULL
 * (free it). */
char *synth_line(const struct synth *s, int n);

/*
 * Scripted runs for the text-report and flame-graph suites: a process
 * SYNTH_STEPS_PID whose events are given as steps, times in microseconds
 * from SYNTH_STEPS_T0 (CLOCK_MONOTONIC, so ns as written).
 * Step types: PPV_EVENT_THREAD_START (names the thread), SCOPE_ENTER and
 * SCOPE_EXIT (named), ERROR, LOSS (5 events), IO (@name, 4096 bytes over
 * the 5 us before, fd 3). A step of type 0 ends the script.
 */
#define SYNTH_STEPS_PID 4242
#define SYNTH_STEPS_START_NS 1000000ull
#define SYNTH_STEPS_T0 2000000ull

struct synth_step {
	int type;
	uint32_t tid;
	uint64_t us;
	const char *name; /* scope, thread or I/O name */
};

/* Write @steps as SYNTH_STEPS_PID's file in @dir. */
void synth_write_steps(const char *dir, const struct synth_step *steps);

#endif
