/* SPDX-License-Identifier: MIT */
/*
 * recorder.h - state shared by the recorder runtime's files. Private.
 *
 * Settings are read once at start (control.c) and are read-only afterwards;
 * the hot path reads only ppv__active, ppv_clock_use_tsc and its own
 * thread's ring.
 */
#ifndef PPV_RECORDER_RECORDER_H
#define PPV_RECORDER_RECORDER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv.h>

#include "ring-fast.h"

#define PPV_LOG_PREFIX "ppv-recorder: "

/* What is recorded (docs/user-guide.md, "Granularity"). */
enum ppv_granularity {
	PPV_GRAN_COARSE = 0, /* annotations, I/O, instrumented calls >= threshold_ns */
	PPV_GRAN_MEDIUM = 1, /* every instrumented call, annotations, I/O */
	PPV_GRAN_FINE = 2,   /* medium plus every allocation */
};

struct ppv_config {
	char dir[4096];
	enum ppv_mode mode;
	size_t buffer_size;     /* bytes per thread ring, power of two */
	unsigned int flush_ms;
	int clock_source;       /* enum ppv_clock_source */
	int quiet;

	/* What to record (PPV_GRANULARITY, PPV_THRESHOLD_NS, PPV_MEMORY,
	 * PPV_IO). */
	enum ppv_granularity granularity;
	uint64_t threshold_ns;  /* coarse: instrumented calls shorter are dropped */
	int memory;             /* record allocations (default: fine only) */
	int io;                 /* interpose I/O calls (default 1) */

	/* Recorder-side filters (PPV_FILTER, PPV_DEPTH, PPV_TIME_FILTER_NS). */
	char filter[4096];      /* lines "F:PATTERN" or "N:PATTERN"; "" = none */
	unsigned int depth;     /* deepest call level recorded; 0 = unlimited */
	uint64_t time_filter_ns; /* calls shorter are dropped; 0 = none */

	/* Production controls (PPV_SIGNAL, PPV_DELAY_NS, PPV_DURATION_NS,
	 * PPV_MAX_SIZE, PPV_ROTATE). */
	int pause_signal;       /* signal toggling recording; 0 = none */
	uint64_t delay_ns;      /* start paused, resume after this long */
	uint64_t duration_ns;   /* pause for good after this long; 0 = never */
	uint64_t max_size;      /* bytes kept on disk per process; 0 = unbounded */
	unsigned int rotate;    /* files the process's trace is split into */
};

extern struct ppv_config ppv_cfg;


/* ring.c */
struct ppv_tbuf *ppv_thread_attach(void);
void ppv_thread_detach(struct ppv_tbuf *b);
struct ppv_tbuf *ppv_registry_first(void);
int ppv_registry_unlink(struct ppv_tbuf *prev, struct ppv_tbuf *b);
void ppv_registry_walk_begin(void);
void ppv_registry_walk_end(void);
int ppv_registry_quiet(void);
void ppv_registry_stop_all(int stopped);
void ppv_registry_restart(void);
void ppv_tbuf_free(struct ppv_tbuf *b);
void ppv_ring_init_key(void);
void ppv_registry_after_fork(struct ppv_tbuf *keep);

/* writer-thread.c */
struct ppv_native_writer;
int ppv_writer_open(struct ppv_native_writer *w, int fd, struct ppv_clock_point cal,
		    uint64_t mult);
int ppv_writer_stop(int final);
int ppv_writer_flush_wait(void);
void ppv_writer_kick(void);
void ppv_writer_lock(void);
void ppv_writer_unlock(void);
void ppv_writer_after_fork_child(void);
int ppv_writer_crash_flush(unsigned int timeout_ms);
struct ppv_native_writer *ppv_writer_borrow_native(void);
int ppv_writer_is_self(void);

/* memstat.c */
int ppv_memstat_sample(uint64_t *rss, uint64_t *peak);

/* own-fd.c: descriptors the recorder holds (see there). */
enum ppv_own_fd {
	PPV_OWN_TRACE = 0,     /* the trace file */
	PPV_OWN_STATM = 1,     /* /proc/self/statm */
	PPV_OWN_ROTATING = 2,  /* a new segment file, until moved onto the trace fd */
	PPV_OWN_FD_COUNT
};
void ppv_own_fd_set(enum ppv_own_fd slot, int fd);
int ppv_own_fd_get(enum ppv_own_fd slot);
int ppv_owns_fd(int fd);
void ppv_memstat_open(void);
void ppv_memstat_close(void);

/* thread-name.c */
void ppv_thread_rename(pthread_t th, const char *name);

/* modules.c */
int ppv_modules_scan(int emit_unloads);
void ppv_modules_reset(void);

/* crash.c */
void ppv_crash_install(void);

/* control.c */
int ppv_session_open(void);
int ppv_recording(void);
int ppv_session_owned(void);
int ppv_session_end_for_exec(void);
void ppv_session_reopen_after_exec(void);

#endif
