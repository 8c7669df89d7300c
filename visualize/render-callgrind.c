/* SPDX-License-Identifier: MIT */
/*
 * render-callgrind.c - the profile in callgrind format (INTEROP.md 3.4) for
 * KCachegrind, QCachegrind and callgrind_annotate: events "ns" (time),
 * "ioB" (I/O bytes) and "errors"; per function its self cost at its source
 * line, and per caller -> callee edge a cfn=/calls= pair with the
 * inclusive cost of those calls.
 *
 * Owns: the file's layout, name compression of ob=/fl=/fn= and the
 * inclusive I/O bytes and errors of each edge (summed over the calling
 * context tree, since struct ppv_call_edge carries only calls and time).
 * Does not own: statistics (the analyzer).
 *
 * A recursive edge counts every level, as ppv_profile_edges() does and as
 * Valgrind's own callgrind files do: callgrind_annotate --inclusive=yes
 * then overstates a recursive function's inclusive cost (KCachegrind
 * detects the cycle). The totals of non-recursive callers are exact.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-common.h"

#define CG_UNKNOWN "???"

struct cg_cost {
	uint64_t io, errors;
};

/* A name shared by several functions (file or object), compressed to (id). */
struct cg_name {
	const char *s;
	uint32_t func;
};

struct cg {
	const struct ppv_profile *p;
	FILE *out;
	size_t nfuncs;
	uint32_t *line;    /* by function: source line, 0 if unknown */
	char **file;       /* by function: source file, NULL if unknown */
	uint32_t *file_id; /* by function: its fl= id */
	uint32_t *obj_id;  /* by function: its ob= id */
	uint8_t *said_fn, *said_fl, *said_ob; /* by id: its name was written */
	const struct ppv_call_edge *edges;
	size_t nedges;
	size_t *first;        /* by caller id: index of its first edge (nfuncs + 1) */
	struct cg_cost *incl; /* by edge: inclusive I/O bytes and errors */
};

static int by_name(const void *a, const void *b)
{
	const struct cg_name *x = a, *y = b;

	return strcmp(x->s, y->s);
}

/* Give equal strings one id (from 1), by function, into @ids. */
static int ids_assign(struct cg *c, const char *(*get)(const struct cg *, uint32_t),
		      uint32_t *ids)
{
	struct cg_name *v = calloc(c->nfuncs ? c->nfuncs : 1, sizeof(*v));
	uint32_t id = 0;

	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->nfuncs; i++)
		v[i] = (struct cg_name){ get(c, i), i };
	qsort(v, c->nfuncs, sizeof(*v), by_name);
	for (size_t i = 0; i < c->nfuncs; i++) {
		if (!i || strcmp(v[i].s, v[i - 1].s) != 0)
			id++;
		ids[v[i].func] = id;
	}
	free(v);
	return 0;
}

static const char *file_of(const struct cg *c, uint32_t id)
{
	return c->file[id] ? c->file[id] : CG_UNKNOWN;
}

static const char *obj_of(const struct cg *c, uint32_t id)
{
	const char *m = ppv_profile_func(c->p, id)->module;

	return m ? m : CG_UNKNOWN;
}

/* Split "file:line" of every function. */
static int sources_split(struct cg *c)
{
	for (uint32_t i = 0; i < c->nfuncs; i++) {
		const char *src = ppv_profile_func(c->p, i)->source;
		const char *colon = src ? strrchr(src, ':') : NULL;
		char *end = NULL;
		unsigned long line = colon ? strtoul(colon + 1, &end, 10) : 0;

		if (!colon || colon == src || !end || *end || line > UINT32_MAX)
			continue;
		c->line[i] = (uint32_t)line;
		c->file[i] = strndup(src, (size_t)(colon - src));
		if (!c->file[i])
			return -ENOMEM;
	}
	return 0;
}

static ptrdiff_t edge_find(const struct cg *c, uint32_t caller, uint32_t callee)
{
	if (caller >= c->nfuncs)
		return -1;
	for (size_t i = c->first[caller]; i < c->first[caller + 1]; i++)
		if (c->edges[i].callee == callee)
			return (ptrdiff_t)i;
	return -1;
}

struct cg_visit {
	const struct ppv_cct_node *n, *next;
	struct cg_cost sum;
};

/*
 * Inclusive I/O bytes and errors of every edge: each CCT node's subtree
 * sum is added to the edge from its parent's function to its own. The
 * walk is iterative: call paths can be tens of thousands deep.
 */
static int edges_sum(struct cg *c)
{
	size_t depth = 0, cap = 256;
	struct cg_visit *st = malloc(cap * sizeof(*st));
	const struct ppv_cct_node *root = ppv_profile_cct_root(c->p);

	if (!st)
		return -ENOMEM;
	st[depth++] = (struct cg_visit){ root, root->first_child, { 0, 0 } };
	while (depth) {
		struct cg_visit *top = &st[depth - 1];
		const struct ppv_cct_node *k = top->next;

		if (k) {
			top->next = k->next_sibling;
			if (depth == cap) {
				struct cg_visit *v = realloc(st, 2 * cap * sizeof(*st));

				if (!v) {
					free(st);
					return -ENOMEM;
				}
				st = v;
				cap *= 2;
			}
			st[depth++] = (struct cg_visit){ k, k->first_child, { k->io_bytes, k->errors } };
			continue;
		}
		if (--depth) {
			struct cg_visit *up = &st[depth - 1];
			ptrdiff_t e = edge_find(c, up->n->func, top->n->func);

			up->sum.io += top->sum.io;
			up->sum.errors += top->sum.errors;
			if (e >= 0) {
				c->incl[e].io += top->sum.io;
				c->incl[e].errors += top->sum.errors;
			}
		}
	}
	free(st);
	return 0;
}

static int edges_index(struct cg *c)
{
	c->edges = ppv_profile_edges(c->p, &c->nedges);
	c->first = calloc(c->nfuncs + 1, sizeof(*c->first));
	c->incl = calloc(c->nedges ? c->nedges : 1, sizeof(*c->incl));
	if (!c->first || !c->incl)
		return -ENOMEM;
	/* edges are sorted by caller: first[i] is where caller i's start */
	for (size_t i = 0, e = 0; i <= c->nfuncs; i++) {
		while (e < c->nedges && c->edges[e].caller < i)
			e++;
		c->first[i] = e;
	}
	return edges_sum(c);
}

static int cg_init(struct cg *c, const struct ppv_profile *p, FILE *out)
{
	size_t n = ppv_profile_func_count(p), m = n ? n : 1;
	int rc;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->out = out;
	c->nfuncs = n;
	c->line = calloc(m, sizeof(*c->line));
	c->file = calloc(m, sizeof(*c->file));
	c->file_id = calloc(m, sizeof(*c->file_id));
	c->obj_id = calloc(m, sizeof(*c->obj_id));
	c->said_fn = calloc(m + 1, 1);
	c->said_fl = calloc(m + 1, 1);
	c->said_ob = calloc(m + 1, 1);
	if (!c->line || !c->file || !c->file_id || !c->obj_id || !c->said_fn || !c->said_fl ||
	    !c->said_ob)
		return -ENOMEM;
	rc = sources_split(c);
	if (!rc)
		rc = ids_assign(c, file_of, c->file_id);
	if (!rc)
		rc = ids_assign(c, obj_of, c->obj_id);
	return rc ? rc : edges_index(c);
}

static void cg_release(struct cg *c)
{
	for (size_t i = 0; c->file && i < c->nfuncs; i++)
		free(c->file[i]);
	free(c->line);
	free(c->file);
	free(c->file_id);
	free(c->obj_id);
	free(c->said_fn);
	free(c->said_fl);
	free(c->said_ob);
	free(c->first);
	free(c->incl);
}

static int shown(const struct ppv_func_stats *f)
{
	return f->calls || f->io_bytes || f->errors;
}

/* "KEY=(id) name" the first time id @id is written, "KEY=(id)" after. */
static void name_put(FILE *out, const char *key, uint32_t id, uint8_t *said, const char *name)
{
	if (said[id]) {
		fprintf(out, "%s=(%" PRIu32 ")\n", key, id);
		return;
	}
	said[id] = 1;
	fprintf(out, "%s=(%" PRIu32 ") %s\n", key, id, name);
}

static void ob_put(struct cg *c, const char *key, uint32_t func)
{
	name_put(c->out, key, c->obj_id[func], c->said_ob, obj_of(c, func));
}

static void fl_put(struct cg *c, const char *key, uint32_t func)
{
	name_put(c->out, key, c->file_id[func], c->said_fl, file_of(c, func));
}

static void fn_put(struct cg *c, const char *key, uint32_t func)
{
	name_put(c->out, key, func + 1, c->said_fn, ppv_render_func_name(c->p, func));
}

static void calls_write(struct cg *c, const struct ppv_call_edge *e, size_t i)
{
	uint32_t from = e->caller, to = e->callee;

	if (c->obj_id[to] != c->obj_id[from])
		ob_put(c, "cob", to);
	if (c->file_id[to] != c->file_id[from])
		fl_put(c, "cfl", to);
	fn_put(c, "cfn", to);
	fprintf(c->out, "calls=%" PRIu64 " %" PRIu32 "\n", e->calls, c->line[to]);
	fprintf(c->out, "%" PRIu32 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", c->line[from],
		e->total_ns, c->incl[i].io, c->incl[i].errors);
}

static void func_write(struct cg *c, uint32_t id)
{
	const struct ppv_func_stats *f = ppv_profile_func(c->p, id);

	fputc('\n', c->out);
	ob_put(c, "ob", id);
	fl_put(c, "fl", id);
	fn_put(c, "fn", id);
	fprintf(c->out, "%" PRIu32 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", c->line[id],
		f->self_ns, f->io_bytes, f->errors);
	for (size_t i = c->first[id]; i < c->first[id + 1]; i++)
		if (shown(ppv_profile_func(c->p, c->edges[i].callee)))
			calls_write(c, &c->edges[i], i);
}

static void header_write(struct cg *c)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(c->p);
	uint64_t ns = 0, io = 0, errors = 0;

	/* the summary is the sum of the self costs below, so totals add up */
	for (uint32_t i = 0; i < c->nfuncs; i++) {
		const struct ppv_func_stats *f = ppv_profile_func(c->p, i);

		if (shown(f)) {
			ns += f->self_ns;
			io += f->io_bytes;
			errors += f->errors;
		}
	}
	fprintf(c->out, "# callgrind format\nversion: 1\ncreator: ppv-analyze (perprovis %s)\n",
		PPV_VERSION_STRING);
	fprintf(c->out, "cmd: %s\n", s->cmdline ? s->cmdline : CG_UNKNOWN);
	fprintf(c->out, "positions: line\nevents: ns ioB errors\n");
	fprintf(c->out, "summary: %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", ns, io, errors);
}

int ppv_render_callgrind(const struct ppv_profile *p, const struct ppv_render_opts *o,
			 FILE *out)
{
	struct ppv_render_opts ro;
	struct cg c;
	int rc = ppv_render_opts_fill(o, PPV_RENDER_DEFAULT_LIMIT, &ro);

	if (rc < 0)
		return rc;
	rc = cg_init(&c, p, out);
	if (!rc) {
		header_write(&c);
		for (uint32_t i = 0; i < c.nfuncs; i++)
			if (shown(ppv_profile_func(p, i)))
				func_write(&c, i);
		rc = ppv_render_end(out);
	}
	cg_release(&c);
	return rc;
}
