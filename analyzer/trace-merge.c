/* SPDX-License-Identifier: MIT */
/*
 * trace-merge.c - the events of every process and thread of a trace, one
 * stream in time order.
 *
 * Owns: each process's merge window, the release of events by watermark,
 * the side queue of the writer's own records, and choosing the next event
 * across processes. Does not own: finding and opening the files
 * (trace.c) or decoding bytes (formats/native-reader.c).
 *
 * A process's file holds its threads' events chunk by chunk, so an event
 * may follow later ones by up to one drain cycle. Each process keeps the
 * events it has read but not released, sorted by (ts, file order); a SYNC
 * watermark W releases those with ts < W (nothing later in the file can be
 * earlier). Across processes, the smallest released event goes first.
 * Memory is bounded by what one process writes between watermarks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace-internal.h"

static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->ev.ts != y->ev.ts)
		return x->ev.ts < y->ev.ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Merge the sorted runs [src+r[i], src+r[i+1]) pairwise into dst; return
 * the new run count (r updated in place). Ties keep file order: left first. */
static size_t merge_pass(const struct pending *src, struct pending *dst, size_t *r, size_t nr)
{
	size_t out = 0;

	for (size_t i = 0; i < nr; i += 2) {
		size_t a = r[i], ae = r[i + 1], b = ae, be = i + 2 <= nr ? r[i + 2] : ae, d = a;

		if (i + 1 == nr) /* odd run out: copy */
			be = ae;
		while (a < ae && b < be)
			dst[d++] = cmp_pending(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
		while (a < ae)
			dst[d++] = src[a++];
		while (b < be)
			dst[d++] = src[b++];
		r[out++] = r[i];
	}
	r[out] = r[nr];
	return out;
}

/*
 * Sort the waiting events [ready, len). They arrive as a few sorted runs
 * (one per thread per drain cycle, plus the writer's bookkeeping records),
 * so a natural merge sort costs O(n log runs): a single-threaded trace is
 * one pass over the events.
 */
static int sort_waiting(struct proc *p)
{
	struct pending *a = p->buf + p->ready, *b;
	size_t n = p->len - p->ready, nr = 0;

	for (size_t i = 0; i < n; i++) {
		if (i && cmp_pending(&a[i], &a[i - 1]) >= 0)
			continue;
		if (nr + 2 > p->nruns_cap) {
			size_t cap = p->nruns_cap ? 2 * p->nruns_cap : 64;
			size_t *v = realloc(p->runs, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			p->runs = v;
			p->nruns_cap = cap;
		}
		p->runs[nr++] = i;
	}
	if (nr <= 1)
		return 0;
	p->runs[nr] = n;
	if (!p->tmp) {
		p->tmp = malloc(p->cap * sizeof(*p->tmp));
		if (!p->tmp)
			return -ENOMEM;
	}
	b = p->tmp + p->ready;
	while (nr > 1) {
		struct pending *t;

		nr = merge_pass(a, b, p->runs, nr);
		t = a, a = b, b = t;
	}
	if (a != p->buf + p->ready)
		memcpy(p->buf + p->ready, a, n * sizeof(*a));
	return 0;
}

/* Release the waiting events with ts < @watermark (all of them at EOF). */
static int release(struct proc *p, uint64_t watermark, int all)
{
	p->watermark = all ? UINT64_MAX : watermark;
	if (!p->sorted && sort_waiting(p))
		return -ENOMEM;
	p->sorted = 1;
	while (p->ready < p->len && (all || p->buf[p->ready].ev.ts < watermark))
		p->ready++;
	p->max_ts = p->ready < p->len ? p->buf[p->len - 1].ev.ts : 0;
	return 0;
}

static int is_bookkeeping(uint16_t type)
{
	return type == PPV_EVENT_CLOCK || type == PPV_EVENT_MODULE_LOAD ||
	       type == PPV_EVENT_MODULE_UNLOAD || type == PPV_EVENT_LOSS;
}

static int push_side(struct proc *p, const struct ppv_event *ev)
{
	size_t i = p->nside;

	if (p->nside == p->side_cap) {
		size_t cap = p->side_cap ? 2 * p->side_cap : 16;
		struct pending *v = realloc(p->side, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->side = v;
		p->side_cap = cap;
	}
	while (i > 0 && p->side[i - 1].ev.ts > ev->ts) {
		p->side[i] = p->side[i - 1];
		i--;
	}
	p->side[i].ev = *ev;
	p->side[i].seq = p->seq++;
	p->nside++;
	return 0;
}

/* The next event @p may return, from the buffer or the side queue. */
static struct pending *peek(struct proc *p, int *from_side)
{
	struct pending *m = p->head < p->ready ? &p->buf[p->head] : NULL;
	struct pending *s = p->nside && p->side[0].ev.ts < p->watermark ? &p->side[0] : NULL;

	*from_side = s && (!m || cmp_pending(s, m) < 0);
	return *from_side ? s : m;
}

/* Remove the next event of @p; return it, in the buffer or in @spare. */
static const struct ppv_event *take(struct proc *p, int from_side, struct ppv_event *spare)
{
	if (!from_side)
		return &p->buf[p->head++].ev;
	*spare = p->side[0].ev;
	memmove(p->side, p->side + 1, --p->nside * sizeof(*p->side));
	return spare;
}

/*
 * The slot the next event is decoded into, at the end of the buffer: events
 * are read in place, not copied in. Compacts once everything released is
 * consumed, but only when the waiting events fill at most a third of the
 * buffer: each event is then moved half a time on average, not once per
 * drain cycle. Pointers lent by ppv_trace_next_borrow() stay valid: this
 * runs only on the next call.
 */
static struct ppv_event *slot(struct proc *p)
{
	if (p->head > 0 && p->head == p->ready && p->len == p->cap &&
	    3 * (p->len - p->head) <= p->cap) {
		memmove(p->buf, p->buf + p->head, (p->len - p->head) * sizeof(*p->buf));
		p->len -= p->head;
		p->ready -= p->head;
		p->head = 0;
	}
	if (p->len == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4096;
		struct pending *v = realloc(p->buf, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->buf = v;
		free(p->tmp); /* reallocated at the next sort, at the new size */
		p->tmp = NULL;
		p->cap = cap;
	}
	return &p->buf[p->len].ev;
}

/* Make the event decoded into slot() part of the waiting window. */
static void commit(struct proc *p)
{
	uint64_t ts = p->buf[p->len].ev.ts;

	if (ts < p->max_ts)
		p->sorted = 0;
	else
		p->max_ts = ts;
	p->buf[p->len].seq = p->seq++;
	p->len++;
}

static int fail(struct ppv_trace *t, int err, const char *msg)
{
	snprintf(t->err, sizeof(t->err), "%s", msg ? msg : ppv_strerror(err));
	t->failed = err;
	return err;
}

/* Read @p until something is released or the file ends. */
static int at_eof(struct ppv_trace *t, struct proc *p)
{
	const struct ppv_native_stats *st = ppv_native_reader_stats(p->r);

	p->eof = 1;
	p->info.complete = st->complete;
	if (ppv_native_reader_warning(p->r))
		ppv_trace_add_warning(t, ppv_native_reader_warning(p->r));
	return release(p, 0, 1) ? fail(t, -ENOMEM, NULL) : 0;
}

/* Read @p until something is released or the file ends. */
static int fill(struct ppv_trace *t, struct proc *p)
{
	int side;

	while (!peek(p, &side) && !p->eof) {
		struct ppv_event *ev = slot(p);
		int rc;

		if (!ev)
			return fail(t, -ENOMEM, NULL);
		rc = ppv_trace_proc_read(t, p, ev);
		if (rc < 0)
			return fail(t, rc, ppv_trace_proc_error(p));
		if (rc == 0)
			return at_eof(t, p);
		if ((ev->type == PPV_EVENT_MODULE_LOAD || ev->type == PPV_EVENT_MODULE_UNLOAD) &&
		    ppv_module_map_apply(p->mods, ev) < 0)
			return fail(t, -ENOMEM, NULL);
		/* A watermark is the merge's own: it is stamped earlier than the
		 * chunk it ends, so keeping it would force a sort of the whole
		 * waiting window at every chunk. */
		if (ev->type == PPV_EVENT_SYNC) {
			if (release(p, ev->ts, 0))
				return fail(t, -ENOMEM, NULL);
		} else if (is_bookkeeping(ev->type)) {
			if (push_side(p, ev) < 0)
				return fail(t, -ENOMEM, NULL);
		} else {
			commit(p);
		}
	}
	return 0;
}

static const struct ppv_event *lend(struct proc *p, const struct ppv_event *ev)
{
	p->info.events++;
	if (ev->ts > p->info.end_ns)
		p->info.end_ns = ev->ts;
	if (ev->type == PPV_EVENT_LOSS)
		p->info.lost += ev->loss.count;
	return ev;
}

PPV_API int ppv_trace_next_borrow(struct ppv_trace *t, const struct ppv_event **out)
{
	struct proc *best = NULL;
	struct pending *best_ev = NULL;
	int best_side = 0;

	if (t->ctf) /* babeltrace2's muxer has merged it already */
		return ppv_trace_ctf_next(t, out);
	if (t->failed)
		return t->failed;
	/* One process whose next event is released and no bookkeeping record
	 * waits: the common case needs no comparison. */
	if (t->nprocs == 1 && !t->procs[0].nside && t->procs[0].head < t->procs[0].ready) {
		*out = lend(&t->procs[0], &t->procs[0].buf[t->procs[0].head++].ev);
		return 1;
	}
	for (size_t i = 0; i < t->nprocs; i++) {
		struct proc *p = &t->procs[i];
		struct pending *c;
		int err = fill(t, p), side;

		if (err)
			return err;
		c = peek(p, &side);
		if (c && (!best_ev || cmp_pending(c, best_ev) < 0)) {
			best = p;
			best_ev = c;
			best_side = side;
		}
	}
	if (!best)
		return 0;
	*out = lend(best, take(best, best_side, &t->side_out));
	return 1;
}

PPV_API int ppv_trace_next(struct ppv_trace *t, struct ppv_event *ev)
{
	const struct ppv_event *e;
	int rc = ppv_trace_next_borrow(t, &e);

	if (rc > 0)
		*ev = *e;
	return rc;
}
