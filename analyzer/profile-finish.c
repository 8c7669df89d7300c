/* SPDX-License-Identifier: MIT */
/*
 * profile-finish.c - what a profile derives once the streaming pass is
 * over, and its read-only API.
 *
 * Owns: ordering the calling-context tree, the caller → callee edges
 * (summed over call paths), getters, and freeing. Does not own: the pass
 * itself (profile.c), the I/O rows (profile-io.c) or the memory figures
 * (memory.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

/* What the trace's process headers say about the run as a whole. */
void ppv_profile_summary_from_trace(struct ppv_profile *p, struct ppv_trace *t)
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
	if (sort_children(p) || build_edges(p) || ppv_profile_io_rows(p) || ppv_mem_finish(p))
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
	ppv_profile_io_free(p);
	ppv_mem_release(p);
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
