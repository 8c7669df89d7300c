/* SPDX-License-Identifier: MIT */
/*
 * hook-guard.h - how every recorder entry point other than enter/exit (the
 * annotations, the I/O and memory wrappers) takes its thread's ring for one
 * record, and the record layouts those entry points share. Private.
 *
 * ppv_hook_begin() returns NULL whenever this event must not be recorded:
 * recursion from inside the recorder (a wrapper called by the recorder
 * itself), a signal handler that interrupted a hook, a thread that cannot
 * record (the writer thread, an exited thread), recording paused or
 * stopped. Callers that get NULL must behave exactly as if the recorder
 * were absent.
 */
#ifndef PPV_RECORDER_HOOK_GUARD_H
#define PPV_RECORDER_HOOK_GUARD_H

#include "recorder.h"

static inline PPV_HOT struct ppv_tbuf *ppv_hook_begin(void)
{
	struct ppv_tbuf *b = ppv_tls_buf;

	if (ppv_unlikely(!b)) {
		if (ppv_likely(ppv_tls_disabled))
			return NULL;
		b = ppv_thread_attach();
		if (!b)
			return NULL;
	}
	if (ppv_unlikely(b->in_hook | atomic_load_explicit(&b->stopped, memory_order_relaxed)))
		return NULL;
	b->in_hook = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return b;
}

static inline PPV_HOT void ppv_hook_end(struct ppv_tbuf *b)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	b->in_hook = 0;
}

/* One I/O operation, as ppv_io_put() stores it (see PPV_REC_IO). */
struct ppv_io_rec {
	int kind;          /* enum ppv_io_kind */
	int op;            /* enum ppv_io_op */
	int fdclass;       /* enum ppv_fd_class */
	int fd;            /* -1 if none */
	const char *name;  /* NULL, a literal, or a string of the recorder's pool */
	uint64_t start;    /* ppv_clock_ticks() before the call */
	uint64_t bytes;
	int err;           /* 0 or errno (either sign) */
};

/* hooks.c: append an I/O record; the caller holds the guard. */
void ppv_io_put(struct ppv_tbuf *b, const struct ppv_io_rec *r);

/* Append an ALLOC or FREE record stamped @ticks: a release is stamped
 * before the call that released the block, so that another thread's
 * allocation of the same address never sorts before it. */
static inline PPV_HOT void ppv_alloc_put_at(struct ppv_tbuf *b, uint64_t ticks, int rec,
					    uint64_t addr, uint64_t size, unsigned int kind)
{
	struct ppv_slot s[2];

	s[0].ticks = ticks;
	s[0].word = PPV_REC_WORD(rec, addr);
	s[1].ticks = size;
	s[1].word = kind;
	ppv_ring_put_n(b, s, 2);
}

/* Append an ALLOC or FREE record (PPV_REC_ALLOC/FREE, enum ppv_alloc_kind);
 * the caller holds the guard. */
static inline PPV_HOT void ppv_alloc_put(struct ppv_tbuf *b, int rec, uint64_t addr,
					 uint64_t size, unsigned int kind)
{
	ppv_alloc_put_at(b, ppv_clock_ticks(), rec, addr, size, kind);
}

#endif
