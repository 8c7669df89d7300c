/* SPDX-License-Identifier: MIT */
/*
 * profile-io.c - I/O statistics: each I/O event counted by kind, by
 * descriptor class, by operation, by (kind, name) and by (function, kind)
 * during the pass, the report rows derived from them afterwards, and their
 * getters.
 *
 * Owns: what counts as an error (a failure that would have blocked or was
 * interrupted does not: non-blocking code meets EAGAIN by design), the
 * rows' ordering and their averages and throughput. Does not own: which
 * function is current (profile.c) or formatting (visualize/render-io.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

PPV_API int ppv_io_would_block(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINPROGRESS || err == EINTR;
}

static unsigned int kind_of(const struct ppv_event *ev)
{
	return ev->io.kind < PPV_IO_KIND_COUNT ? ev->io.kind : PPV_IO_OTHER;
}

/* One operation of @ns added to row @s. */
static void stats_add(struct ppv_io_stats *s, const struct ppv_event *ev, uint64_t ns, int failed,
		      int blocked)
{
	if (!s->ops || ns < s->min_ns)
		s->min_ns = ns;
	if (ns > s->max_ns)
		s->max_ns = ns;
	s->ops++;
	s->bytes += ev->io.bytes;
	s->total_ns += ns;
	s->errors += failed;
	s->would_block += blocked;
}

/* The reader interns strings, so one name is one pointer per process;
 * compare contents to merge processes. Names are few (one per query kind,
 * file or peer): a scan from the most recent is enough. */
static struct ppv_io_stats *name_row(struct ppv_profile *p, unsigned int k, const char *name)
{
	struct ppv_io_row *r;

	for (size_t i = p->nio_names; i-- > 0;) {
		r = &p->io_names[i];
		if (r->pub.kind == k && strcmp(r->pub.name, name) == 0)
			return &r->pub;
	}
	if (p->nio_names == p->cap_io_names) {
		size_t cap = p->cap_io_names ? 2 * p->cap_io_names : 16;
		struct ppv_io_row *v = realloc(p->io_names, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->io_names = v;
		p->cap_io_names = cap;
	}
	r = &p->io_names[p->nio_names];
	memset(r, 0, sizeof(*r));
	r->name_own = strdup(name);
	if (!r->name_own)
		return NULL;
	p->nio_names++;
	r->pub.kind = k;
	r->pub.func = PPV_CCT_ROOT;
	r->pub.name = r->name_own;
	return &r->pub;
}

static int func_add(struct ppv_func *f, unsigned int k, const struct ppv_event *ev, uint64_t ns,
		    int failed, int blocked)
{
	uint64_t *row;

	if (!f->io_kind) {
		f->io_kind = calloc(PPV_IO_KIND_COUNT * PPV_FUNC_IO_N, sizeof(uint64_t));
		if (!f->io_kind)
			return -ENOMEM;
	}
	row = &f->io_kind[k * PPV_FUNC_IO_N];
	if (!row[0] || ns < f->io_min[k])
		f->io_min[k] = ns;
	if (ns > f->io_max[k])
		f->io_max[k] = ns;
	row[0]++;
	row[1] += ev->io.bytes;
	row[2] += ns;
	row[3] += failed;
	row[4] += blocked;
	f->pub.io_ops++;
	f->pub.io_bytes += ev->io.bytes;
	f->pub.io_ns += ns;
	f->pub.io_errors += failed;
	f->pub.io_would_block += blocked;
	f->pub.errors += failed;
	return 0;
}

int ppv_profile_io_add(struct ppv_profile *p, const struct ppv_event *ev, struct ppv_func *f,
		       struct ppv_cct *node)
{
	unsigned int k = kind_of(ev);
	unsigned int c = ev->io.fdclass < PPV_FD_CLASS_COUNT ? ev->io.fdclass : PPV_FD_OTHER;
	unsigned int op = ev->io.op < PPV_IO_OP_COUNT ? ev->io.op : PPV_IO_OP_NONE;
	uint64_t ns = ev->ts > ev->io.start ? ev->ts - ev->io.start : 0;
	int blocked = ev->io.err != 0 && ppv_io_would_block(ev->io.err);
	int failed = ev->io.err != 0 && !blocked;

	stats_add(&p->io_kind[k], ev, ns, failed, blocked);
	stats_add(&p->io_class[c], ev, ns, failed, blocked);
	stats_add(&p->io_op[op], ev, ns, failed, blocked);
	p->sum.io_ops++;
	p->sum.io_bytes += ev->io.bytes;
	p->sum.errors += failed;
	p->sum.io_would_block += blocked;
	if (f) {
		node->pub.errors += failed;
		node->pub.io_bytes += ev->io.bytes;
		if (func_add(f, k, ev, ns, failed, blocked))
			return -ENOMEM;
	}
	if (ev->io.name) {
		struct ppv_io_stats *r = name_row(p, k, ev->io.name);

		if (!r)
			return -ENOMEM;
		stats_add(r, ev, ns, failed, blocked);
	}
	return 0;
}

/* ---- rows, once the pass is over -------------------------------------- */

static int cmp_io_total(const void *a, const void *b)
{
	const struct ppv_io_stats *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* The figures every I/O row derives from its totals. */
static void io_derive(struct ppv_io_stats *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		v[i].avg_ns = v[i].ops ? v[i].total_ns / v[i].ops : 0;
		/* bytes per ns * 1e9 / 1e6 */
		v[i].mb_per_s = v[i].total_ns ? (double)v[i].bytes * 1e3 / (double)v[i].total_ns : 0;
	}
}

static void total_add(struct ppv_io_stats *t, const struct ppv_io_stats *r)
{
	if (!t->ops || r->min_ns < t->min_ns)
		t->min_ns = r->min_ns;
	if (r->max_ns > t->max_ns)
		t->max_ns = r->max_ns;
	t->ops += r->ops;
	t->bytes += r->bytes;
	t->total_ns += r->total_ns;
	t->errors += r->errors;
	t->would_block += r->would_block;
}

/* The rows of @src[@n] that saw an operation, into a new array; @set
 * names each row's key field (0 kind, 1 class, 2 operation). */
static struct ppv_io_stats *enum_rows(const struct ppv_io_stats *src, unsigned int n, int set,
				      size_t *out_n)
{
	struct ppv_io_stats *v = calloc(n, sizeof(*v));
	size_t m = 0;

	for (unsigned int i = 0; v && i < n; i++) {
		if (!src[i].ops)
			continue;
		v[m] = src[i];
		v[m].func = PPV_CCT_ROOT;
		v[m].kind = set == 0 ? (enum ppv_io_kind)i : PPV_IO_OTHER;
		v[m].fdclass = set == 1 ? (enum ppv_fd_class)i : PPV_FD_UNKNOWN;
		v[m].op = set == 2 ? (enum ppv_io_op)i : PPV_IO_OP_NONE;
		m++;
	}
	io_derive(v, v ? m : 0);
	*out_n = m;
	return v;
}

static int func_rows(struct ppv_profile *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nfuncs; i++)
		for (unsigned int k = 0; p->funcs[i]->io_kind && k < PPV_IO_KIND_COUNT; k++)
			n += p->funcs[i]->io_kind[k * PPV_FUNC_IO_N] != 0;
	p->io_func_rows = calloc(n ? n : 1, sizeof(*p->io_func_rows));
	if (!p->io_func_rows)
		return -ENOMEM;
	for (size_t i = 0; i < p->nfuncs; i++) {
		const struct ppv_func *f = p->funcs[i];

		for (unsigned int k = 0; f->io_kind && k < PPV_IO_KIND_COUNT; k++) {
			const uint64_t *row = &f->io_kind[k * PPV_FUNC_IO_N];

			if (!row[0])
				continue;
			p->io_func_rows[p->nio_func++] = (struct ppv_io_stats){
				.kind = (enum ppv_io_kind)k, .func = f->pub.id, .ops = row[0],
				.bytes = row[1], .total_ns = row[2], .errors = row[3],
				.would_block = row[4], .min_ns = f->io_min[k], .max_ns = f->io_max[k] };
		}
	}
	qsort(p->io_func_rows, p->nio_func, sizeof(*p->io_func_rows), cmp_io_total);
	io_derive(p->io_func_rows, p->nio_func);
	return 0;
}

int ppv_profile_io_rows(struct ppv_profile *p)
{
	p->io_kind_rows = enum_rows(p->io_kind, PPV_IO_KIND_COUNT, 0, &p->nio_kind);
	p->io_class_rows = enum_rows(p->io_class, PPV_FD_CLASS_COUNT, 1, &p->nio_class);
	p->io_op_rows = enum_rows(p->io_op, PPV_IO_OP_COUNT, 2, &p->nio_op);
	p->io_name_rows = calloc(p->nio_names ? p->nio_names : 1, sizeof(*p->io_name_rows));
	if (!p->io_kind_rows || !p->io_class_rows || !p->io_op_rows || !p->io_name_rows)
		return -ENOMEM;
	p->io_total.func = PPV_CCT_ROOT;
	for (size_t i = 0; i < p->nio_kind; i++)
		total_add(&p->io_total, &p->io_kind_rows[i]);
	io_derive(&p->io_total, 1);
	for (size_t i = 0; i < p->nio_names; i++)
		p->io_name_rows[i] = p->io_names[i].pub;
	qsort(p->io_name_rows, p->nio_names, sizeof(*p->io_name_rows), cmp_io_total);
	io_derive(p->io_name_rows, p->nio_names);
	return func_rows(p);
}

void ppv_profile_io_free(struct ppv_profile *p)
{
	free(p->io_kind_rows);
	free(p->io_class_rows);
	free(p->io_op_rows);
	for (size_t i = 0; i < p->nio_names; i++)
		free(p->io_names[i].name_own);
	free(p->io_names);
	free(p->io_name_rows);
	free(p->io_func_rows);
}

/* ---- the read-only API ------------------------------------------------ */

PPV_API const struct ppv_io_stats *ppv_profile_io_by_kind(const struct ppv_profile *p, size_t *n)
{
	*n = p->nio_kind;
	return p->io_kind_rows;
}

PPV_API const struct ppv_io_stats *ppv_profile_io_total(const struct ppv_profile *p)
{
	return &p->io_total;
}

PPV_API const struct ppv_io_stats *ppv_profile_io_by_name(const struct ppv_profile *p, size_t *n)
{
	*n = p->nio_names;
	return p->io_name_rows;
}

PPV_API const struct ppv_io_stats *ppv_profile_io_by_func(const struct ppv_profile *p, size_t *n)
{
	*n = p->nio_func;
	return p->io_func_rows;
}

PPV_API const struct ppv_io_stats *ppv_profile_io_by_class(const struct ppv_profile *p, size_t *n)
{
	*n = p->nio_class;
	return p->io_class_rows;
}

PPV_API const struct ppv_io_stats *ppv_profile_io_by_op(const struct ppv_profile *p, size_t *n)
{
	*n = p->nio_op;
	return p->io_op_rows;
}
