/* SPDX-License-Identifier: MIT */
/*
 * ring-fast.h - the recorder's per-thread event ring and its inline fast
 * path (the lttng-ust split: everything unusual is out of line in ring.c).
 *
 * A ring is a single-producer, single-consumer array of 16-byte slots. The
 * owning thread writes slots and release-stores @head; the writer thread
 * acquire-loads @head, encodes slots [tail, head) and release-stores @tail.
 * The producer may write without looking at @tail while head < limit; at
 * @limit it takes the slow path (ppv_ring_make_room()), which re-reads
 * @tail, wakes the writer when the ring is half full and applies the buffer
 * policy when it is full. The enter/exit cost is therefore: one TLS load, a
 * flag check, a clock read, two stores and a release store of @head.
 */
#ifndef PPV_RECORDER_RING_FAST_H
#define PPV_RECORDER_RING_FAST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "clock.h"

#define PPV_HOT __attribute__((no_instrument_function, hot))
#define PPV_COLD __attribute__((no_instrument_function, noinline, cold))
#define PPV_NOINSTR __attribute__((no_instrument_function))
#define ppv_likely(x) __builtin_expect(!!(x), 1)
#define ppv_unlikely(x) __builtin_expect(!!(x), 0)

/* Record kinds, in the top byte of a slot's word. The low 56 bits carry an
 * address, a string pointer or a small payload (user-space pointers on
 * x86-64 and aarch64 fit in 56 bits). */
enum ppv_rec_kind {
	PPV_REC_ENTER = 1,
	PPV_REC_EXIT = 2,
	PPV_REC_SCOPE_ENTER = 3,
	PPV_REC_SCOPE_EXIT = 4,
	PPV_REC_ERROR = 5,       /* payload: (uint32_t)code */
	PPV_REC_IO = 6,          /* 3 slots, see ppv_io_put() */
	PPV_REC_THREAD_EXIT = 7,
	PPV_REC_ALLOC = 8,       /* 2 slots: [ticks | ALLOC addr], [size | kind] */
	PPV_REC_FREE = 9,        /* 2 slots: [ticks | FREE addr], [size | kind] */
};

#define PPV_REC_SHIFT 56
#define PPV_REC_PAYLOAD_MASK ((UINT64_C(1) << PPV_REC_SHIFT) - 1)
#define PPV_REC_WORD(kind, payload)                                                        \
	(((uint64_t)(kind) << PPV_REC_SHIFT) | ((uint64_t)(payload) & PPV_REC_PAYLOAD_MASK))

struct ppv_filt;

struct ppv_slot {
	uint64_t ticks;
	uint64_t word;
};

enum ppv_tbuf_state {
	PPV_TBUF_LIVE = 0,
	PPV_TBUF_EXITED = 1, /* owner is gone; the writer frees it once drained */
};

struct ppv_tbuf {
	/* Owned by the producer thread; read by nobody else. */
	struct ppv_slot *slots;
	uint64_t mask;       /* slots - 1; slots is a power of two */
	uint64_t limit;      /* head may grow up to here before the slow path */
	uint32_t tid;
	uint8_t in_hook;     /* recursion and signal guard */
	/* Written by the controller (stop, crash), read by the producer. */
	_Atomic uint8_t stopped;
	/* Filters (filter.c): entries kept pending by the time filter must be
	 * written before any other record of this thread. */
	uint8_t filt_pending;
	struct ppv_filt *filt; /* shadow stack, mapped after this header */

	/* Shared with the writer thread, each on its own cache line. */
	_Atomic uint64_t head __attribute__((aligned(64)));
	_Atomic uint64_t tail __attribute__((aligned(64)));
	_Atomic uint64_t lost;
	_Atomic int state;
	struct ppv_tbuf *next; /* registry list, see ring.c */

	/* Owned by the writer thread. */
	uint64_t lost_reported;
	int announced;
	size_t map_size;
	/* The thread's name: the one it had when it attached (written before
	 * the ring is published), replaced when the program renames it
	 * (thread-name.c). The writer announces the thread with it. */
	char name[16];
	pthread_t thread;    /* the owner, to find its ring by pthread_t */
};

/* Per-thread state: the ring, and whether this thread may record at all
 * (the writer thread and exited threads may not). initial-exec TLS compiles
 * to a %fs-relative load with no __tls_get_addr call. */
extern _Thread_local struct ppv_tbuf *ppv_tls_buf
	__attribute__((tls_model("initial-exec"), visibility("hidden")));
extern _Thread_local int ppv_tls_disabled
	__attribute__((tls_model("initial-exec"), visibility("hidden")));

/* 1 when enter/exit may take the inline path: the clock is the TSC and no
 * recorder-side filter is in force (set by ppv_filter_setup()). Otherwise
 * they go through ppv_rec_put_owned(), which applies the filters. Folding
 * both into one flag keeps the default path as short as it was. */
extern int ppv_rec_inline __attribute__((visibility("hidden")));
#define PPV_REC_INLINE() (PPV_HAVE_TSC && __builtin_expect(ppv_rec_inline, 1))

/* filter.c: write the entries the time filter holds back. */
void ppv_filter_flush(struct ppv_tbuf *b);

/* Slow path: make room for @n slots at head. Return: 1 if the caller may
 * write, 0 if the event must be dropped (drop policy, or recording stopped). */
int ppv_ring_make_room(struct ppv_tbuf *b, unsigned int n);

/**
 * ppv_ring_put_at() - append one single-slot record stamped @ticks, as it
 * is: the filters write held-back entries with their own time this way.
 * The caller holds in_hook.
 */
static inline PPV_HOT void ppv_ring_put_at(struct ppv_tbuf *b, uint64_t ticks, uint64_t word)
{
	uint64_t h = atomic_load_explicit(&b->head, memory_order_relaxed);
	struct ppv_slot *s;

	if (ppv_unlikely(h >= b->limit) && !ppv_ring_make_room(b, 1))
		return;
	s = &b->slots[h & b->mask];
	s->ticks = ticks;
	s->word = word;
	atomic_store_explicit(&b->head, h + 1, memory_order_release);
}

/**
 * ppv_ring_put() - append one single-slot record stamped now. Entries the
 * time filter holds back go first, so that the record lands inside the
 * call that made it and the thread's records stay in time order. The
 * caller holds in_hook.
 */
static inline PPV_HOT void ppv_ring_put(struct ppv_tbuf *b, uint64_t word)
{
	if (ppv_unlikely(b->filt_pending))
		ppv_filter_flush(b);
	ppv_ring_put_at(b, ppv_clock_ticks(), word);
}

/* Out-of-line halves of ppv_rec_put(), in ring.c. */
void ppv_rec_put_unowned(uint64_t word);
void ppv_rec_put_owned(struct ppv_tbuf *b, uint64_t word);

/**
 * ppv_rec_put() - the enter/exit fast path: record @word for the calling
 * thread. Every unusual case (first event of a thread, recursion, a signal
 * handler interrupting us, a full ring, no TSC, filters in force) leaves
 * through a tail call, so the common path needs no stack frame.
 *
 * in_hook is raised before head is read: a signal handler that runs after
 * that sees it and records nothing, so it cannot reuse our slot; one that
 * runs before it completes its own records first.
 */
static inline PPV_HOT void ppv_rec_put(uint64_t word)
{
	struct ppv_tbuf *b = ppv_tls_buf;
	struct ppv_slot *s;
	uint64_t h;

	if (ppv_unlikely(!b || (b->in_hook |
				atomic_load_explicit(&b->stopped, memory_order_relaxed)))) {
		ppv_rec_put_unowned(word);
		return;
	}
	b->in_hook = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	h = atomic_load_explicit(&b->head, memory_order_relaxed);
	if (ppv_unlikely(h >= b->limit || !PPV_REC_INLINE())) {
		ppv_rec_put_owned(b, word);
		return;
	}
	s = &b->slots[h & b->mask];
	s->ticks = ppv_clock_tsc();
	s->word = word;
	atomic_store_explicit(&b->head, h + 1, memory_order_release);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	b->in_hook = 0;
}

/**
 * ppv_ring_put_n() - append a multi-slot record; @slots[0].word holds the
 * kind. All slots are published at once, so the writer never sees half.
 */
static inline PPV_HOT void ppv_ring_put_n(struct ppv_tbuf *b, const struct ppv_slot *src,
					  unsigned int n)
{
	uint64_t h;

	if (ppv_unlikely(b->filt_pending))
		ppv_filter_flush(b);
	h = atomic_load_explicit(&b->head, memory_order_relaxed);
	if (ppv_unlikely(h + n > b->limit) && !ppv_ring_make_room(b, n))
		return;
	for (unsigned int i = 0; i < n; i++)
		b->slots[(h + i) & b->mask] = src[i];
	atomic_store_explicit(&b->head, h + n, memory_order_release);
}

#endif
