/* SPDX-License-Identifier: MIT */
/*
 * render-folded.c - folded stacks ("root;child;leaf WEIGHT", the format of
 * flamegraph.pl, inferno and speedscope; docs: INTEROP.md 3.1) of one
 * profile or of two (the differential "stack BEFORE AFTER" form). Owns the
 * stack tree of render-flame.h: calling-context trees merged by frame
 * names, which the SVG renderer draws from too, and the weights a flame
 * graph measures (ppv_flame_by). Does not own: the figures, which are the
 * profile's, or any drawing (render-svg.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-flame.h"

int ppv_flame_by_parse(const char *s, enum ppv_flame_by *out)
{
	static const char *const names[] = { "time", "calls", "memory", "io" };

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum ppv_flame_by)i;
			return 0;
		}
	}
	return -EINVAL;
}

int ppv_flame_by_check(enum ppv_flame_by by)
{
	return (unsigned int)by > PPV_FLAME_IO ? -EINVAL : 0;
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint32_t slot_of(const struct ppv_stack_tree *t, uint32_t parent, uint64_t hash)
{
	uint64_t h = hash ^ ((uint64_t)parent * 0x9e3779b97f4a7c15ull);

	return (uint32_t)((h ^ (h >> 29)) & (t->nslots - 1));
}

static int rehash(struct ppv_stack_tree *t)
{
	uint32_t n = t->nslots ? 2 * t->nslots : 1024;
	uint32_t *slots = malloc(n * sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, n * sizeof(*slots));
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	for (uint32_t i = 1; i < t->n; i++) {
		uint32_t s = slot_of(t, t->v[i].parent, t->v[i].hash);

		while (slots[s] != PPV_STACK_NONE)
			s = (s + 1) & (n - 1);
		slots[s] = i;
	}
	return 0;
}

static uint32_t node_new(struct ppv_stack_tree *t, uint32_t parent, const char *name,
			 uint64_t hash)
{
	struct ppv_stack_node *n;

	if (t->n == t->cap) {
		uint32_t cap = t->cap ? 2 * t->cap : 256;

		n = realloc(t->v, cap * sizeof(*n));
		if (!n)
			return PPV_STACK_NONE;
		t->v = n;
		t->cap = cap;
	}
	n = &t->v[t->n];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->hash = hash;
	n->parent = parent;
	n->first_child = n->last_child = n->next_sibling = PPV_STACK_NONE;
	if (parent != PPV_STACK_NONE) {
		struct ppv_stack_node *p = &t->v[parent];

		n->depth = p->depth + 1;
		if (p->last_child == PPV_STACK_NONE)
			p->first_child = t->n;
		else
			t->v[p->last_child].next_sibling = t->n;
		p->last_child = t->n;
		if (n->depth > t->max_depth)
			t->max_depth = n->depth;
	}
	return t->n++;
}

int ppv_stack_tree_init(struct ppv_stack_tree *t, enum ppv_flame_by by)
{
	int rc = ppv_flame_by_check(by);

	memset(t, 0, sizeof(*t));
	if (rc < 0)
		return rc;
	t->by = by;
	if (node_new(t, PPV_STACK_NONE, "all", 0) == PPV_STACK_NONE || rehash(t) < 0) {
		ppv_stack_tree_fini(t);
		return -ENOMEM;
	}
	return 0;
}

void ppv_stack_tree_fini(struct ppv_stack_tree *t)
{
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* The child of @parent named @name, created if needed. */
static uint32_t child_of(struct ppv_stack_tree *t, uint32_t parent, const char *name)
{
	uint64_t h = name_hash(name);
	uint32_t s, i, mask;

	if (2 * (t->n + 1) > t->nslots && rehash(t) < 0)
		return PPV_STACK_NONE;
	mask = t->nslots - 1;
	for (s = slot_of(t, parent, h); t->slots[s] != PPV_STACK_NONE; s = (s + 1) & mask) {
		const struct ppv_stack_node *n = &t->v[t->slots[s]];

		if (n->parent == parent && n->hash == h && strcmp(n->name, name) == 0)
			return t->slots[s];
	}
	i = node_new(t, parent, name, h);
	if (i != PPV_STACK_NONE)
		t->slots[s] = i;
	return i;
}

static uint64_t weight_of(const struct ppv_cct_node *c, enum ppv_flame_by by)
{
	switch (by) {
	case PPV_FLAME_CALLS:
		return c->calls;
	case PPV_FLAME_IO:
		return c->io_bytes;
	case PPV_FLAME_MEMORY:
		return c->alloc_bytes;
	default:
		return c->self_ns;
	}
}

static int add_node(struct ppv_stack_tree *t, const struct ppv_profile *p, int side,
		    const struct ppv_cct_node *c, uint32_t parent, uint32_t *out)
{
	const struct ppv_func_stats *f = ppv_profile_func(p, c->func);
	struct ppv_stack_node *n;
	uint32_t i = child_of(t, parent, ppv_render_func_name(p, c->func));

	if (i == PPV_STACK_NONE)
		return -ENOMEM;
	n = &t->v[i];
	if (f && !n->module && !n->scope) {
		n->module = f->module;
		n->scope = f->kind == PPV_FRAME_SCOPE;
	}
	n->weight[side] += weight_of(c, t->by);
	n->calls[side] += c->calls;
	n->total_ns[side] += c->total_ns;
	*out = i;
	return 0;
}

/* Pre-order walk without recursion: a 10000-deep recursion is a 10000-deep tree. */
int ppv_stack_tree_add(struct ppv_stack_tree *t, const struct ppv_profile *p, int side)
{
	const struct ppv_cct_node *root = ppv_profile_cct_root(p), *c = root->first_child;
	uint32_t *path = NULL;
	size_t d = 1, cap = 0;
	int rc = 0;

	t->v[0].calls[side] = ppv_profile_summary(p)->total_calls;
	t->v[0].total_ns[side] = ppv_profile_summary(p)->total_ns;
	while (c && rc == 0) {
		if (d >= cap) {
			uint32_t *v = realloc(path, (cap = 2 * d + 64) * sizeof(*v));

			if (!v) {
				rc = -ENOMEM;
				break;
			}
			path = v;
			path[0] = 0;
		}
		rc = add_node(t, p, side, c, path[d - 1], &path[d]);
		if (c->first_child) {
			c = c->first_child;
			d++;
			continue;
		}
		while (c != root && !c->next_sibling) {
			c = c->parent;
			d--;
		}
		c = c == root ? NULL : c->next_sibling;
	}
	free(path);
	return rc;
}

void ppv_stack_tree_layout(struct ppv_stack_tree *t, int side)
{
	for (uint32_t i = 0; i < t->n; i++)
		for (int s = 0; s < 2; s++)
			t->v[i].sum[s] = t->v[i].weight[s];
	for (uint32_t i = t->n; i-- > 1;)
		for (int s = 0; s < 2; s++)
			t->v[t->v[i].parent].sum[s] += t->v[i].sum[s];
	/* Parents come before their children, so their x is known in time. */
	t->v[0].x = 0;
	for (uint32_t i = 0; i < t->n; i++) {
		uint64_t x = t->v[i].x;
		uint32_t c = t->v[i].first_child;

		for (; c != PPV_STACK_NONE; c = t->v[c].next_sibling) {
			t->v[c].x = x;
			x += t->v[c].sum[side];
		}
	}
}

void ppv_folded_name(const char *name, FILE *out)
{
	for (const char *s = name; *s; s++) {
		if (*s == ';')
			fputc(':', out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static void print_stack(const struct ppv_stack_tree *t, const uint32_t *path, uint32_t depth,
			FILE *out)
{
	for (uint32_t d = 1; d <= depth; d++) {
		if (d > 1)
			fputc(';', out);
		ppv_folded_name(t->v[path[d]].name, out);
	}
}

/* Every node with a weight, root first, one line each; @sides 1 or 2 columns. */
static int print_folded(const struct ppv_stack_tree *t, int sides, FILE *out)
{
	uint32_t *path = calloc(t->max_depth + 1, sizeof(*path));
	uint32_t i = t->v[0].first_child;

	if (!path)
		return -ENOMEM;
	while (i != PPV_STACK_NONE) {
		const struct ppv_stack_node *n = &t->v[i];

		path[n->depth] = i;
		if (n->weight[0] || (sides == 2 && n->weight[1])) {
			print_stack(t, path, n->depth, out);
			if (sides == 2)
				fprintf(out, " %" PRIu64, n->weight[0]);
			fprintf(out, " %" PRIu64 "\n", n->weight[sides - 1]);
		}
		if (n->first_child != PPV_STACK_NONE) {
			i = n->first_child;
			continue;
		}
		while (i && t->v[i].next_sibling == PPV_STACK_NONE)
			i = t->v[i].parent;
		i = i ? t->v[i].next_sibling : PPV_STACK_NONE;
	}
	free(path);
	return 0;
}

/* One column of weights for @cur alone; with @base, two (before, after),
 * the stacks of @cur first so the order follows the profile the diff is
 * about. */
static int render(const struct ppv_profile *base, const struct ppv_profile *cur,
		  const struct ppv_render_opts *opts, FILE *out)
{
	struct ppv_stack_tree t;
	struct ppv_render_opts o;
	int rc;

	rc = ppv_render_opts_fill(opts, PPV_RENDER_DEFAULT_LIMIT, &o);
	if (rc == 0)
		rc = ppv_stack_tree_init(&t, o.flame_by);
	if (rc < 0)
		return rc;
	rc = ppv_stack_tree_add(&t, cur, base ? 1 : 0);
	if (rc == 0 && base)
		rc = ppv_stack_tree_add(&t, base, 0);
	if (rc == 0)
		rc = print_folded(&t, base ? 2 : 1, out);
	ppv_stack_tree_fini(&t);
	return rc < 0 ? rc : ppv_render_end(out);
}

int ppv_render_folded(const struct ppv_profile *p, const struct ppv_render_opts *opts, FILE *out)
{
	return render(NULL, p, opts, out);
}

int ppv_render_folded_diff(const struct ppv_profile *base, const struct ppv_profile *cur,
			   const struct ppv_render_opts *opts, FILE *out)
{
	return render(base, cur, opts, out);
}
