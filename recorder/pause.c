/* SPDX-License-Identifier: MIT */
/*
 * pause.c - pausing and resuming a recording: the public ppv_pause() and
 * ppv_resume(), the state the --signal handler toggles, and the --delay and
 * --duration deadlines the writer thread fires.
 *
 * Owns: the state word, the queue of transitions the writer reads, and
 * keeping every ring's stopped flag in line with the state. Does not own:
 * the signal handler and its interposition (pause-signal.c), or what the
 * writer makes of transitions (pause-timeline.c, writer-thread.c).
 *
 * Everything reachable from ppv_pause_set() is async-signal-safe: a signal
 * handler calls it. It uses atomics, the registry walk (ring.c keeps rings
 * mapped while a walk is in progress), pthread_sigmask() and
 * ppv_writer_kick() (a futex wake).
 */
#include <errno.h>
#include <signal.h>

#include "pause.h"

/* (transition count << 8) | PPV_ST_* bits. No session yet: closed. */
static _Atomic uint64_t state = PPV_ST_CLOSED;

/* Transition @seq lives in queue[seq % PPV_PAUSE_QUEUE]; @seq is stored
 * last (and cleared first) so that the writer can tell a finished entry
 * from one being written or overwritten, as a seqlock does. */
static struct {
	_Atomic uint64_t seq;
	_Atomic uint64_t ticks;
	_Atomic int active;
} queue[PPV_PAUSE_QUEUE];

/* CLOCK_MONOTONIC deadlines; 0 = none. Set at session start, read and
 * cleared by the writer thread. */
static _Atomic uint64_t delay_at, end_at;

uint64_t ppv_pause_state(void)
{
	return atomic_load(&state);
}

static int stopped_for(unsigned int bits)
{
	return (bits & (PPV_ST_PAUSED | PPV_ST_ENDED | PPV_ST_CLOSED)) != 0;
}

/*
 * Give @b's stopped flag the value the state asks for. Repeated until the
 * state did not change meanwhile, so that two racing controllers (a signal
 * handler and ppv_resume() in another thread) both end with the last
 * state's value, whatever order their stores land in.
 */
void ppv_pause_sync_ring(struct ppv_tbuf *b)
{
	uint64_t s;

	/* Pairs with the fence in change(): a ring pushed to the registry
	 * before a controller's walk is seen by it, or sees its state. */
	atomic_thread_fence(memory_order_seq_cst);
	do {
		s = atomic_load(&state);
		atomic_store_explicit(&b->stopped, (uint8_t)stopped_for(PPV_ST_BITS(s)),
				      memory_order_relaxed);
	} while (atomic_load(&state) != s);
}

void ppv_pause_sync_all(void)
{
	uint64_t s;

	ppv_registry_walk_begin();
	do {
		s = atomic_load(&state);
		for (struct ppv_tbuf *b = ppv_registry_first(); b; b = b->next)
			atomic_store_explicit(&b->stopped, (uint8_t)stopped_for(PPV_ST_BITS(s)),
					      memory_order_relaxed);
	} while (atomic_load(&state) != s);
	ppv_registry_walk_end();
}

static void publish(uint64_t seq, int active)
{
	__typeof__(queue[0]) *q = &queue[seq % PPV_PAUSE_QUEUE];

	atomic_store_explicit(&q->seq, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&q->ticks, ppv_clock_ticks(), memory_order_relaxed);
	atomic_store_explicit(&q->active, active, memory_order_relaxed);
	atomic_store_explicit(&q->seq, seq, memory_order_release);
}

/*
 * Set @set and clear @clear in the state, unless a bit of @refuse is set
 * or nothing would change (-EALREADY). A change of "recording or not" is
 * numbered and queued for the writer, which is woken to write it down.
 */
static int change(unsigned int set, unsigned int clear, unsigned int refuse)
{
	uint64_t old = atomic_load(&state), new;
	unsigned int bits, nbits;
	sigset_t all, saved;
	int flips;

	/*
	 * The writer waits for a numbered transition to be stored. A signal
	 * handler run between the two could record into a full ring and
	 * wait for the writer in turn: no handler runs in between.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	do {
		bits = PPV_ST_BITS(old);
		nbits = (bits | set) & ~clear;
		if ((bits & refuse) || nbits == bits) {
			pthread_sigmask(SIG_SETMASK, &saved, NULL);
			return -EALREADY;
		}
		flips = PPV_ST_RECORDING(bits) != PPV_ST_RECORDING(nbits);
		new = ((PPV_ST_SEQ(old) + (uint64_t)flips) << 8) | nbits;
	} while (!atomic_compare_exchange_weak(&state, &old, new));
	if (flips)
		publish(PPV_ST_SEQ(new), PPV_ST_RECORDING(nbits));
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (flips)
		ppv_writer_kick();
	ppv_pause_sync_all();
	return 0;
}

int ppv_pause_entry(uint64_t seq, uint64_t *ticks, int *active)
{
	__typeof__(queue[0]) *q = &queue[seq % PPV_PAUSE_QUEUE];
	uint64_t s1 = atomic_load_explicit(&q->seq, memory_order_acquire), s2;

	if (s1 != seq)
		return s1 > seq ? -1 : 0;
	*ticks = atomic_load_explicit(&q->ticks, memory_order_relaxed);
	*active = atomic_load_explicit(&q->active, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	s2 = atomic_load_explicit(&q->seq, memory_order_relaxed);
	if (s2 != seq)
		return s2 > seq || s2 == 0 ? -1 : 0;
	return 1;
}

/**
 * ppv_pause_set() - pause (@paused) or resume this process's recording.
 * Return: 0, or -EALREADY if it already was, is not recording, or was
 * ended for good by --duration.
 */
int ppv_pause_set(int paused)
{
	if (paused)
		return change(PPV_ST_PAUSED, 0, PPV_ST_ENDED | PPV_ST_CLOSED);
	/* A resume ends a --delay early: the deadline must not resume later
	 * a pause made after it. */
	atomic_store(&delay_at, 0);
	return change(0, PPV_ST_PAUSED, PPV_ST_ENDED | PPV_ST_CLOSED);
}

/* The --signal handler: flip between paused and recording. */
int ppv_pause_toggle(void)
{
	return ppv_pause_set(!(PPV_ST_BITS(atomic_load(&state)) & PPV_ST_PAUSED));
}

/* --duration is over, or the trace cannot be written: stop for good. */
void ppv_pause_end(void)
{
	change(PPV_ST_ENDED, 0, 0);
}

/**
 * ppv_pause_prepare() - before a session's writer starts. @fresh: a new
 * recording (ppv_start(), or the preloaded runtime's start), which starts
 * paused under --delay and arms the deadlines; otherwise (a fork child, a
 * failed exec) the process keeps its state and deadlines. Rings stay
 * stopped (closed) until ppv_pause_opened().
 */
void ppv_pause_prepare(int fresh)
{
	uint64_t old = atomic_load(&state), new, now;

	if (!fresh)
		return;
	now = ppv_clock_mono_ns();
	atomic_store(&delay_at, ppv_cfg.delay_ns ? now + ppv_cfg.delay_ns : 0);
	atomic_store(&end_at, ppv_cfg.duration_ns ? now + ppv_cfg.delay_ns + ppv_cfg.duration_ns
						  : 0);
	/* Closed, so nothing records and no transition is queued: the
	 * writer takes its first state from the word. */
	do
		new = (old & ~(uint64_t)0xff) | PPV_ST_CLOSED |
		      (ppv_cfg.delay_ns ? PPV_ST_PAUSED : 0);
	while (!atomic_compare_exchange_weak(&state, &old, new));
}

/* The session's writer runs: let the rings record, unless paused. */
void ppv_pause_opened(void)
{
	change(0, PPV_ST_CLOSED, 0);
	ppv_pause_sync_all();
}

/* The session ends: stop every ring. Not a transition the trace shows. */
void ppv_pause_closed(void)
{
	change(PPV_ST_CLOSED, 0, 0);
	ppv_pause_sync_all();
}

uint64_t ppv_pause_next_deadline(void)
{
	uint64_t d = atomic_load(&delay_at), e = atomic_load(&end_at);

	if (!d || (e && e < d))
		return e;
	return d;
}

/* How long the writer may sleep: @flush_ms, or less if a deadline comes
 * first. Return: 0 if one is due already (do not sleep), else 1. */
int ppv_pause_wait_time(unsigned int flush_ms, struct timespec *ts)
{
	uint64_t ns = (uint64_t)flush_ms * 1000000u, d = ppv_pause_next_deadline();

	if (d) {
		uint64_t now = ppv_clock_mono_ns();

		if (d <= now)
			return 0;
		if (d - now < ns)
			ns = d - now;
	}
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 1;
}

/* Fire the deadlines due at @now_ns (writer thread). */
void ppv_pause_timers(uint64_t now_ns)
{
	uint64_t d = atomic_load(&delay_at), e = atomic_load(&end_at);

	if (d && now_ns >= d && atomic_compare_exchange_strong(&delay_at, &d, 0))
		change(0, PPV_ST_PAUSED, PPV_ST_ENDED | PPV_ST_CLOSED);
	if (e && now_ns >= e && atomic_compare_exchange_strong(&end_at, &e, 0))
		change(PPV_ST_ENDED, 0, PPV_ST_CLOSED);
}

PPV_API int ppv_pause(void)
{
	return ppv_pause_set(1);
}

PPV_API int ppv_resume(void)
{
	return ppv_pause_set(0);
}
