/* SPDX-License-Identifier: MIT */
/*
 * writer-thread.c - the recorder's one writer thread: it drains every
 * thread's ring, turns slots into struct ppv_event, hands them to the
 * native writer (formats/), and decides when chunks are flushed.
 *
 * Owns: the writer thread's lifetime and loop, clock recalibration,
 * thread-start/exit and loss events, flush requests (periodic, ppv_flush(),
 * crash), writing pauses down (PAUSE/RESUME, dropping what was recorded
 * while paused), firing --delay/--duration, and when a segment is full.
 * Does not own: encoding and compression (formats/native-writer.c), ring
 * allocation (ring.c), the pause state (pause.c) or segment files
 * (rotate.c).
 *
 * Only this thread calls write() and zstd, and it never calls malloc after
 * start: a traced program that waits for ring space while holding its own
 * allocator's lock must not be able to deadlock us.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "native-writer.h"
#include "pause.h"
#include "recorder.h"
#include "rotate.h"

/* Recalibrate the clock at most this often: a longer interval gives a more
 * precise slope; events in between are interpolated. */
#define PPV_CALIBRATE_NS 10000000u
/* Release drained slots to the producer in steps of this many, so that a
 * long drain does not keep a lossless producer waiting. */
#define PPV_DRAIN_STEP 4096u
/* Sample the resident set size at most this often. */
#define PPV_MEMSTAT_NS 100000000u
/* Exited rings unlinked but not yet unmapped (see free_limbo()). */
#define PPV_LIMBO 64u

static struct {
	pthread_t thread;
	pthread_t thread_id_copy;
	int running;
	pthread_mutex_t lock;
	struct ppv_native_writer *w;
	int fd;
	_Atomic uint32_t wake;      /* futex word, bumped by every kick */
	_Atomic int idle;
	_Atomic int stop;
	_Atomic uint64_t flush_req;
	_Atomic uint64_t flush_done;
	uint64_t memstat_ns;        /* CLOCK_MONOTONIC of the last RSS sample */
	struct ppv_clock_point cal; /* anchor of the calibration in force */
	uint64_t mult;
	int error;                  /* first write error; recording stopped */
	uint64_t last_wm;           /* the last watermark written */
	struct ppv_pause_timeline tl; /* pauses and resumes taken so far */
	struct ppv_tbuf *limbo[PPV_LIMBO];
	size_t nlimbo;
} wr = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

void ppv_writer_kick(void)
{
	atomic_fetch_add(&wr.wake, 1);
	if (atomic_load(&wr.idle))
		futex(&wr.wake, FUTEX_WAKE_PRIVATE, 1, NULL);
}

void ppv_writer_lock(void)
{
	pthread_mutex_lock(&wr.lock);
}

void ppv_writer_unlock(void)
{
	pthread_mutex_unlock(&wr.lock);
}

struct ppv_native_writer *ppv_writer_borrow_native(void)
{
	return wr.w;
}

int ppv_writer_is_self(void)
{
	return wr.running && pthread_equal(pthread_self(), wr.thread_id_copy);
}

static void note_error(int err)
{
	if (wr.error || err >= 0)
		return;
	wr.error = err;
	/* Stop producers so none waits forever for a writer that cannot write. */
	ppv_pause_end();
	if (!ppv_cfg.quiet)
		fprintf(stderr, PPV_LOG_PREFIX "cannot write the trace: dir=\"%s\", err=%d (%s); "
			"recording stopped\n", ppv_cfg.dir, err, strerror(-err));
}

static void append(struct ppv_event *ev)
{
	if (!wr.error)
		note_error(ppv_native_writer_append(wr.w, ev));
}

/* Append a calibration covering events recorded since the last one. */
static void calibrate(int force)
{
	struct ppv_clock_point now = ppv_clock_sample();
	struct ppv_event ev = { .type = PPV_EVENT_CLOCK };
	uint64_t mult;

	if (!force && now.ns - wr.cal.ns < PPV_CALIBRATE_NS)
		return;
	mult = ppv_clock_mult(wr.cal, now);
	if (ppv_clock_use_tsc && (now.ticks <= wr.cal.ticks || now.ns <= wr.cal.ns))
		mult = wr.mult;
	ev.ts = wr.cal.ticks;
	ev.clock.ticks = wr.cal.ticks;
	ev.clock.ns = wr.cal.ns;
	ev.clock.mult = mult;
	append(&ev);
	wr.cal = now;
	wr.mult = mult;
}

/* The thread's name: the one it had when it attached, or was given since
 * (thread-name.c). Not read from /proc: see own-fd.c. Copied first, since
 * a rename may be writing it. */
static void announce(struct ppv_tbuf *b, uint64_t ticks)
{
	char name[sizeof(b->name) + 1];
	struct ppv_event ev = { .type = PPV_EVENT_THREAD_START, .tid = b->tid, .ts = ticks };

	memcpy(name, b->name, sizeof(b->name));
	name[sizeof(b->name)] = '\0';
	ev.thread.name = name[0] ? name : NULL;
	append(&ev);
	b->announced = 1;
}

/* Decode the record at @pos into @ev. Return: slots it takes. */
static unsigned int decode(const struct ppv_tbuf *b, uint64_t pos, struct ppv_event *ev)
{
	const struct ppv_slot *s = &b->slots[pos & b->mask];
	uint64_t payload = s->word & PPV_REC_PAYLOAD_MASK;

	ev->tid = b->tid;
	ev->ts = s->ticks;
	switch (s->word >> PPV_REC_SHIFT) {
	case PPV_REC_ENTER:
		ev->type = PPV_EVENT_ENTER;
		ev->func.addr = payload;
		return 1;
	case PPV_REC_EXIT:
		ev->type = PPV_EVENT_EXIT;
		ev->func.addr = payload;
		return 1;
	case PPV_REC_SCOPE_ENTER:
	case PPV_REC_SCOPE_EXIT:
		ev->type = (s->word >> PPV_REC_SHIFT) == PPV_REC_SCOPE_ENTER ? PPV_EVENT_SCOPE_ENTER
									       : PPV_EVENT_SCOPE_EXIT;
		ev->scope.name = (const char *)(uintptr_t)payload;
		return 1;
	case PPV_REC_ERROR:
		ev->type = PPV_EVENT_ERROR;
		ev->error.code = (int32_t)(uint32_t)payload;
		return 1;
	case PPV_REC_IO: {
		const struct ppv_slot *s1 = &b->slots[(pos + 1) & b->mask];
		const struct ppv_slot *s2 = &b->slots[(pos + 2) & b->mask];

		ev->type = PPV_EVENT_IO;
		ev->io.kind = (uint16_t)((payload >> 32) & 0xff);
		ev->io.op = (uint8_t)(payload >> 40);
		ev->io.fdclass = (uint8_t)(payload >> 48);
		ev->io.fd = (int32_t)(uint32_t)payload;
		ev->io.start = s1->ticks;
		ev->io.name = (const char *)(uintptr_t)s1->word;
		ev->io.bytes = s2->ticks;
		ev->io.err = (int32_t)s2->word;
		return 3;
	}
	case PPV_REC_ALLOC:
	case PPV_REC_FREE: {
		const struct ppv_slot *s1 = &b->slots[(pos + 1) & b->mask];

		ev->type = (s->word >> PPV_REC_SHIFT) == PPV_REC_ALLOC ? PPV_EVENT_ALLOC
									: PPV_EVENT_FREE;
		ev->alloc.addr = payload;
		ev->alloc.size = s1->ticks;
		ev->alloc.kind = (uint16_t)s1->word;
		return 2;
	}
	case PPV_REC_THREAD_EXIT:
		ev->type = PPV_EVENT_THREAD_EXIT;
		ev->thread.name = NULL;
		return 1;
	default:
		/* Cannot happen unless memory is corrupt: skip the slot. */
		ev->type = PPV_EVENT_NONE;
		return 1;
	}
}

static int rotate_if_full(void);

/* Whether to keep a record stamped @ts: recording was on then (records
 * from a paused interval are dropped, see pause-timeline.c). @all: 1 when
 * every record of this drain is on the same side of the last transition. */
static inline int keep_at(int all, uint64_t ts)
{
	return all >= 0 ? all : ppv_timeline_active_at(&wr.tl, ts);
}

/*
 * Write @b's records stamped before @cutoff. Later ones wait for the next
 * cycle, which will know every pause or resume before them (the cycle
 * reads the transitions after @cutoff). Return: 1 if the ring is empty.
 */
static int drain(struct ppv_tbuf *b, uint64_t cutoff)
{
	uint64_t tail = atomic_load_explicit(&b->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&b->head, memory_order_acquire);
	uint64_t lost, step = tail + PPV_DRAIN_STEP;
	int all;
	/* Read once: they share a cache line with the producer's in_hook,
	 * which it writes twice per event; re-reading them per slot (the call
	 * below stops the compiler from keeping them in registers) bounced
	 * that line between the two cores on every event. */
	const struct ppv_slot *const slots = b->slots;
	const uint64_t mask = b->mask;
	const uint32_t tid = b->tid;
	struct ppv_event ev;

	/* Announced at its first record, stamped with that record's time: with
	 * the time filter, entries reach the ring later than they happened. */
	if (!b->announced && head > tail)
		announce(b, slots[tail & mask].ticks);
	all = head == tail || slots[tail & mask].ticks >= ppv_timeline_last_ts(&wr.tl)
		      ? wr.tl.active
		      : -1;
	while (tail < head) {
		const struct ppv_slot *s = &slots[tail & mask];
		unsigned int kind = (unsigned int)(s->word >> PPV_REC_SHIFT);

		if (ppv_unlikely(s->ticks >= cutoff))
			break;
		if (ppv_likely(kind == PPV_REC_ENTER || kind == PPV_REC_EXIT)) {
			if (!wr.error && keep_at(all, s->ticks))
				note_error(ppv_native_writer_append_call(
					wr.w, tid, s->ticks, s->word & PPV_REC_PAYLOAD_MASK,
					kind == PPV_REC_EXIT));
			tail++;
		} else {
			memset(&ev, 0, sizeof(ev));
			tail += decode(b, tail, &ev);
			if (ev.type != PPV_EVENT_NONE &&
			    (ev.type == PPV_EVENT_THREAD_EXIT || keep_at(all, ev.ts)))
				append(&ev);
		}
		if (tail >= step) {
			atomic_store_explicit(&b->tail, tail, memory_order_release);
			step = tail + PPV_DRAIN_STEP;
			/* A new segment announces the thread again. */
			if (rotate_if_full() && !b->announced)
				announce(b, tail < head ? slots[tail & mask].ticks : ppv_clock_ticks());
		}
	}
	atomic_store_explicit(&b->tail, tail, memory_order_release);
	lost = atomic_load_explicit(&b->lost, memory_order_relaxed);
	if (lost != b->lost_reported) {
		ev = (struct ppv_event){ .type = PPV_EVENT_LOSS, .tid = b->tid };
		ev.ts = ppv_clock_ticks();
		ev.loss.count = lost - b->lost_reported;
		b->lost_reported = lost;
		append(&ev);
	}
	return tail == head;
}

/* Unmap the unlinked rings once no registry walk (a pause in a signal
 * handler, say) can still be standing on one. */
static void free_limbo(void)
{
	if (!wr.nlimbo || !ppv_registry_quiet())
		return;
	for (size_t i = 0; i < wr.nlimbo; i++)
		ppv_tbuf_free(wr.limbo[i]);
	wr.nlimbo = 0;
}

static void drain_all(uint64_t cutoff)
{
	struct ppv_tbuf *prev = NULL, *b = ppv_registry_first(), *next;

	for (; b; b = next) {
		int exited = atomic_load_explicit(&b->state, memory_order_acquire);
		int empty;

		next = b->next;
		empty = drain(b, cutoff);
		/* A ring that stays in the list is the predecessor of the
		 * next one. (Asking whether b is the head instead was wrong:
		 * a thread starting now may get b's freed memory for its ring
		 * and push it, and the next unlink then cut the list.) */
		if (exited == PPV_TBUF_EXITED && empty && wr.nlimbo < PPV_LIMBO &&
		    ppv_registry_unlink(prev, b))
			wr.limbo[wr.nlimbo++] = b;
		else
			prev = b;
	}
	free_limbo();
}

/* Write the pauses and resumes taken this cycle, as events of the process
 * (tid = pid), after the records before them. */
static void write_transitions(void)
{
	struct ppv_pause_mark m;

	while (ppv_timeline_next_new(&wr.tl, &m)) {
		struct ppv_event ev = { .type = m.active ? PPV_EVENT_RESUME : PPV_EVENT_PAUSE,
					.tid = (uint32_t)getpid() };

		ev.ts = m.ts > wr.last_wm ? m.ts : wr.last_wm;
		append(&ev);
	}
}

/*
 * The segment is full (--max-size): rotate.c finishes it, deletes the
 * oldest and starts the next file with the calibration in force and the
 * loss. The segment then describes itself: every mapped module, and every
 * live thread (announced again as its ring is drained).
 * Return: 1 if a new segment was started.
 */
static int rotate_if_full(void)
{
	int err;

	if (wr.error || !ppv_rotate_due_now(ppv_native_writer_bytes(wr.w)))
		return 0;
	err = ppv_native_writer_flush(wr.w, wr.last_wm);
	if (!err)
		err = ppv_rotate_switch(wr.w, wr.fd, wr.cal, wr.mult);
	if (err) {
		note_error(err);
		return 0;
	}
	ppv_modules_reset();
	ppv_modules_scan(0);
	for (struct ppv_tbuf *b = ppv_registry_first(); b; b = b->next)
		b->announced = 0;
	return 1;
}

/* A resident-set sample, at most every PPV_MEMSTAT_NS and at the end. It
 * goes in the main thread's segment: the process, not a thread, owns it. */
static void sample_memory(int final)
{
	struct ppv_event ev = { .type = PPV_EVENT_MEMSTAT, .tid = (uint32_t)getpid() };
	uint64_t now = ppv_clock_sample().ns;

	if (!final && now - wr.memstat_ns < PPV_MEMSTAT_NS)
		return;
	wr.memstat_ns = now;
	if (ppv_memstat_sample(&ev.memstat.rss, &ev.memstat.peak_rss) == 0) {
		ev.ts = ppv_clock_ticks();
		append(&ev);
	}
}

/*
 * One cycle: calibrate, take the pauses and resumes, drain every ring up
 * to @start, write the transitions, end the chunk with a watermark. @start
 * is read before the transitions: one that is not taken yet was made
 * after it, so every record drained is judged against all that precede it.
 */
static void cycle(int final)
{
	uint64_t start, margin, wm;
	int known;

	pthread_mutex_lock(&wr.lock);
	calibrate(final);
	start = ppv_clock_ticks();
	atomic_thread_fence(memory_order_seq_cst);
	known = ppv_timeline_collect(&wr.tl, PPV_ST_SEQ(ppv_pause_state())) == 0;
	ppv_modules_scan(1);
	/* A transition still being stored (its controller was interrupted)
	 * leaves the rings for the next cycle; the last one drains anyway. */
	if (known || final) /* the last cycle takes all: nothing will follow */
		drain_all(final ? UINT64_MAX : start);
	write_transitions();
	sample_memory(final);
	/* An event stamped just before @start may be published just after we
	 * read its ring's head; 100 us of margin keeps the watermark true. */
	margin = ((uint64_t)100000 << 32) / (wr.mult ? wr.mult : 1);
	wm = start > margin ? start - margin : 1;
	if (!wr.error && (known || final)) {
		note_error(ppv_native_writer_flush(wr.w, wm));
		if (wm > wr.last_wm)
			wr.last_wm = wm;
		rotate_if_full();
	}
	pthread_mutex_unlock(&wr.lock);
}

static void *writer_main(void *arg)
{
	struct timespec ts;

	ppv_tls_disabled = 1; /* never record ourselves */
	for (;;) {
		uint32_t seq = atomic_load(&wr.wake);
		int stop = atomic_load(&wr.stop);
		uint64_t req = atomic_load(&wr.flush_req);

		ppv_pause_timers(ppv_clock_mono_ns());
		cycle(stop);
		atomic_store(&wr.flush_done, req);
		if (stop)
			break;
		atomic_store(&wr.idle, 1);
		if (atomic_load(&wr.wake) == seq && atomic_load(&wr.flush_req) == req &&
		    !atomic_load(&wr.stop) && ppv_pause_wait_time(ppv_cfg.flush_ms, &ts))
			futex(&wr.wake, FUTEX_WAIT_PRIVATE, seq, &ts);
		atomic_store(&wr.idle, 0);
	}
	return NULL;
}

/**
 * ppv_writer_open() - take ownership of @w (already holding the initial
 * records) and start the writer thread.
 */
int ppv_writer_open(struct ppv_native_writer *w, int fd, struct ppv_clock_point cal,
		    uint64_t mult)
{
	sigset_t all, old;
	int err;

	wr.w = w;
	wr.fd = fd;
	ppv_own_fd_set(PPV_OWN_TRACE, fd);
	ppv_memstat_open();
	wr.cal = cal;
	wr.mult = mult;
	wr.error = 0;
	wr.memstat_ns = 0;
	wr.last_wm = 0;
	ppv_timeline_init(&wr.tl, ppv_pause_state());
	if (!wr.tl.active) { /* --delay, or a fork child of a paused process */
		struct ppv_event ev = { .type = PPV_EVENT_PAUSE, .tid = (uint32_t)getpid(),
					.ts = cal.ticks };

		ppv_native_writer_append(w, &ev);
	}
	atomic_store(&wr.stop, 0);
	/* The writer thread must not take the program's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&wr.thread, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return err;
	wr.thread_id_copy = wr.thread;
	wr.running = 1;
	return 0;
}

/* Stop the writer: final drain, END chunk, close. */
int ppv_writer_stop(int final)
{
	int err;

	if (!wr.running)
		return -EALREADY;
	atomic_store(&wr.stop, 1);
	ppv_writer_kick();
	pthread_join(wr.thread, NULL);
	wr.running = 0;
	free_limbo();
	err = final ? ppv_native_writer_close(wr.w) : 0;
	if (!final)
		ppv_native_writer_abandon(wr.w);
	wr.w = NULL;
	wr.fd = -1;
	ppv_own_fd_set(PPV_OWN_TRACE, -1);
	ppv_memstat_close();
	return wr.error ? wr.error : err;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000 };

	nanosleep(&ts, NULL);
}

/* ppv_flush(): ask for a cycle and wait until one that began after the
 * request has finished. */
int ppv_writer_flush_wait(void)
{
	uint64_t req;

	if (!wr.running)
		return -EALREADY;
	req = atomic_fetch_add(&wr.flush_req, 1) + 1;
	ppv_writer_kick();
	while (atomic_load(&wr.flush_done) < req && wr.running)
		sleep_ms(1);
	return wr.error;
}

/*
 * From a crashing thread's signal handler: ask for a flush and wait for it
 * at most @timeout_ms. Uses only async-signal-safe calls (atomics, futex,
 * nanosleep). The crashing thread may hold any lock, so it never takes one.
 */
int ppv_writer_crash_flush(unsigned int timeout_ms)
{
	uint64_t req;

	if (!wr.running || ppv_writer_is_self())
		return -EALREADY;
	req = atomic_fetch_add(&wr.flush_req, 1) + 1;
	ppv_writer_kick();
	for (unsigned int i = 0; i < timeout_ms && atomic_load(&wr.flush_done) < req; i++)
		sleep_ms(1);
	return atomic_load(&wr.flush_done) >= req ? 0 : -ETIMEDOUT;
}

/* fork() child: the writer thread does not exist here; drop its state
 * without writing (the parent still owns the file). */
void ppv_writer_after_fork_child(void)
{
	pthread_mutex_init(&wr.lock, NULL);
	if (!wr.running)
		return;
	wr.running = 0;
	/* Only this thread exists: nothing walks the registry. */
	for (size_t i = 0; i < wr.nlimbo; i++)
		ppv_tbuf_free(wr.limbo[i]);
	wr.nlimbo = 0;
	ppv_native_writer_abandon(wr.w);
	wr.w = NULL;
	if (wr.fd >= 0)
		close(wr.fd);
	wr.fd = -1;
	ppv_own_fd_set(PPV_OWN_TRACE, -1);
	atomic_store(&wr.idle, 0);
	atomic_store(&wr.flush_req, 0);
	atomic_store(&wr.flush_done, 0);
}
