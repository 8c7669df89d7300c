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

struct ppv_config {
	char dir[4096];
	enum ppv_mode mode;
	size_t buffer_size;     /* bytes per thread ring, power of two */
	unsigned int flush_ms;
	int clock_source;       /* enum ppv_clock_source */
	int quiet;
};

extern struct ppv_config ppv_cfg;


/* ring.c */
struct ppv_tbuf *ppv_thread_attach(void);
void ppv_thread_detach(struct ppv_tbuf *b);
struct ppv_tbuf *ppv_registry_first(void);
void ppv_registry_unlink(struct ppv_tbuf *prev, struct ppv_tbuf *b);
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

/* modules.c */
int ppv_modules_scan(int emit_unloads);
void ppv_modules_reset(void);

/* crash.c */
void ppv_crash_install(void);

/* control.c */
int ppv_session_open(void);
int ppv_recording(void);

#endif
