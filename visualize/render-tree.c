/* SPDX-License-Identifier: MIT */
/*
 * render-tree.c - the two structural text reports: the calling-context
 * tree (every call path, indented with tree glyphs, as uftrace graph and
 * perf report draw it) and the call graph (each function's callers and
 * callees, as gprof's). Owns: walking the tree without recursion (a
 * 10000-deep recursion must not exhaust the stack), hiding nodes below
 * min_percent or max_depth, ordering callers. Does not own: the figures,
 * which are the profile's.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "render-common.h"

#define W_DUR 10
#define W_CALLS 10
#define W_PCT 6

struct glyphs {
	const char *branch; /* a child with siblings after it */
	const char *last;   /* the last child */
	const char *pipe;   /* an ancestor with siblings after it */
	const char *blank;  /* an ancestor without */
	const char *more;   /* hidden siblings */
};

static const struct glyphs unicode_glyphs = { "├─ ", "└─ ", "│  ", "   ", "…" };
static const struct glyphs ascii_glyphs = { "|- ", "`- ", "|  ", "   ", "..." };

/* Per display level (1 = the threads' outermost frames). */
struct level {
	int more;        /* the ancestor shown at this level has visible siblings after it */
	uint64_t hidden; /* siblings at this level below min_percent, and their sums: */
	uint64_t hidden_calls, hidden_total, hidden_self;
};

struct tree_walk {
	const struct ppv_profile *p;
	const struct ppv_render_opts *o;
	const struct glyphs *g;
	FILE *out;
	struct level *lv;
	size_t cap;
};

static int visible(const struct tree_walk *w, const struct ppv_cct_node *n)
{
	return ppv_render_percent(w->p, n->total_ns) >= w->o->min_percent;
}

/* @n itself if visible, else its next visible sibling, else NULL. */
static const struct ppv_cct_node *first_visible(const struct tree_walk *w,
						 const struct ppv_cct_node *n)
{
	while (n && !visible(w, n))
		n = n->next_sibling;
	return n;
}

/* Make room for level @l and sum the hidden nodes among siblings @first... */
static int enter_level(struct tree_walk *w, size_t l, const struct ppv_cct_node *first)
{
	struct level *lv;

	if (l >= w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;

		while (cap <= l)
			cap *= 2;
		lv = realloc(w->lv, cap * sizeof(*lv));
		if (!lv)
			return -ENOMEM;
		w->lv = lv;
		w->cap = cap;
	}
	lv = &w->lv[l];
	memset(lv, 0, sizeof(*lv));
	for (const struct ppv_cct_node *n = first; n; n = n->next_sibling) {
		if (visible(w, n))
			continue;
		lv->hidden++;
		lv->hidden_calls += n->calls;
		lv->hidden_total += n->total_ns;
		lv->hidden_self += n->self_ns;
	}
	return 0;
}

static int is_last(const struct tree_walk *w, const struct ppv_cct_node *n, size_t l)
{
	return !first_visible(w, n->next_sibling) && !w->lv[l].hidden;
}

static void print_cols(const struct tree_walk *w, uint64_t calls, uint64_t total, uint64_t self)
{
	char t[PPV_DURATION_LEN], s[PPV_DURATION_LEN];

	fprintf(w->out, "%*s %*.1f%% %*" PRIu64 " %*s  ", W_DUR,
		ppv_format_duration(total, t, sizeof(t)), W_PCT - 1,
		ppv_render_percent(w->p, total), W_CALLS, calls, W_DUR,
		ppv_format_duration(self, s, sizeof(s)));
}

static void print_prefix(const struct tree_walk *w, size_t l, int last)
{
	for (size_t d = 1; d < l; d++)
		fputs(w->lv[d].more ? w->g->pipe : w->g->blank, w->out);
	if (l)
		fputs(last ? w->g->last : w->g->branch, w->out);
}

static void print_node(const struct tree_walk *w, const struct ppv_cct_node *n, size_t l)
{
	print_cols(w, n->calls, n->total_ns, n->self_ns);
	print_prefix(w, l, is_last(w, n, l));
	fprintf(w->out, "%s\n", ppv_render_func_name(w->p, n->func));
}

/* The one line standing for the hidden nodes of level @l, if any. */
static void print_hidden(const struct tree_walk *w, size_t l)
{
	const struct level *lv = &w->lv[l];

	if (!lv->hidden)
		return;
	print_cols(w, lv->hidden_calls, lv->hidden_total, lv->hidden_self);
	print_prefix(w, l, 1);
	fprintf(w->out, "%s %" PRIu64 " more below %.1f%%\n", w->g->more, lv->hidden,
		w->o->min_percent);
}

static int may_descend(const struct tree_walk *w, size_t l)
{
	return !w->o->max_depth || l < w->o->max_depth;
}

/*
 * Pre-order walk. The level of a node is its display depth: the children
 * of the root are at level 0 and drawn without glyphs.
 */
static int walk(struct tree_walk *w, const struct ppv_cct_node *root)
{
	const struct ppv_cct_node *n = first_visible(w, root->first_child);
	size_t l = 0;

	if (enter_level(w, 0, root->first_child))
		return -ENOMEM;
	while (n) {
		print_node(w, n, l);
		if (may_descend(w, l + 1)) {
			if (enter_level(w, l + 1, n->first_child))
				return -ENOMEM;
			w->lv[l].more = !is_last(w, n, l);
			if (first_visible(w, n->first_child)) {
				n = first_visible(w, n->first_child);
				l++;
				continue;
			}
			print_hidden(w, l + 1);
		}
		while (n && !first_visible(w, n->next_sibling)) {
			print_hidden(w, l);
			n = l ? n->parent : NULL;
			l -= l ? 1 : 0;
		}
		if (n)
			n = first_visible(w, n->next_sibling);
	}
	if (!root->first_child)
		fprintf(w->out, "(no calls recorded)\n");
	else if (!first_visible(w, root->first_child))
		print_hidden(w, 0);
	return 0;
}

int ppv_render_tree(const struct ppv_profile *p, const struct ppv_render_opts *opts, FILE *out)
{
	struct ppv_render_opts o;
	struct tree_walk w = { .p = p, .o = &o, .out = out };
	int rc;

	rc = ppv_render_opts_fill(opts, PPV_RENDER_DEFAULT_LIMIT, &o);
	if (rc < 0)
		return rc;
	w.g = o.ascii ? &ascii_glyphs : &unicode_glyphs;
	fprintf(out, "Calling-context tree\n\n%*s %*s %*s %*s  %s\n", W_DUR, "total", W_PCT,
		"%run", W_CALLS, "calls", W_DUR, "self", "function");
	rc = walk(&w, ppv_profile_cct_root(p));
	free(w.lv);
	if (rc < 0)
		return rc;
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}

/* Edges ordered by callee, then time (largest first), then caller. */
static int by_callee(const void *a, const void *b)
{
	const struct ppv_call_edge *x = *(const struct ppv_call_edge *const *)a;
	const struct ppv_call_edge *y = *(const struct ppv_call_edge *const *)b;

	if (x->callee != y->callee)
		return x->callee < y->callee ? -1 : 1;
	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	return x->caller < y->caller ? -1 : x->caller > y->caller;
}

struct graph {
	const struct ppv_profile *p;
	FILE *out;
	const struct ppv_call_edge *edges;      /* by caller (the profile's order) */
	const struct ppv_call_edge **by_callee; /* the same, by callee */
	size_t n;
};

static void print_edge(const struct graph *g, const struct ppv_call_edge *e, uint32_t other)
{
	char t[PPV_DURATION_LEN];

	fprintf(g->out, "    %*" PRIu64 " %*s  %s\n", W_CALLS, e->calls, W_DUR,
		ppv_format_duration(e->total_ns, t, sizeof(t)), ppv_render_func_name(g->p, other));
}

static void print_callers(const struct graph *g, uint32_t id)
{
	size_t lo = 0, hi = g->n, shown = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->by_callee[mid]->callee < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	fprintf(g->out, "  callers:\n");
	for (; lo < g->n && g->by_callee[lo]->callee == id; lo++, shown++)
		print_edge(g, g->by_callee[lo], g->by_callee[lo]->caller);
	if (!shown)
		fprintf(g->out, "    (none)\n");
}

static void print_callees(const struct graph *g, uint32_t id)
{
	size_t lo = 0, hi = g->n, shown = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->edges[mid].caller < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	fprintf(g->out, "  callees:\n");
	for (; lo < g->n && g->edges[lo].caller == id; lo++, shown++)
		print_edge(g, &g->edges[lo], g->edges[lo].callee);
	if (!shown)
		fprintf(g->out, "    (none)\n");
}

static void print_func(const struct graph *g, const struct ppv_func_stats *f)
{
	char t[PPV_DURATION_LEN], s[PPV_DURATION_LEN];

	fprintf(g->out, "\n%s  calls %" PRIu64 ", total %s (%.1f%%), self %s\n", f->name,
		f->calls, ppv_format_duration(f->total_ns, t, sizeof(t)),
		ppv_render_percent(g->p, f->total_ns), ppv_format_duration(f->self_ns, s, sizeof(s)));
	print_callers(g, f->id);
	print_callees(g, f->id);
}

static int print_graph(const struct graph *g, const struct ppv_render_opts *o)
{
	const struct ppv_func_stats **v;
	size_t n, shown = 0;
	int rc;

	rc = ppv_render_sorted(g->p, PPV_SORT_TOTAL, &v, &n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n && shown < o->limit; i++) {
		if (o->focus && strcmp(v[i]->name, o->focus) != 0)
			continue;
		if (!shown++)
			fprintf(g->out, "Call graph\n\n%-4s %*s %*s  %s\n", "", W_CALLS, "calls",
				W_DUR, "total", "caller/callee");
		print_func(g, v[i]);
	}
	free(v);
	if (!shown && o->focus)
		return -ENOENT;
	if (!shown)
		fprintf(g->out, "Call graph\n\n(no calls recorded)\n");
	return 0;
}

int ppv_render_callgraph(const struct ppv_profile *p, const struct ppv_render_opts *opts,
			 FILE *out)
{
	struct graph g = { .p = p, .out = out };
	struct ppv_render_opts o;
	int rc;

	rc = ppv_render_opts_fill(opts, UINT_MAX, &o);
	if (rc < 0)
		return rc;
	g.edges = ppv_profile_edges(p, &g.n);
	g.by_callee = calloc(g.n ? g.n : 1, sizeof(*g.by_callee));
	if (!g.by_callee)
		return -ENOMEM;
	for (size_t i = 0; i < g.n; i++)
		g.by_callee[i] = &g.edges[i];
	qsort(g.by_callee, g.n, sizeof(*g.by_callee), by_callee);
	rc = print_graph(&g, &o);
	free(g.by_callee);
	if (rc < 0)
		return rc;
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}
