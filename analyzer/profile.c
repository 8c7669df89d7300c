/* SPDX-License-Identifier: MIT */
/*
 * profile.c - the analyzer's one streaming pass: events in time order to
 * per-function statistics, the calling-context tree and I/O totals.
 *
 * Owns: per-thread shadow stacks, self and inclusive time, recursion
 * (inclusive time counted by the outermost call only), unmatched exits,
 * frames skipped by longjmp or exceptions, calls left open, the -F/-N and
 * pid/thread/time selections, and the streaming callbacks. Does not own:
 * the tree's storage (cct.c), function
 * identity (func-table.c), what is derived after the pass
 * (profile-finish.c) or formatting (visualize/).
 *
 * A frame is "counted" when it is shown: not excluded by -N, and inside a
 * frame matching -F when -F is given. An uncounted frame stays on the stack
 * (so exits still match) but has no CCT node; its callees' time passes
 * through it to the nearest counted frame below, so an excluded function's
 * own time becomes its caller's self time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

/* A scope's frame key: its name's address with a bit no code address has,
 * so that a scope never matches a function's exit. */
#define SCOPE_KEY(name) ((uint64_t)(uintptr_t)(name) | (UINT64_C(1) << 63))

struct frame {
	uint64_t key;          /* the address (or scope name) it was entered with */
	uint32_t func;
	uint8_t counted;
	struct ppv_cct *node;  /* counted: this frame's node */
	struct ppv_cct *outer; /* the thread's current node before this frame */
	uint64_t start;
	uint64_t child_ns;     /* time of counted callees (passed through uncounted ones) */
};

struct thr {
	struct ppv_thread_stats st;
	char *name_own;
	struct frame *stack;
	size_t depth, cap;
	struct ppv_cct *cur;   /* node of the innermost counted frame, or the root */
	uint32_t focus;        /* frames on the stack that match -F */
	uint32_t shown;        /* counted frames on the stack */
	uint32_t *active;      /* calls of each function on the stack (recursion) */
	size_t nactive;
};

struct pass {
	struct ppv_profile *p;
	struct ppv_func_table *ft;
	struct ppv_analyze_opts o;
	struct thr **threads;
	size_t nthreads, cap;
	struct thr *last;
	uint64_t t0, t1;       /* selected window, absolute ns */
};

static struct thr *thread_of(struct pass *ps, uint32_t pid, uint32_t tid)
{
	struct thr *t;

	if (ps->last && ps->last->st.tid == tid && ps->last->st.pid == pid)
		return ps->last;
	for (size_t i = ps->nthreads; i-- > 0;) {
		if (ps->threads[i]->st.tid == tid && ps->threads[i]->st.pid == pid)
			return ps->last = ps->threads[i];
	}
	if (ps->nthreads == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 16;
		struct thr **v = realloc(ps->threads, cap * sizeof(*v));

		if (!v)
			return NULL;
		ps->threads = v;
		ps->cap = cap;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->st.pid = pid;
	t->st.tid = tid;
	t->cur = ps->p->root;
	ps->threads[ps->nthreads++] = t;
	return ps->last = t;
}

static int ensure_active(struct thr *t, uint32_t func)
{
	if (func >= t->nactive) {
		size_t n = t->nactive ? t->nactive : 64;
		uint32_t *v;

		while (n <= func)
			n *= 2;
		v = realloc(t->active, n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + t->nactive, 0, (n - t->nactive) * sizeof(*v));
		t->active = v;
		t->nactive = n;
	}
	return 0;
}

/* Hand a shown frame's enter or exit to opts->on_frame. */
static int report(struct pass *ps, const struct thr *t, const struct ppv_func *f, int exit,
		  uint64_t ts, const struct frame *fr, uint64_t self, int unfinished)
{
	struct ppv_frame_record r = {
		.exit = exit, .pid = t->st.pid, .tid = t->st.tid, .func = f->pub.id,
		.name = f->pub.name, .module = f->pub.module, .depth = t->shown - 1, .ts = ts,
		.start_ns = fr->start, .self_ns = self, .unfinished = unfinished,
	};

	return ps->o.on_frame(&r, ps->o.cb_arg);
}

static int push(struct pass *ps, struct thr *t, uint32_t func, uint64_t ts, uint64_t key)
{
	struct ppv_func *f = ppv_func_table_get(ps->ft, func);
	struct frame *fr;

	if (t->depth == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct frame *v = realloc(t->stack, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->stack = v;
		t->cap = cap;
	}
	if (ensure_active(t, func))
		return -ENOMEM;
	fr = &t->stack[t->depth++];
	fr->key = key;
	fr->func = func;
	fr->start = ts;
	fr->child_ns = 0;
	fr->outer = t->cur;
	t->focus += f->focus;
	fr->counted = !f->excluded && (!ps->o.function || t->focus);
	fr->node = NULL;
	if (!fr->counted)
		return 0;
	fr->node = ppv_cct_child(ps->p, t->cur, func);
	if (!fr->node)
		return -ENOMEM;
	t->cur = fr->node;
	t->active[func]++;
	t->shown++;
	return ps->o.on_frame ? report(ps, t, f, 0, ts, fr, 0, 0) : 0;
}

/* Close the top frame at @ts; @unfinished if it never returned. */
static int pop(struct pass *ps, struct thr *t, uint64_t ts, int unfinished)
{
	struct frame *fr = &t->stack[--t->depth];
	struct ppv_func *f = ppv_func_table_get(ps->ft, fr->func);
	uint64_t dur = ts > fr->start ? ts - fr->start : 0;
	uint64_t self = dur > fr->child_ns ? dur - fr->child_ns : 0;
	int rc;

	t->focus -= f->focus;
	t->cur = fr->outer;
	if (t->depth)
		t->stack[t->depth - 1].child_ns += fr->counted ? dur : fr->child_ns;
	if (!fr->counted)
		return 0;
	f->pub.calls++;
	f->pub.self_ns += self;
	f->pub.sum_ns += dur;
	if (--t->active[fr->func] == 0)
		f->pub.total_ns += dur;
	fr->node->pub.calls++;
	fr->node->pub.total_ns += dur;
	fr->node->pub.self_ns += self;
	t->st.calls++;
	ps->p->sum.total_calls++;
	if (fr->outer == ps->p->root) {
		t->st.total_ns += dur;
		ps->p->sum.total_ns += dur;
	}
	if (ppv_hist_add(&f->hist, dur))
		return -ENOMEM;
	if (!ps->o.on_frame) {
		t->shown--;
		return 0;
	}
	rc = report(ps, t, f, 1, ts, fr, self, unfinished);
	t->shown--;
	return rc;
}

static int on_arrive(struct pass *ps, struct thr *t, int64_t func, uint64_t ts, uint64_t key)
{
	return func < 0 ? (int)func : push(ps, t, (uint32_t)func, ts, key);
}

/* An exit of @func: the top frame, or one below frames that longjmp or an
 * exception skipped (closed here, counted as repaired), or none at all. */
static int on_leave(struct pass *ps, struct thr *t, int64_t func, uint64_t ts)
{
	size_t k = t->depth;
	int rc;

	if (func < 0)
		return (int)func;
	while (k > 0 && t->stack[k - 1].func != (uint32_t)func)
		k--;
	if (k == 0) {
		ps->p->sum.unmatched_exits++;
		return 0;
	}
	while (t->depth > k) {
		ps->p->sum.repaired_frames++;
		rc = pop(ps, t, ts, 0);
		if (rc)
			return rc;
	}
	return pop(ps, t, ts, 0);
}

/* The innermost counted frame's function, or NULL (outside -F, or none). */
static struct ppv_func *current(struct pass *ps, struct thr *t)
{
	for (size_t k = t->depth; k > 0; k--)
		if (t->stack[k - 1].counted)
			return ppv_func_table_get(ps->ft, t->stack[k - 1].func);
	return NULL;
}

static int func_io(struct ppv_func *f, const struct ppv_event *ev, uint64_t ns)
{
	unsigned int k = ev->io.kind < PPV_IO_KIND_COUNT ? ev->io.kind : PPV_IO_OTHER;
	uint64_t *row;

	if (!f->io_kind) {
		f->io_kind = calloc(PPV_IO_KIND_COUNT * 4, sizeof(uint64_t));
		if (!f->io_kind)
			return -ENOMEM;
	}
	row = &f->io_kind[k * 4];
	if (!row[0] || ns < f->io_min[k])
		f->io_min[k] = ns;
	if (ns > f->io_max[k])
		f->io_max[k] = ns;
	row[0]++;
	row[1] += ev->io.bytes;
	row[2] += ns;
	row[3] += ev->io.err != 0;
	f->pub.io_ops++;
	f->pub.io_bytes += ev->io.bytes;
	f->pub.io_ns += ns;
	f->pub.io_errors += ev->io.err != 0;
	f->pub.errors += ev->io.err != 0;
	return 0;
}

static int on_io(struct pass *ps, struct thr *t, const struct ppv_event *ev)
{
	struct ppv_func *f = current(ps, t);
	unsigned int k = ev->io.kind < PPV_IO_KIND_COUNT ? ev->io.kind : PPV_IO_OTHER;
	struct ppv_io_stats *s = &ps->p->io_kind[k];
	uint64_t ns = ev->ts > ev->io.start ? ev->ts - ev->io.start : 0;

	if (ps->o.function && !f)
		return 0;
	if (!s->ops || ns < s->min_ns)
		s->min_ns = ns;
	if (ns > s->max_ns)
		s->max_ns = ns;
	s->ops++;
	s->bytes += ev->io.bytes;
	s->total_ns += ns;
	s->errors += ev->io.err != 0;
	ps->p->sum.io_ops++;
	ps->p->sum.io_bytes += ev->io.bytes;
	ps->p->sum.errors += ev->io.err != 0;
	if (f) {
		for (size_t d = t->depth; d > 0; d--) {
			if (t->stack[d - 1].counted) {
				t->stack[d - 1].node->pub.errors += ev->io.err != 0;
				t->stack[d - 1].node->pub.io_bytes += ev->io.bytes;
				break;
			}
		}
		if (func_io(f, ev, ns))
			return -ENOMEM;
	}
	return ev->io.name ? ppv_profile_io_name_add(ps->p, ev, ns) : 0;
}

static int on_error(struct pass *ps, struct thr *t)
{
	struct ppv_func *f = current(ps, t);

	if (ps->o.function && !f)
		return 0;
	ps->p->sum.errors++;
	if (f) {
		f->pub.errors++;
		t->cur->pub.errors++;
	}
	return 0;
}

/* Close every frame still open on @t at @ts: calls that never returned. */
static int close_thread(struct pass *ps, struct thr *t, uint64_t ts)
{
	while (t->depth) {
		struct frame *fr = &t->stack[t->depth - 1];
		int rc;

		if (fr->counted) {
			ppv_func_table_get(ps->ft, fr->func)->pub.unfinished++;
			ps->p->sum.unfinished_calls++;
		}
		rc = pop(ps, t, ts, 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int thread_named(struct thr *t, const char *name)
{
	if (!name || (t->name_own && strcmp(t->name_own, name) == 0))
		return 0;
	free(t->name_own);
	t->name_own = strdup(name);
	t->st.name = t->name_own;
	return t->name_own ? 0 : -ENOMEM;
}

static int selected(const struct pass *ps, const struct ppv_event *ev)
{
	if (ps->o.pid && ev->pid != ps->o.pid)
		return 0;
	if (ps->o.tid && ev->tid != ps->o.tid)
		return 0;
	return ev->ts >= ps->t0 && ev->ts <= ps->t1;
}

static int on_event(struct pass *ps, const struct ppv_event *ev)
{
	struct thr *t;

	if (ev->type == PPV_EVENT_LOSS || !ev->tid || !selected(ps, ev))
		return 0;
	t = thread_of(ps, ev->pid, ev->tid);
	if (!t)
		return -ENOMEM;
	if (!t->st.start_ns)
		t->st.start_ns = ev->ts;
	t->st.end_ns = ev->ts;
	if (ps->o.on_event) {
		int rc = ps->o.on_event(ev, ps->o.cb_arg);

		if (rc)
			return rc;
	}
	switch (ev->type) {
	case PPV_EVENT_ENTER:
		return on_arrive(ps, t, ppv_func_table_addr(ps->ft, ev->pid, ev->func.addr), ev->ts,
				 ev->func.addr);
	case PPV_EVENT_EXIT:
		/* the usual exit leaves the top frame: no lookup needed; an exit
		 * without an address (LTTng's cyg-profile-fast records none)
		 * leaves the top function frame */
		if (t->depth && (t->stack[t->depth - 1].key == ev->func.addr ||
				 (!ev->func.addr && !(t->stack[t->depth - 1].key >> 63))))
			return pop(ps, t, ev->ts, 0);
		if (!ev->func.addr) {
			ps->p->sum.unmatched_exits++;
			return 0;
		}
		return on_leave(ps, t, ppv_func_table_addr(ps->ft, ev->pid, ev->func.addr), ev->ts);
	case PPV_EVENT_SCOPE_ENTER:
		return on_arrive(ps, t, ppv_func_table_scope(ps->ft, ev->scope.name), ev->ts,
				 SCOPE_KEY(ev->scope.name));
	case PPV_EVENT_SCOPE_EXIT:
		if (t->depth && t->stack[t->depth - 1].key == SCOPE_KEY(ev->scope.name))
			return pop(ps, t, ev->ts, 0);
		return on_leave(ps, t, ppv_func_table_scope(ps->ft, ev->scope.name), ev->ts);
	case PPV_EVENT_IO:
		return on_io(ps, t, ev);
	case PPV_EVENT_ERROR:
		return on_error(ps, t);
	case PPV_EVENT_THREAD_START:
		/* A thread is announced once per image: frames still open are the
		 * ones the previous image left when it called exec(). */
		if (t->depth) {
			int rc = close_thread(ps, t, ev->ts);

			if (rc)
				return rc;
		}
		return thread_named(t, ev->thread.name);
	case PPV_EVENT_THREAD_EXIT:
		return close_thread(ps, t, ev->ts);
	default:
		return 0;
	}
}

static void pass_release(struct pass *ps)
{
	for (size_t i = 0; i < ps->nthreads; i++) {
		free(ps->threads[i]->stack);
		free(ps->threads[i]->active);
		free(ps->threads[i]->name_own);
		free(ps->threads[i]);
	}
	free(ps->threads);
	ppv_func_table_free(ps->ft);
}

/* Close what is still open, and move threads and functions into @p. */
static int pass_end(struct pass *ps)
{
	struct ppv_profile *p = ps->p;
	uint64_t end = ps->o.time_end && ps->t1 < p->sum.end_ns ? ps->t1 : p->sum.end_ns;

	for (size_t i = 0; i < ps->nthreads; i++) {
		int rc = close_thread(ps, ps->threads[i], end);

		if (rc)
			return rc;
	}
	p->threads = calloc(ps->nthreads ? ps->nthreads : 1, sizeof(*p->threads));
	if (!p->threads)
		return -ENOMEM;
	for (size_t i = 0; i < ps->nthreads; i++) {
		p->threads[i] = ps->threads[i]->st;
		p->threads[i].name = NULL;
		if (ps->threads[i]->name_own) {
			/* the thread keeps its name: hand the string over */
			p->threads[i].name = ps->threads[i]->name_own;
			ps->threads[i]->name_own = NULL;
		}
	}
	p->nthreads = ps->nthreads;
	p->sum.nthreads = ps->nthreads;
	p->funcs = ppv_func_table_take(ps->ft, &p->nfuncs);
	return 0;
}

static void summary_from_trace(struct ppv_profile *p, struct ppv_trace *t)
{
	uint64_t rt = 0, origin = UINT64_MAX;

	for (size_t i = 0; i < ppv_trace_process_count(t); i++) {
		const struct ppv_process_info *pi = ppv_trace_borrow_process(t, i);

		if (pi->start_ns < origin) {
			origin = pi->start_ns;
			rt = pi->start_realtime_ns;
			p->sum.cmdline = pi->cmdline;
		}
		p->sum.lost += pi->lost;
		p->sum.truncated |= !pi->complete;
	}
	p->sum.start_realtime_ns = rt;
	p->sum.nprocesses = ppv_trace_process_count(t);
	p->sum.granularity = ppv_trace_info(t, 0, "granularity");
	if (!p->sum.granularity)
		p->sum.granularity = "medium";
}

static int run_pass(struct pass *ps)
{
	struct ppv_profile *p = ps->p;
	const struct ppv_event *ev;
	int rc;

	while ((rc = ppv_trace_next_borrow(p->trace, &ev)) > 0) {
		p->sum.events++;
		/* the run's extent is its threads' events, not the writer's
		 * bookkeeping (watermarks, calibration, module maps) */
		if (ev->type >= PPV_EVENT_ENTER && ev->type <= PPV_EVENT_THREAD_EXIT) {
			if (!p->sum.start_ns || ev->ts < p->sum.start_ns)
				p->sum.start_ns = ev->ts;
			if (ev->ts > p->sum.end_ns)
				p->sum.end_ns = ev->ts;
		}
		rc = on_event(ps, ev);
		if (rc)
			return rc;
	}
	return rc;
}

static int pass_init(struct pass *ps, struct ppv_profile *p, const struct ppv_analyze_opts *o)
{
	uint64_t origin = UINT64_MAX;

	memset(ps, 0, sizeof(*ps));
	ps->p = p;
	if (o)
		memcpy(&ps->o, o, o->sz < sizeof(ps->o) ? o->sz : sizeof(ps->o));
	if (o && (o->sz < offsetof(struct ppv_analyze_opts, pid) + sizeof(o->pid) ||
		  (o->time_end && o->time_end <= o->time_start)))
		return -EINVAL;
	for (size_t i = 0; i < ppv_trace_process_count(p->trace); i++) {
		uint64_t s = ppv_trace_borrow_process(p->trace, i)->start_ns;

		origin = s < origin ? s : origin;
	}
	origin = origin == UINT64_MAX ? 0 : origin;
	ps->t0 = origin + ps->o.time_start;
	ps->t1 = ps->o.time_end ? origin + ps->o.time_end : UINT64_MAX;
	if (ppv_cct_init(p))
		return -ENOMEM;
	return ppv_func_table_new(p->trace, &ps->o, &ps->ft);
}

PPV_API int ppv_profile_build(struct ppv_trace *t, const struct ppv_analyze_opts *opts,
			      struct ppv_profile **out)
{
	struct ppv_profile *p = calloc(1, sizeof(*p));
	struct pass ps;
	int rc;

	if (!p)
		return -ENOMEM;
	p->trace = t;
	rc = pass_init(&ps, p, opts);
	if (!rc)
		rc = run_pass(&ps);
	if (!rc)
		rc = pass_end(&ps);
	pass_release(&ps);
	if (!rc) {
		summary_from_trace(p, t);
		rc = ppv_profile_finish(p);
	}
	if (rc) {
		ppv_profile_free(p);
		return rc;
	}
	*out = p;
	return 0;
}
