/* SPDX-License-Identifier: MIT */
/*
 * profile-finish.c - what a profile derives once the streaming pass is
 * over, and its read-only API.
 *
 * Owns: ordering the calling-context tree, the caller → callee edges
 * (summed over call paths), I/O rows by kind, by name and by function,
 * sorting functions for reports, getters, and freeing. Does not own: the
 * pass itself (profile.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

/* ---- I/O by name, filled during the pass ------------------------------ */

int ppv_profile_io_name_add(struct ppv_profile *p, const struct ppv_event *ev, uint64_t ns)
{
	unsigned int k = ev->io.kind < PPV_IO_KIND_COUNT ? ev->io.kind : PPV_IO_OTHER;
	struct ppv_io_row *r = NULL;

	/* The reader interns strings, so one name is one pointer per process;
	 * compare contents to merge processes. Names are few (one per query
	 * kind, file or peer): a scan from the most recent is enough. */
	for (size_t i = p->nio_names; i-- > 0;) {
		struct ppv_io_row *c = &p->io_names[i];

		if (c->pub.kind == k && strcmp(c->pub.name, ev->io.name) == 0) {
			r = c;
			break;
		}
	}
	if (!r) {
		if (p->nio_names == p->cap_io_names) {
			size_t cap = p->cap_io_names ? 2 * p->cap_io_names : 16;
			struct ppv_io_row *v = realloc(p->io_names, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			p->io_names = v;
			p->cap_io_names = cap;
		}
		r = &p->io_names[p->nio_names];
		memset(r, 0, sizeof(*r));
		r->name_own = strdup(ev->io.name);
		if (!r->name_own)
			return -ENOMEM;
		p->nio_names++;
		r->pub.kind = k;
		r->pub.func = PPV_CCT_ROOT;
		r->pub.name = r->name_own;
		r->pub.min_ns = ns;
	}
	r->pub.ops++;
	r->pub.bytes += ev->io.bytes;
	r->pub.total_ns += ns;
	r->pub.errors += ev->io.err != 0;
	r->pub.min_ns = ns < r->pub.min_ns ? ns : r->pub.min_ns;
	r->pub.max_ns = ns > r->pub.max_ns ? ns : r->pub.max_ns;
	return 0;
}

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

static int io_rows(struct ppv_profile *p)
{
	size_t n = 0;

	p->io_kind_rows = calloc(PPV_IO_KIND_COUNT, sizeof(*p->io_kind_rows));
	p->io_name_rows = calloc(p->nio_names ? p->nio_names : 1, sizeof(*p->io_name_rows));
	for (size_t i = 0; i < p->nfuncs; i++)
		for (unsigned int k = 0; p->funcs[i]->io_kind && k < PPV_IO_KIND_COUNT; k++)
			n += p->funcs[i]->io_kind[k * 4] != 0;
	p->io_func_rows = calloc(n ? n : 1, sizeof(*p->io_func_rows));
	if (!p->io_kind_rows || !p->io_name_rows || !p->io_func_rows)
		return -ENOMEM;
	p->io_total.func = PPV_CCT_ROOT;
	for (unsigned int k = 0; k < PPV_IO_KIND_COUNT; k++) {
		const struct ppv_io_stats *r = &p->io_kind[k];

		if (!r->ops)
			continue;
		p->io_kind_rows[p->nio_kind] = *r;
		p->io_kind_rows[p->nio_kind].kind = k;
		p->io_kind_rows[p->nio_kind++].func = PPV_CCT_ROOT;
		if (!p->io_total.ops || r->min_ns < p->io_total.min_ns)
			p->io_total.min_ns = r->min_ns;
		if (r->max_ns > p->io_total.max_ns)
			p->io_total.max_ns = r->max_ns;
		p->io_total.ops += r->ops;
		p->io_total.bytes += r->bytes;
		p->io_total.total_ns += r->total_ns;
		p->io_total.errors += r->errors;
	}
	for (size_t i = 0; i < p->nio_names; i++)
		p->io_name_rows[i] = p->io_names[i].pub;
	qsort(p->io_name_rows, p->nio_names, sizeof(*p->io_name_rows), cmp_io_total);
	for (size_t i = 0; i < p->nfuncs; i++) {
		const struct ppv_func *f = p->funcs[i];

		for (unsigned int k = 0; f->io_kind && k < PPV_IO_KIND_COUNT; k++) {
			const uint64_t *row = &f->io_kind[k * 4];

			if (!row[0])
				continue;
			p->io_func_rows[p->nio_func++] = (struct ppv_io_stats){
				.kind = k, .func = f->pub.id, .ops = row[0], .bytes = row[1],
				.total_ns = row[2], .errors = row[3], .min_ns = f->io_min[k],
				.max_ns = f->io_max[k] };
		}
	}
	qsort(p->io_func_rows, p->nio_func, sizeof(*p->io_func_rows), cmp_io_total);
	io_derive(p->io_kind_rows, p->nio_kind);
	io_derive(&p->io_total, 1);
	io_derive(p->io_name_rows, p->nio_names);
	io_derive(p->io_func_rows, p->nio_func);
	return 0;
}

/* ---- calling-context tree and edges ----------------------------------- */

static int cmp_node_total(const void *a, const void *b)
{
	const struct ppv_cct_node *x = *(const struct ppv_cct_node *const *)a;
	const struct ppv_cct_node *y = *(const struct ppv_cct_node *const *)b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	return x->func < y->func ? -1 : x->func > y->func;
}

/* Order every node's children by total time. The nodes are ours (the
 * public view is const only for readers), hence the casts. */
static int sort_children(struct ppv_profile *p)
{
	const struct ppv_cct_node **v = NULL;
	size_t cap = 0;

	for (size_t c = 0; c < p->nchunks; c++) {
		size_t used = c + 1 == p->nchunks ? p->chunk_used : PPV_CCT_CHUNK;

		for (size_t i = 0; i < used; i++) {
			struct ppv_cct_node *n = &p->chunks[c][i].pub;
			size_t k = 0;

			for (const struct ppv_cct_node *ch = n->first_child; ch; ch = ch->next_sibling) {
				if (k == cap) {
					const struct ppv_cct_node **nv;

					cap = cap ? 2 * cap : 64;
					nv = realloc(v, cap * sizeof(*v));
					if (!nv) {
						free(v);
						return -ENOMEM;
					}
					v = nv;
				}
				v[k++] = ch;
			}
			if (k < 2)
				continue;
			qsort(v, k, sizeof(*v), cmp_node_total);
			n->first_child = v[0];
			for (size_t j = 0; j < k; j++)
				((struct ppv_cct_node *)v[j])->next_sibling = j + 1 < k ? v[j + 1] : NULL;
		}
	}
	free(v);
	return 0;
}

static int cmp_edge_key(const void *a, const void *b)
{
	const struct ppv_call_edge *x = a, *y = b;

	if (x->caller != y->caller)
		return x->caller < y->caller ? -1 : 1;
	return x->callee < y->callee ? -1 : x->callee > y->callee;
}

static int cmp_edge_out(const void *a, const void *b)
{
	const struct ppv_call_edge *x = a, *y = b;

	if (x->caller != y->caller)
		return x->caller < y->caller ? -1 : 1;
	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	return x->callee < y->callee ? -1 : x->callee > y->callee;
}

static int build_edges(struct ppv_profile *p)
{
	size_t n = 0, m = 0;

	p->edges = calloc(p->nnodes ? p->nnodes : 1, sizeof(*p->edges));
	if (!p->edges)
		return -ENOMEM;
	for (size_t c = 0; c < p->nchunks; c++) {
		size_t used = c + 1 == p->nchunks ? p->chunk_used : PPV_CCT_CHUNK;

		for (size_t i = c ? 0 : 1; i < used; i++) {
			const struct ppv_cct_node *nd = &p->chunks[c][i].pub;

			if (!nd->calls)
				continue;
			p->edges[n++] = (struct ppv_call_edge){ .caller = nd->parent->func,
								.callee = nd->func,
								.calls = nd->calls,
								.total_ns = nd->total_ns };
		}
	}
	qsort(p->edges, n, sizeof(*p->edges), cmp_edge_key);
	for (size_t i = 0; i < n; i++) {
		if (m && !cmp_edge_key(&p->edges[m - 1], &p->edges[i])) {
			p->edges[m - 1].calls += p->edges[i].calls;
			p->edges[m - 1].total_ns += p->edges[i].total_ns;
		} else {
			p->edges[m++] = p->edges[i];
		}
	}
	qsort(p->edges, m, sizeof(*p->edges), cmp_edge_out);
	p->nedges = m;
	return 0;
}

int ppv_profile_finish(struct ppv_profile *p)
{
	for (size_t i = 0; i < p->nfuncs; i++) {
		struct ppv_func *f = p->funcs[i];

		f->pub.min_ns = f->hist.min;
		f->pub.max_ns = f->hist.max;
		f->pub.avg_ns = f->pub.calls ? f->pub.sum_ns / f->pub.calls : 0;
	}
	p->root->pub.total_ns = p->sum.total_ns;
	p->root->pub.calls = 1;
	if (sort_children(p) || build_edges(p) || io_rows(p))
		return -ENOMEM;
	return 0;
}

/* ---- the read-only API ------------------------------------------------ */

PPV_API void ppv_profile_free(struct ppv_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfuncs; i++)
		ppv_func_free(p->funcs[i]);
	free(p->funcs);
	for (size_t c = 0; c < p->nchunks; c++)
		free(p->chunks[c]);
	free(p->chunks);
	free(p->cct_hash);
	free(p->edges);
	for (size_t i = 0; i < p->nthreads; i++)
		free((char *)p->threads[i].name); /* handed over by the pass */
	free(p->threads);
	free(p->io_kind_rows);
	for (size_t i = 0; i < p->nio_names; i++)
		free(p->io_names[i].name_own);
	free(p->io_names);
	free(p->io_name_rows);
	free(p->io_func_rows);
	free(p);
}

PPV_API const struct ppv_profile_summary *ppv_profile_summary(const struct ppv_profile *p)
{
	return &p->sum;
}

PPV_API size_t ppv_profile_func_count(const struct ppv_profile *p)
{
	return p->nfuncs;
}

PPV_API const struct ppv_func_stats *ppv_profile_func(const struct ppv_profile *p, uint32_t id)
{
	return id < p->nfuncs ? &p->funcs[id]->pub : NULL;
}

PPV_API const struct ppv_cct_node *ppv_profile_cct_root(const struct ppv_profile *p)
{
	return &p->root->pub;
}

PPV_API size_t ppv_profile_thread_count(const struct ppv_profile *p)
{
	return p->nthreads;
}

PPV_API const struct ppv_thread_stats *ppv_profile_thread(const struct ppv_profile *p, size_t i)
{
	return i < p->nthreads ? &p->threads[i] : NULL;
}

PPV_API size_t ppv_profile_process_count(const struct ppv_profile *p)
{
	return ppv_trace_process_count(p->trace);
}

PPV_API const struct ppv_process_info *ppv_profile_process(const struct ppv_profile *p, size_t i)
{
	return i < ppv_trace_process_count(p->trace) ? ppv_trace_borrow_process(p->trace, i)
						       : NULL;
}

PPV_API const struct ppv_call_edge *ppv_profile_edges(const struct ppv_profile *p, size_t *n)
{
	*n = p->nedges;
	return p->edges;
}

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
