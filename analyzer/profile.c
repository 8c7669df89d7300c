/* SPDX-License-Identifier: MIT */
/*
 * profile.c - the analyzer's one streaming pass: events in time order to
 * per-function statistics, the calling-context tree and I/O totals.
 *
 * Owns: per-thread shadow stacks, self and inclusive time, recursion
 * (inclusive time and allocations counted by the outermost call only),
 * unmatched exits, frames skipped by longjmp or exceptions, calls left
 * open, pauses (frames cut at the pause, exits after the resume forgiven),
 * the -F/-N and pid/thread/time selections, and the streaming callbacks.
 * Does not own: the tree's storage (cct.c), function identity
 * (func-table.c), I/O tables (profile-io.c), the live-block map
 * (memory.c), what is derived after the pass (profile-finish.c) or
 * formatting (visualize/).
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
	uint64_t incl_count;   /* allocations in it and its callees, */
	uint64_t incl_bytes;   /* passed down to the caller at its exit */
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
	uint8_t mid_stack;     /* after a pause, or from a later rotated segment:
				* exits of frames entered before are expected */
};

/* A process whose threads start mid-stack (paused, or a later segment). */
struct proc {
	uint32_t pid;
	uint8_t mid_stack;
};

struct pass {
	struct ppv_profile *p;
	struct ppv_func_table *ft;
	struct ppv_analyze_opts o;
	struct thr **threads;
	size_t nthreads, cap;
	struct thr *last;
	struct proc *procs;
	size_t nprocs;
	uint64_t t0, t1;       /* selected window, absolute ns */
};

static struct proc *proc_find(const struct pass *ps, uint32_t pid)
{
	for (size_t i = 0; i < ps->nprocs; i++)
		if (ps->procs[i].pid == pid)
			return &ps->procs[i];
	return NULL;
}

static int proc_mark_mid_stack(struct pass *ps, uint32_t pid)
{
	struct proc *v = proc_find(ps, pid);

	if (v) {
		v->mid_stack = 1;
		return 0;
	}
	v = realloc(ps->procs, (ps->nprocs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ps->procs = v;
	v[ps->nprocs++] = (struct proc){ .pid = pid, .mid_stack = 1 };
	return 0;
}

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
	t->mid_stack = proc_find(ps, pid) != NULL;
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
	fr->incl_count = 0;
	fr->incl_bytes = 0;
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
	if (t->depth) {
		struct frame *caller = &t->stack[t->depth - 1];

		caller->child_ns += fr->counted ? dur : fr->child_ns;
		caller->incl_count += fr->incl_count;
		caller->incl_bytes += fr->incl_bytes;
	}
	if (!fr->counted)
		return 0;
	f->pub.calls++;
	f->pub.self_ns += self;
	f->pub.sum_ns += dur;
	if (--t->active[fr->func] == 0) {
		f->pub.total_ns += dur;
		f->pub.alloc_count_incl += fr->incl_count;
		f->pub.alloc_bytes_incl += fr->incl_bytes;
	}
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

/* An exit that matches no open frame: one entered before recording began,
 * or, on a thread that starts mid-stack, before the pause. */
static void unmatched_exit(struct pass *ps, const struct thr *t)
{
	if (t->mid_stack)
		ps->p->sum.resumed_exits++;
	else
		ps->p->sum.unmatched_exits++;
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
		unmatched_exit(ps, t);
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

static int on_io(struct pass *ps, struct thr *t, const struct ppv_event *ev)
{
	struct ppv_func *f = current(ps, t);

	if (ps->o.function && !f)
		return 0;
	return ppv_profile_io_add(ps->p, ev, f, t->cur);
}

/* An allocation: self for the innermost shown frame (and its call path),
 * inclusive for every frame on the stack once it exits (see pop()). */
static int on_alloc(struct pass *ps, struct thr *t, const struct ppv_event *ev)
{
	struct ppv_func *f = current(ps, t);
	int hidden = ps->o.function && !f;

	if (!hidden && t->depth) {
		t->stack[t->depth - 1].incl_count++;
		t->stack[t->depth - 1].incl_bytes += ev->alloc.size;
	}
	return ppv_mem_alloc(ps->p, ev, f, f ? t->cur : ps->p->root, hidden);
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

/* Close every frame still open on @t at @ts: calls that never returned
 * (@paused 0), or that were open when recording paused. */
static int close_thread(struct pass *ps, struct thr *t, uint64_t ts, int paused)
{
	while (t->depth) {
		struct frame *fr = &t->stack[t->depth - 1];
		int rc;

		if (fr->counted && paused) {
			ps->p->sum.paused_frames++;
		} else if (fr->counted) {
			ppv_func_table_get(ps->ft, fr->func)->pub.unfinished++;
			ps->p->sum.unfinished_calls++;
		}
		rc = pop(ps, t, ts, 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* Recording paused in process @pid: what its threads had open ends here,
 * and every thread of it (those seen later too) resumes mid-stack. */
static int on_pause(struct pass *ps, uint32_t pid, uint64_t ts)
{
	ps->p->sum.pauses++;
	for (size_t i = 0; i < ps->nthreads; i++) {
		struct thr *t = ps->threads[i];
		int rc;

		if (t->st.pid != pid)
			continue;
		t->mid_stack = 1;
		rc = close_thread(ps, t, ts, 1);
		if (rc)
			return rc;
	}
	return proc_mark_mid_stack(ps, pid);
}

/* Events of a whole process (tid is its pid): selected by pid and time
 * only, so --thread does not lose a pause. */
static int on_process_event(struct pass *ps, const struct ppv_event *ev)
{
	if ((ps->o.pid && ev->pid != ps->o.pid) || ev->ts < ps->t0 || ev->ts > ps->t1)
		return 0;
	if (ps->o.on_event) {
		int rc = ps->o.on_event(ev, ps->o.cb_arg);

		if (rc)
			return rc;
	}
	switch (ev->type) {
	case PPV_EVENT_MEMSTAT:
		return ppv_mem_sample(ps->p, ev);
	case PPV_EVENT_PAUSE:
		return on_pause(ps, ev->pid, ev->ts);
	default: /* RESUME: the pause did the work */
		return 0;
	}
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

	if (ev->type >= PPV_EVENT_MEMSTAT && ev->type <= PPV_EVENT_RESUME)
		return on_process_event(ps, ev);
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
			unmatched_exit(ps, t);
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
			int rc = close_thread(ps, t, ev->ts, 0);

			if (rc)
				return rc;
		}
		return thread_named(t, ev->thread.name);
	case PPV_EVENT_THREAD_EXIT:
		return close_thread(ps, t, ev->ts, 0);
	case PPV_EVENT_ALLOC:
		return on_alloc(ps, t, ev);
	case PPV_EVENT_FREE:
		return ppv_mem_free(ps->p, ev);
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
	free(ps->procs);
	ppv_func_table_free(ps->ft);
}

/* Close what is still open, and move threads and functions into @p. */
static int pass_end(struct pass *ps)
{
	struct ppv_profile *p = ps->p;
	uint64_t end = ps->o.time_end && ps->t1 < p->sum.end_ns ? ps->t1 : p->sum.end_ns;

	for (size_t i = 0; i < ps->nthreads; i++) {
		int rc = close_thread(ps, ps->threads[i], end, 0);

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

static int run_pass(struct pass *ps)
{
	struct ppv_profile *p = ps->p;
	const struct ppv_event *ev;
	int rc;

	while ((rc = ppv_trace_next_borrow(p->trace, &ev)) > 0) {
		p->sum.events++;
		/* the run's extent is its threads' events, not the writer's
		 * bookkeeping (watermarks, calibration, module maps) */
		if ((ev->type >= PPV_EVENT_ENTER && ev->type <= PPV_EVENT_THREAD_EXIT) ||
		    ev->type == PPV_EVENT_ALLOC || ev->type == PPV_EVENT_FREE) {
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

/* A process whose file starts at a later rotated segment (the older ones
 * were dropped) begins mid-stack, as after a resume. */
static int segments_mid_stack(struct pass *ps)
{
	struct ppv_trace *t = ps->p->trace;

	for (size_t i = 0; i < ppv_trace_process_count(t); i++) {
		const char *seg = ppv_trace_info(t, i, "segment");

		if (seg && strcmp(seg, "0") != 0 &&
		    proc_mark_mid_stack(ps, ppv_trace_borrow_process(t, i)->pid))
			return -ENOMEM;
	}
	return 0;
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
	if (ppv_cct_init(p) || segments_mid_stack(ps))
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
		ppv_profile_summary_from_trace(p, t);
		rc = ppv_profile_finish(p);
	}
	if (rc) {
		ppv_profile_free(p);
		return rc;
	}
	*out = p;
	return 0;
}
