/* SPDX-License-Identifier: MIT */
/*
 * render-timeline.c - timelines as Chrome Trace Event JSON, the format
 * Perfetto UI and chrome://tracing open (docs: INTEROP.md 3.2), written
 * while the analyzer's pass runs; and the public ppv_timeline_* API, which
 * hands the speedscope format to render-speedscope.c.
 *
 * Owns: the Chrome document: one "X" complete event per shown call,
 * written when the call's exit is reported (so memory does not grow with
 * the trace), "i" instants for errors and failed I/O (not for operations
 * that would block), "C" counters of I/O bytes per 10 ms interval and
 * process and of each process's resident set size (one per sample), "M"
 * process and thread names, and the run's figures in otherData. Does not own: the output buffer and
 * compression (timeline-sink.c), statistics (the analyzer).
 *
 * Times are microseconds with three decimals (exact nanoseconds) from the
 * first event the timeline sees: absolute CLOCK_MONOTONIC values would need
 * more digits than a viewer's double keeps. otherData.origin_ns says where
 * zero is.
 */
#include <errno.h>
#include <stdlib.h>

#include "timeline-internal.h"

#define TL_IO_BUCKET_NS 10000000ull
#define TL_IO_COUNTER "I/O bytes per 10 ms"
#define TL_RSS_COUNTER "resident set"

/* One process's I/O counter: the interval being summed. */
struct tl_proc {
	uint32_t pid;
	int open;
	uint64_t bucket;    /* interval index since the origin */
	unsigned int kinds; /* one bit per I/O kind seen: each is a series */
	uint64_t bytes[PPV_IO_KIND_COUNT];
};

struct tl_tid {
	uint32_t pid, tid;
};

struct ppv_timeline {
	struct ppv_timeline_opts o;
	struct ppv_speedscope *ss; /* speedscope format */
	int have_base;
	uint64_t base;
	int any;            /* an event was written: the next one needs a comma */
	char **frag;        /* by function id: "name":"...","cat":"..." */
	size_t nfrag;
	struct tl_proc *procs;
	size_t nprocs;
	struct tl_tid *named; /* threads given a name already */
	size_t nnamed;
	uint64_t written, dropped;
	struct ppv_tl_sink sink; /* last: 128 KiB of buffers */
};

static uint64_t rel(const struct ppv_timeline *tl, uint64_t ts)
{
	return ts > tl->base ? ts - tl->base : 0;
}

static void origin_set(struct ppv_timeline *tl, uint64_t ts)
{
	if (!tl->have_base) {
		tl->base = ts;
		tl->have_base = 1;
	}
}

static void next_event(struct ppv_timeline *tl, const char *ph)
{
	ppv_tl_sink_puts(&tl->sink, tl->any ? ",\n{\"ph\":\"" : "\n{\"ph\":\"");
	ppv_tl_sink_puts(&tl->sink, ph);
	ppv_tl_sink_write(&tl->sink, "\"", 1);
	tl->any = 1;
}

/* ,"ts":T,"pid":P,"tid":T */
static void where(struct ppv_timeline *tl, uint64_t ts, uint32_t pid, uint32_t tid)
{
	ppv_tl_sink_puts(&tl->sink, ",\"ts\":");
	ppv_tl_sink_usec(&tl->sink, rel(tl, ts));
	ppv_tl_sink_puts(&tl->sink, ",\"pid\":");
	ppv_tl_sink_u64(&tl->sink, pid);
	ppv_tl_sink_puts(&tl->sink, ",\"tid\":");
	ppv_tl_sink_u64(&tl->sink, tid);
}

/* "name":"...","cat":"..." of function @r->func, built once. */
static const char *frag_of(struct ppv_timeline *tl, const struct ppv_frame_record *r)
{
	char *name, *cat;

	if (r->func >= tl->nfrag) {
		size_t n = tl->nfrag ? tl->nfrag : 256;
		char **v;

		while (n <= r->func)
			n *= 2;
		v = realloc(tl->frag, n * sizeof(*v));
		if (!v)
			return NULL;
		memset(v + tl->nfrag, 0, (n - tl->nfrag) * sizeof(*v));
		tl->frag = v;
		tl->nfrag = n;
	}
	if (tl->frag[r->func])
		return tl->frag[r->func];
	name = ppv_tl_json_quote(r->name ? r->name : "?");
	cat = ppv_tl_json_quote(r->module ? ppv_tl_basename(r->module) : "scope");
	if (name && cat && asprintf(&tl->frag[r->func], "\"name\":%s,\"cat\":%s", name, cat) < 0)
		tl->frag[r->func] = NULL;
	free(name);
	free(cat);
	return tl->frag[r->func];
}

/* One "X" event for the call @r leaves. */
static int chrome_call(struct ppv_timeline *tl, const struct ppv_frame_record *r)
{
	uint64_t dur = r->ts > r->start_ns ? r->ts - r->start_ns : 0;
	const char *frag;

	if (dur < tl->o.min_dur_ns) {
		tl->dropped++;
		return 0;
	}
	frag = frag_of(tl, r);
	if (!frag)
		return -ENOMEM;
	next_event(tl, "X");
	ppv_tl_sink_write(&tl->sink, ",", 1);
	ppv_tl_sink_puts(&tl->sink, frag);
	where(tl, r->start_ns, r->pid, r->tid);
	ppv_tl_sink_puts(&tl->sink, ",\"dur\":");
	ppv_tl_sink_usec(&tl->sink, dur);
	ppv_tl_sink_puts(&tl->sink, ",\"args\":{\"self_ns\":");
	ppv_tl_sink_u64(&tl->sink, r->self_ns);
	ppv_tl_sink_puts(&tl->sink, r->unfinished ? ",\"unfinished\":true}}" : "}}");
	tl->written++;
	return tl->sink.err;
}

/* Thread-scoped instant: an error, or an I/O operation that failed. */
static void chrome_instant(struct ppv_timeline *tl, const struct ppv_event *ev)
{
	next_event(tl, "i");
	ppv_tl_sink_puts(&tl->sink, ",\"s\":\"t\"");
	where(tl, ev->ts, ev->pid, ev->tid);
	if (ev->type == PPV_EVENT_ERROR) {
		ppv_tl_sink_puts(&tl->sink, ",\"name\":\"error\",\"cat\":\"error\",\"args\":{\"code\":");
		ppv_tl_sink_i64(&tl->sink, ev->error.code);
		ppv_tl_sink_puts(&tl->sink, "}}");
		return;
	}
	ppv_tl_sink_puts(&tl->sink, ",\"name\":\"failed ");
	ppv_tl_sink_puts(&tl->sink, ppv_io_kind_name(ev->io.kind));
	ppv_tl_sink_puts(&tl->sink, "\",\"cat\":\"io,error\",\"args\":{\"kind\":\"");
	ppv_tl_sink_puts(&tl->sink, ppv_io_kind_name(ev->io.kind));
	ppv_tl_sink_puts(&tl->sink, "\",\"name\":");
	ppv_tl_sink_json_str(&tl->sink, ev->io.name);
	ppv_tl_sink_puts(&tl->sink, ",\"errno\":");
	ppv_tl_sink_i64(&tl->sink, ev->io.err);
	ppv_tl_sink_puts(&tl->sink, ",\"error\":");
	ppv_tl_sink_json_str(&tl->sink, strerror(ev->io.err));
	ppv_tl_sink_puts(&tl->sink, ",\"bytes\":");
	ppv_tl_sink_u64(&tl->sink, ev->io.bytes);
	ppv_tl_sink_puts(&tl->sink, ",\"dur_ns\":");
	ppv_tl_sink_u64(&tl->sink, ev->ts > ev->io.start ? ev->ts - ev->io.start : 0);
	ppv_tl_sink_puts(&tl->sink, "}}");
}

/* The "C" event of @p's interval @bucket: its bytes, or zeros. */
static void counter_write(struct ppv_timeline *tl, const struct tl_proc *p, uint64_t bucket,
			  int zero)
{
	int first = 1;

	next_event(tl, "C");
	ppv_tl_sink_puts(&tl->sink, ",\"name\":\"" TL_IO_COUNTER "\",\"ts\":");
	ppv_tl_sink_usec(&tl->sink, bucket * TL_IO_BUCKET_NS);
	ppv_tl_sink_puts(&tl->sink, ",\"pid\":");
	ppv_tl_sink_u64(&tl->sink, p->pid);
	ppv_tl_sink_puts(&tl->sink, ",\"tid\":");
	ppv_tl_sink_u64(&tl->sink, p->pid);
	ppv_tl_sink_puts(&tl->sink, ",\"args\":{");
	for (unsigned int k = 0; k < PPV_IO_KIND_COUNT; k++) {
		if (!(p->kinds & 1u << k))
			continue;
		ppv_tl_sink_puts(&tl->sink, first ? "\"" : ",\"");
		ppv_tl_sink_puts(&tl->sink, ppv_io_kind_name(k));
		ppv_tl_sink_puts(&tl->sink, "\":");
		ppv_tl_sink_u64(&tl->sink, zero ? 0 : p->bytes[k]);
		first = 0;
	}
	ppv_tl_sink_puts(&tl->sink, "}}");
}

/* Close @p's interval: its counter, then a zero unless the next one follows. */
static void counter_close(struct ppv_timeline *tl, struct tl_proc *p, uint64_t next)
{
	counter_write(tl, p, p->bucket, 0);
	if (next > p->bucket + 1)
		counter_write(tl, p, p->bucket + 1, 1);
	memset(p->bytes, 0, sizeof(p->bytes));
	p->open = 0;
}

static struct tl_proc *proc_of(struct ppv_timeline *tl, uint32_t pid)
{
	struct tl_proc *v;

	for (size_t i = 0; i < tl->nprocs; i++)
		if (tl->procs[i].pid == pid)
			return &tl->procs[i];
	v = realloc(tl->procs, (tl->nprocs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	tl->procs = v;
	v = &v[tl->nprocs++];
	memset(v, 0, sizeof(*v));
	v->pid = pid;
	return v;
}

/* Add an I/O operation's bytes to its process's interval (by its end). */
static int counter_add(struct ppv_timeline *tl, const struct ppv_event *ev)
{
	struct tl_proc *p = proc_of(tl, ev->pid);
	unsigned int k = ev->io.kind < PPV_IO_KIND_COUNT ? ev->io.kind : PPV_IO_OTHER;
	uint64_t b = rel(tl, ev->ts) / TL_IO_BUCKET_NS;

	if (!p)
		return -ENOMEM;
	if (p->open && b > p->bucket)
		counter_close(tl, p, b);
	if (!p->open) {
		p->open = 1;
		p->bucket = b;
	}
	p->kinds |= 1u << k;
	p->bytes[k] += ev->io.bytes;
	return 0;
}

static int thread_named(const struct ppv_timeline *tl, uint32_t pid, uint32_t tid)
{
	for (size_t i = 0; i < tl->nnamed; i++)
		if (tl->named[i].pid == pid && tl->named[i].tid == tid)
			return 1;
	return 0;
}

/* An "M" event naming process @pid (@tid 0) or thread @tid. */
static int name_write(struct ppv_timeline *tl, uint32_t pid, uint32_t tid, const char *name)
{
	struct tl_tid *v;

	next_event(tl, "M");
	ppv_tl_sink_puts(&tl->sink, tid ? ",\"name\":\"thread_name\"" : ",\"name\":\"process_name\"");
	ppv_tl_sink_puts(&tl->sink, ",\"pid\":");
	ppv_tl_sink_u64(&tl->sink, pid);
	ppv_tl_sink_puts(&tl->sink, ",\"tid\":");
	ppv_tl_sink_u64(&tl->sink, tid ? tid : pid);
	ppv_tl_sink_puts(&tl->sink, ",\"args\":{\"name\":");
	ppv_tl_sink_json_str(&tl->sink, name);
	ppv_tl_sink_puts(&tl->sink, "}}");
	if (!tid || thread_named(tl, pid, tid))
		return tl->sink.err;
	v = realloc(tl->named, (tl->nnamed + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	tl->named = v;
	v[tl->nnamed++] = (struct tl_tid){ pid, tid };
	return tl->sink.err;
}

/* A resident-set sample as a counter of its process: bytes, and the peak so far. */
static void rss_write(struct ppv_timeline *tl, const struct ppv_event *ev)
{
	next_event(tl, "C");
	ppv_tl_sink_puts(&tl->sink, ",\"name\":\"" TL_RSS_COUNTER "\"");
	where(tl, ev->ts, ev->pid, ev->pid);
	ppv_tl_sink_puts(&tl->sink, ",\"args\":{\"rss_bytes\":");
	ppv_tl_sink_u64(&tl->sink, ev->memstat.rss);
	ppv_tl_sink_puts(&tl->sink, ",\"peak_rss_bytes\":");
	ppv_tl_sink_u64(&tl->sink, ev->memstat.peak_rss);
	ppv_tl_sink_puts(&tl->sink, "}}");
}

static int chrome_event(struct ppv_timeline *tl, const struct ppv_event *ev)
{
	int rc = 0;

	switch (ev->type) {
	case PPV_EVENT_IO:
		rc = counter_add(tl, ev);
		if (!rc && ev->io.err && !ppv_io_would_block(ev->io.err))
			chrome_instant(tl, ev);
		break;
	case PPV_EVENT_MEMSTAT:
		rss_write(tl, ev);
		break;
	case PPV_EVENT_ERROR:
		chrome_instant(tl, ev);
		break;
	case PPV_EVENT_THREAD_START:
		if (ev->thread.name)
			rc = name_write(tl, ev->pid, ev->tid, ev->thread.name);
		break;
	default:
		break;
	}
	return rc ? rc : tl->sink.err;
}

/* Process names (their command lines) and the threads not named yet. */
static int names_write(struct ppv_timeline *tl, const struct ppv_profile *p)
{
	int rc = 0;

	for (size_t i = 0; i < ppv_profile_process_count(p) && !rc; i++) {
		const struct ppv_process_info *pi = ppv_profile_process(p, i);
		const char *name = pi->cmdline ? pi->cmdline : pi->exe;

		if (name)
			rc = name_write(tl, pi->pid, 0, name);
	}
	for (size_t i = 0; i < ppv_profile_thread_count(p) && !rc; i++) {
		const struct ppv_thread_stats *t = ppv_profile_thread(p, i);

		if (t->name && !thread_named(tl, t->pid, t->tid))
			rc = name_write(tl, t->pid, t->tid, t->name);
	}
	return rc;
}

static void other_u64(struct ppv_timeline *tl, const char *key, uint64_t v)
{
	ppv_tl_sink_puts(&tl->sink, ",\"");
	ppv_tl_sink_puts(&tl->sink, key);
	ppv_tl_sink_puts(&tl->sink, "\":");
	ppv_tl_sink_u64(&tl->sink, v);
}

/* Close traceEvents; the run's figures and caveats go in otherData. */
static void chrome_end(struct ppv_timeline *tl, const struct ppv_profile *p)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);

	ppv_tl_sink_puts(&tl->sink, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{"
			 "\"generator\":\"perprovis " PPV_VERSION_STRING "\",\"command\":");
	ppv_tl_sink_json_str(&tl->sink, s->cmdline);
	ppv_tl_sink_puts(&tl->sink, ",\"clock\":\"CLOCK_MONOTONIC\"");
	other_u64(tl, "origin_ns", tl->base);
	other_u64(tl, "calls", tl->written);
	other_u64(tl, "calls_dropped", tl->dropped);
	other_u64(tl, "min_duration_ns", tl->o.min_dur_ns);
	other_u64(tl, "io_counter_interval_ns", TL_IO_BUCKET_NS);
	other_u64(tl, "lost_events", s->lost);
	other_u64(tl, "unfinished_calls", s->unfinished_calls);
	other_u64(tl, "unmatched_exits", s->unmatched_exits);
	other_u64(tl, "repaired_frames", s->repaired_frames);
	other_u64(tl, "pauses", s->pauses);
	other_u64(tl, "paused_frames", s->paused_frames);
	other_u64(tl, "resumed_exits", s->resumed_exits);
	ppv_tl_sink_puts(&tl->sink, s->truncated ? ",\"truncated\":true}}\n"
						 : ",\"truncated\":false}}\n");
}

static int chrome_finish(struct ppv_timeline *tl, const struct ppv_profile *p)
{
	int rc = names_write(tl, p);

	if (rc)
		return rc;
	for (size_t i = 0; i < tl->nprocs; i++)
		if (tl->procs[i].open)
			counter_close(tl, &tl->procs[i], UINT64_MAX);
	chrome_end(tl, p);
	return ppv_tl_sink_end(&tl->sink);
}

int ppv_timeline_new(const struct ppv_timeline_opts *o, FILE *out, struct ppv_timeline **tlp)
{
	struct ppv_timeline *tl;
	int rc;

	*tlp = NULL;
	if (!out || (o && o->sz < sizeof(size_t)))
		return -EINVAL;
	tl = calloc(1, sizeof(*tl));
	if (!tl)
		return -ENOMEM;
	if (o)
		memcpy(&tl->o, o, o->sz < sizeof(tl->o) ? o->sz : sizeof(tl->o));
	tl->o.sz = sizeof(tl->o);
	rc = (unsigned int)tl->o.format > PPV_TIMELINE_SPEEDSCOPE ? -EINVAL : 0;
	if (!rc)
		rc = ppv_tl_sink_init(&tl->sink, out, tl->o.gzip);
	if (!rc && tl->o.format == PPV_TIMELINE_SPEEDSCOPE)
		rc = ppv_speedscope_new(&tl->sink, &tl->ss);
	if (rc) {
		ppv_timeline_free(tl);
		return rc;
	}
	if (tl->o.format == PPV_TIMELINE_CHROME)
		ppv_tl_sink_puts(&tl->sink, "{\"traceEvents\":[");
	*tlp = tl;
	return 0;
}

int ppv_timeline_on_frame(const struct ppv_frame_record *r, void *arg)
{
	struct ppv_timeline *tl = arg;

	origin_set(tl, r->exit ? r->start_ns : r->ts);
	if (tl->ss)
		return ppv_speedscope_on_frame(tl->ss, r, tl->base);
	return r->exit ? chrome_call(tl, r) : 0;
}

int ppv_timeline_on_event(const struct ppv_event *ev, void *arg)
{
	struct ppv_timeline *tl = arg;

	origin_set(tl, ev->type == PPV_EVENT_IO && ev->io.start < ev->ts ? ev->io.start : ev->ts);
	return tl->ss ? 0 : chrome_event(tl, ev);
}

int ppv_timeline_finish(struct ppv_timeline *tl, const struct ppv_profile *p)
{
	if (!tl || !p)
		return -EINVAL;
	if (tl->ss)
		return ppv_speedscope_finish(tl->ss, p);
	return chrome_finish(tl, p);
}

void ppv_timeline_free(struct ppv_timeline *tl)
{
	if (!tl)
		return;
	ppv_speedscope_free(tl->ss);
	for (size_t i = 0; i < tl->nfrag; i++)
		free(tl->frag[i]);
	free(tl->frag);
	free(tl->procs);
	free(tl->named);
	ppv_tl_sink_release(&tl->sink);
	free(tl);
}
