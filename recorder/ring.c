/* SPDX-License-Identifier: MIT */
/*
 * ring.c - per-thread rings: their allocation when a thread first records,
 * the registry the writer thread walks, the buffer policy on the slow path,
 * and release at thread exit.
 *
 * Owns: struct ppv_tbuf lifetime, the registry list, ppv_ring_make_room().
 * Does not own: the fast path (ring-fast.h) or draining (writer-thread.c).
 *
 * Rings are mmap()ed, never malloc()ed: a thread may first record inside a
 * signal handler or inside the program's own allocator.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pause.h"
#include "filter.h"
#include "recorder.h"

_Thread_local struct ppv_tbuf *ppv_tls_buf __attribute__((tls_model("initial-exec")));
_Thread_local int ppv_tls_disabled __attribute__((tls_model("initial-exec")));

/* Lock-free LIFO of every ring. Producers push at attach; only the writer
 * thread unlinks (ppv_registry_unlink), and never the current head, so a
 * push and an unlink never touch the same pointer. */
static _Atomic(struct ppv_tbuf *) registry;
/* Threads walking the registry (ppv_registry_walk_begin()). The writer
 * unmaps an unlinked ring only once it has seen none: a walk from a signal
 * handler (pausing) may be standing on it. */
static _Atomic unsigned int walkers;
static pthread_key_t exit_key;
static int exit_key_ok;

static void on_thread_exit(void *arg);

void ppv_ring_init_key(void)
{
	if (!exit_key_ok && pthread_key_create(&exit_key, on_thread_exit) == 0)
		exit_key_ok = 1;
}

struct ppv_tbuf *ppv_registry_first(void)
{
	return atomic_load_explicit(&registry, memory_order_acquire);
}

void ppv_registry_walk_begin(void)
{
	atomic_fetch_add(&walkers, 1);
}

void ppv_registry_walk_end(void)
{
	atomic_fetch_sub(&walkers, 1);
}

/* No walk is in progress now, so none can still stand on a ring unlinked
 * before this call: such rings may be freed. */
int ppv_registry_quiet(void)
{
	atomic_thread_fence(memory_order_seq_cst);
	return atomic_load(&walkers) == 0;
}

/* Return: 1 if @b was unlinked (the caller frees it once
 * ppv_registry_quiet() says no walk can reach it); 0 if it is still in the
 * list (it was the head and a thread pushed meanwhile): it then remains
 * the predecessor of the ring after it, and the next cycle unlinks it. */
int ppv_registry_unlink(struct ppv_tbuf *prev, struct ppv_tbuf *b)
{
	struct ppv_tbuf *expected = b;

	if (prev) {
		prev->next = b->next;
		return 1;
	}
	return atomic_compare_exchange_strong(&registry, &expected, b->next);
}

void ppv_tbuf_free(struct ppv_tbuf *b)
{
	munmap(b->slots, b->map_size);
}

void ppv_registry_stop_all(int stopped)
{
	ppv_registry_walk_begin();
	for (struct ppv_tbuf *b = ppv_registry_first(); b; b = b->next)
		atomic_store_explicit(&b->stopped, (uint8_t)stopped, memory_order_relaxed);
	ppv_registry_walk_end();
}

/* A new session starts: rings of threads that recorded in an earlier one
 * (ppv_stop() then ppv_start()) are announced again in the new file. */
void ppv_registry_restart(void)
{
	ppv_registry_walk_begin();
	for (struct ppv_tbuf *b = ppv_registry_first(); b; b = b->next) {
		b->announced = 0;
		b->lost_reported = atomic_load(&b->lost);
		atomic_store_explicit(&b->stopped, 0, memory_order_relaxed);
	}
	ppv_registry_walk_end();
}

static void registry_push(struct ppv_tbuf *b)
{
	struct ppv_tbuf *head = atomic_load_explicit(&registry, memory_order_relaxed);

	do {
		b->next = head;
	} while (!atomic_compare_exchange_weak_explicit(&registry, &head, b,
							memory_order_release,
							memory_order_relaxed));
}

/**
 * ppv_thread_attach() - give the calling thread a ring. Called on the first
 * event of a thread while recording; returns NULL (and disables the thread
 * for good if the failure is permanent) when it cannot record. errno is
 * left as it was.
 */
PPV_COLD struct ppv_tbuf *ppv_thread_attach(void)
{
	size_t ring = ppv_cfg.buffer_size;
	size_t hdr = (sizeof(struct ppv_tbuf) + 63) & ~(size_t)63;
	size_t filt = ppv_filter_state_size(); /* untouched pages cost no memory */
	int saved_errno = errno;
	void *mem;
	struct ppv_tbuf *b;

	if (ppv_tls_disabled || !ppv_recording())
		return NULL;
	/* Nothing this thread calls from here on may attach it again:
	 * pthread_setspecific() can calloc(), which the memory wrappers see. */
	ppv_tls_disabled = 1;
	mem = mmap(NULL, ring + hdr + filt, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		errno = saved_errno;
		return NULL;
	}
	/* The header sits after the slots so the slots stay page-aligned. */
	b = (struct ppv_tbuf *)((char *)mem + ring);
	b->slots = mem;
	b->map_size = ring + hdr + filt;
	b->filt = (struct ppv_filt *)((char *)mem + ring + hdr);
	b->mask = ring / sizeof(struct ppv_slot) - 1;
	b->limit = (b->mask + 1) / 2;
	b->tid = (uint32_t)syscall(SYS_gettid);
	if (prctl(PR_GET_NAME, b->name) != 0)
		b->name[0] = '\0';
	b->thread = pthread_self();
	registry_push(b);
	/* A thread that starts while recording is paused starts stopped. */
	ppv_pause_sync_ring(b);
	if (exit_key_ok)
		pthread_setspecific(exit_key, b);
	ppv_tls_buf = b;
	ppv_tls_disabled = 0;
	errno = saved_errno;
	return b;
}

/* pthread key destructor: the thread is exiting. Record it, then hand the
 * ring to the writer, which frees it once drained. */
static void on_thread_exit(void *arg)
{
	struct ppv_tbuf *b = arg;

	if (b != ppv_tls_buf)
		return;
	ppv_thread_detach(b);
}

void ppv_thread_detach(struct ppv_tbuf *b)
{
	b->in_hook = 1;
	ppv_filter_thread_end(b);
	ppv_ring_put(b, PPV_REC_WORD(PPV_REC_THREAD_EXIT, 0));
	ppv_tls_buf = NULL;
	ppv_tls_disabled = 1; /* later TLS destructors must not re-attach */
	atomic_store_explicit(&b->state, PPV_TBUF_EXITED, memory_order_release);
	ppv_writer_kick();
}

static void wait_a_little(unsigned int round)
{
	struct timespec ts = { 0, 20000 };

	if (round < 4) {
		sched_yield();
		return;
	}
	nanosleep(&ts, NULL);
}

/*
 * The producer reached its limit. Re-read the consumer's tail and either
 * extend the limit, wake the writer, or apply the policy of a full ring.
 * The limit is extended by at most an eighth of the ring so that a thread
 * filling its ring comes back here often enough to wake the writer.
 */
PPV_COLD int ppv_ring_make_room(struct ppv_tbuf *b, unsigned int n)
{
	uint64_t cap = b->mask + 1;
	uint64_t h = atomic_load_explicit(&b->head, memory_order_relaxed);
	int saved_errno = errno;
	int ok = 0;

	for (unsigned int round = 0;; round++) {
		uint64_t tail = atomic_load_explicit(&b->tail, memory_order_acquire);
		uint64_t used = h - tail;

		if (atomic_load_explicit(&b->stopped, memory_order_relaxed))
			break;
		if (used >= cap / 2)
			ppv_writer_kick();
		if (used + n <= cap) {
			uint64_t lim = h + cap / 8;

			if (lim > tail + cap)
				lim = tail + cap;
			if (lim < h + n)
				lim = h + n;
			b->limit = lim;
			ok = 1;
			break;
		}
		if (ppv_cfg.mode == PPV_MODE_DROP) {
			atomic_fetch_add_explicit(&b->lost, 1, memory_order_relaxed);
			b->limit = h; /* come back here on the next event */
			break;
		}
		wait_a_little(round);
	}
	errno = saved_errno;
	return ok;
}

/* ppv_rec_put() could not take the ring: attach the thread if this is its
 * first event, else drop the event (recursion, signal, stopped). */
PPV_COLD void ppv_rec_put_unowned(uint64_t word)
{
	struct ppv_tbuf *b = ppv_tls_buf;

	if (b || ppv_tls_disabled)
		return;
	b = ppv_thread_attach();
	/* A thread that starts while recording is paused starts stopped. */
	if (!b || atomic_load_explicit(&b->stopped, memory_order_relaxed))
		return;
	b->in_hook = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	ppv_rec_put_owned(b, word);
}

/* ppv_rec_put() holds in_hook but the ring is at its limit, the clock is
 * not the TSC or filters are in force: the general path, which releases
 * in_hook. */
PPV_NOINSTR __attribute__((noinline)) void ppv_rec_put_owned(struct ppv_tbuf *b, uint64_t word)
{
	/* Not cold: with a filter in force (coarse granularity, -t, -D, -F,
	 * -N) every enter and exit comes this way. */
	if (ppv_filter_on)
		ppv_filter_event(b, word);
	else
		ppv_ring_put(b, word);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	b->in_hook = 0;
}

/* In a fork child only the forking thread exists: forget the other rings
 * (their memory is the parent's copy; unmap it) and restart @keep empty. */
void ppv_registry_after_fork(struct ppv_tbuf *keep)
{
	struct ppv_tbuf *b = ppv_registry_first(), *next;

	atomic_store(&registry, NULL);
	/* A walk the fork interrupted in another thread never ends here. */
	atomic_store(&walkers, 0);
	for (; b; b = next) {
		next = b->next;
		if (b != keep)
			ppv_tbuf_free(b);
	}
	if (keep) {
		uint64_t h = atomic_load(&keep->head);

		atomic_store(&keep->tail, h);
		atomic_store(&keep->lost, 0);
		keep->lost_reported = 0;
		keep->announced = 0;
		keep->limit = h + (keep->mask + 1) / 2;
		keep->tid = (uint32_t)syscall(SYS_gettid);
		registry_push(keep);
	}
}
