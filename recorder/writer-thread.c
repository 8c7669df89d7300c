/* SPDX-License-Identifier: MIT */
/*
 * writer-thread.c - the recorder's one writer thread: it drains every
 * thread's ring, turns slots into struct ppv_event, hands them to the
 * native writer (formats/), and decides when chunks are flushed.
 *
 * Owns: the writer thread's lifetime and loop, clock recalibration,
 * thread-start/exit and loss events, flush requests (periodic, ppv_flush(),
 * crash). Does not own: encoding and compression (formats/native-writer.c)
 * or ring allocation (ring.c).
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
#include "recorder.h"

/* Recalibrate the clock at most this often: a longer interval gives a more
 * precise slope; events in between are interpolated. */
#define PPV_CALIBRATE_NS 10000000u
/* Release drained slots to the producer in steps of this many, so that a
 * long drain does not keep a lossless producer waiting. */
#define PPV_DRAIN_STEP 4096u
/* Sample the resident set size at most this often. */
#define PPV_MEMSTAT_NS 100000000u

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

/* Whether @fd is the trace file: the I/O wrappers keep the program from
 * closing it (the program did not open it, so for it the fd is not open). */
int ppv_writer_owns_fd(int fd)
{
	return fd >= 0 && fd == __atomic_load_n(&wr.fd, __ATOMIC_RELAXED);
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
	ppv_registry_stop_all(1);
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

static void read_thread_name(uint32_t tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/self/task/%u/comm", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void announce(struct ppv_tbuf *b, uint64_t ticks)
{
	char name[64];
	struct ppv_event ev = { .type = PPV_EVENT_THREAD_START, .tid = b->tid, .ts = ticks };

	read_thread_name(b->tid, name, sizeof(name));
	if (!name[0]) /* gone already: the name it had when it attached */
		snprintf(name, sizeof(name), "%.15s", b->name);
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

static void drain(struct ppv_tbuf *b)
{
	uint64_t tail = atomic_load_explicit(&b->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&b->head, memory_order_acquire);
	uint64_t lost, step = tail + PPV_DRAIN_STEP;
	/* Read once: they share a cache line with the producer's in_hook,
	 * which it writes twice per event; re-reading them per slot (the call
	 * below stops the compiler from keeping them in registers) bounced
	 * that line between the two cores on every event. */
	const struct ppv_slot *const slots = b->slots;
	const uint64_t mask = b->mask;
	const uint32_t tid = b->tid;
	struct ppv_event ev;

	if (!b->announced)
		announce(b, head > tail ? slots[tail & mask].ticks : ppv_clock_ticks());
	while (tail < head) {
		const struct ppv_slot *s = &slots[tail & mask];
		unsigned int kind = (unsigned int)(s->word >> PPV_REC_SHIFT);

		if (ppv_likely(kind == PPV_REC_ENTER || kind == PPV_REC_EXIT)) {
			if (!wr.error)
				note_error(ppv_native_writer_append_call(
					wr.w, tid, s->ticks, s->word & PPV_REC_PAYLOAD_MASK,
					kind == PPV_REC_EXIT));
			tail++;
		} else {
			memset(&ev, 0, sizeof(ev));
			tail += decode(b, tail, &ev);
			if (ev.type != PPV_EVENT_NONE)
				append(&ev);
		}
		if (tail >= step) {
			atomic_store_explicit(&b->tail, tail, memory_order_release);
			step = tail + PPV_DRAIN_STEP;
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
}

static void drain_all(void)
{
	struct ppv_tbuf *prev = NULL, *b = ppv_registry_first(), *next;

	for (; b; b = next) {
		int exited = atomic_load_explicit(&b->state, memory_order_acquire);

		next = b->next;
		drain(b);
		/* A ring that stays in the list is the predecessor of the
		 * next one. (Asking whether b is the head instead was wrong:
		 * a thread starting now may get b's freed memory for its ring
		 * and push it, and the next unlink then cut the list.) */
		if (exited != PPV_TBUF_EXITED || !ppv_registry_unlink(prev, b))
			prev = b;
	}
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

/* One cycle: calibrate, drain every ring, end the chunk with a watermark. */
static void cycle(int final)
{
	uint64_t start, margin;

	pthread_mutex_lock(&wr.lock);
	calibrate(final);
	start = ppv_clock_ticks();
	ppv_modules_scan(1);
	drain_all();
	sample_memory(final);
	/* An event stamped just before @start may be published just after we
	 * read its ring's head; 100 us of margin keeps the watermark true. */
	margin = ((uint64_t)100000 << 32) / (wr.mult ? wr.mult : 1);
	if (!wr.error)
		note_error(ppv_native_writer_flush(wr.w, start > margin ? start - margin : 1));
	pthread_mutex_unlock(&wr.lock);
}

static void *writer_main(void *arg)
{
	struct timespec ts = { ppv_cfg.flush_ms / 1000, (long)(ppv_cfg.flush_ms % 1000) * 1000000 };

	ppv_tls_disabled = 1; /* never record ourselves */
	for (;;) {
		uint32_t seq = atomic_load(&wr.wake);
		int stop = atomic_load(&wr.stop);
		uint64_t req = atomic_load(&wr.flush_req);

		cycle(stop);
		atomic_store(&wr.flush_done, req);
		if (stop)
			break;
		atomic_store(&wr.idle, 1);
		if (atomic_load(&wr.wake) == seq && atomic_load(&wr.flush_req) == req &&
		    !atomic_load(&wr.stop))
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
	wr.cal = cal;
	wr.mult = mult;
	wr.error = 0;
	wr.memstat_ns = 0;
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
	err = final ? ppv_native_writer_close(wr.w) : 0;
	if (!final)
		ppv_native_writer_abandon(wr.w);
	wr.w = NULL;
	wr.fd = -1;
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
	ppv_native_writer_abandon(wr.w);
	wr.w = NULL;
	if (wr.fd >= 0)
		close(wr.fd);
	wr.fd = -1;
	atomic_store(&wr.idle, 0);
	atomic_store(&wr.flush_req, 0);
	atomic_store(&wr.flush_done, 0);
}
