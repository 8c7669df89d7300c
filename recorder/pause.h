/* SPDX-License-Identifier: MIT */
/*
 * pause.h - pausing and resuming a recording (ppv_pause(), --signal,
 * --delay, --duration), and the writer thread's record of when that
 * happened. Private to recorder/.
 *
 * One atomic word holds the state: why the rings are stopped (paused,
 * ended for good, no session) and a transition count. Every change of
 * "recording or not" gets a numbered entry (its time) in a small lock-free
 * queue that the writer thread reads; the writer turns entries into
 * PAUSE/RESUME events and drops whatever a ring holds from inside a paused
 * interval. Changing the state is async-signal-safe: atomics, a walk of the
 * ring registry and a futex wake, nothing else.
 */
#ifndef PPV_RECORDER_PAUSE_H
#define PPV_RECORDER_PAUSE_H

#include <stddef.h>
#include <stdint.h>

#include "recorder.h"

/* Why the rings are stopped (bits of the state word). */
#define PPV_ST_PAUSED 1u /* ppv_pause(), the signal, or --delay not over yet */
#define PPV_ST_ENDED 2u  /* --duration over, or the trace cannot be written: for good */
#define PPV_ST_CLOSED 4u /* no session open */

/* Control side (any thread, signal handlers included). */
int ppv_pause_set(int paused);
int ppv_pause_toggle(void);
void ppv_pause_end(void);
void ppv_pause_sync_ring(struct ppv_tbuf *b);
void ppv_pause_sync_all(void);

/* pause-signal.c: make @sig toggle recording (0: none). */
void ppv_signal_install(int sig);
int ppv_signal_before_exec(void);
void ppv_signal_exec_failed(int sig);

/* Sessions (control.c, with its lock held). */
void ppv_pause_prepare(int fresh);
void ppv_pause_opened(void);
void ppv_pause_closed(void);

/* Timers, run by the writer thread: the CLOCK_MONOTONIC time of the next
 * due --delay or --duration deadline (0: none), and firing those due. */
uint64_t ppv_pause_next_deadline(void);
void ppv_pause_timers(uint64_t now_ns);
struct timespec;
int ppv_pause_wait_time(unsigned int flush_ms, struct timespec *ts);

/* State word snapshot: its bits and its transition count. */
uint64_t ppv_pause_state(void);
#define PPV_ST_BITS(s) ((unsigned int)((s) & 0xffu))
#define PPV_ST_SEQ(s) ((s) >> 8)
#define PPV_ST_RECORDING(bits) (!((bits) & (PPV_ST_PAUSED | PPV_ST_ENDED)))

/**
 * ppv_pause_entry() - read transition @seq from the queue.
 * Return: 1 with *@ticks and *@active filled; 0 if its writer has not
 * finished storing it yet; -1 if it was overwritten (the queue wrapped:
 * more than PPV_PAUSE_QUEUE transitions since it was read).
 */
#define PPV_PAUSE_QUEUE 256u
int ppv_pause_entry(uint64_t seq, uint64_t *ticks, int *active);

/*
 * The writer's timeline: recent transitions in time order, and whether the
 * process was recording before the oldest one kept. Owned by the writer
 * thread (pause-timeline.c); a plain struct so that tests can drive it.
 */
#define PPV_TIMELINE_CAP 1024u

struct ppv_pause_mark {
	uint64_t ts;     /* raw ticks */
	int active;      /* recording from @ts on */
};

struct ppv_pause_timeline {
	uint64_t done;                /* last transition taken from the queue */
	int base_active;              /* state before marks[first] */
	int active;                   /* state after the newest mark */
	size_t first, n;              /* ring of marks */
	uint64_t emitted;             /* marks written as events so far */
	uint64_t total;               /* marks ever added */
	struct ppv_pause_mark marks[PPV_TIMELINE_CAP];
};

void ppv_timeline_init(struct ppv_pause_timeline *tl, uint64_t state);
void ppv_timeline_add(struct ppv_pause_timeline *tl, uint64_t ts, int active);
int ppv_timeline_collect(struct ppv_pause_timeline *tl, uint64_t upto);
int ppv_timeline_active_at(const struct ppv_pause_timeline *tl, uint64_t ts);
uint64_t ppv_timeline_last_ts(const struct ppv_pause_timeline *tl);
int ppv_timeline_next_new(struct ppv_pause_timeline *tl, struct ppv_pause_mark *out);

#endif
