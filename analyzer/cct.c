/* SPDX-License-Identifier: MIT */
/*
 * cct.c - the calling-context tree's storage: nodes allocated in chunks
 * (so pointers stay valid as it grows), children found through a hash of
 * (parent, function) with a one-entry memo per node.
 *
 * Owns: node allocation and lookup. Does not own: what the nodes count
 * (profile.c) or their order (profile-finish.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

static struct ppv_cct *node_new(struct ppv_profile *p, struct ppv_cct *parent, uint32_t func)
{
	struct ppv_cct *n;

	if (!p->nchunks || p->chunk_used == PPV_CCT_CHUNK) {
		struct ppv_cct **v = realloc(p->chunks, (p->nchunks + 1) * sizeof(*v));

		if (!v)
			return NULL;
		p->chunks = v;
		v[p->nchunks] = malloc(PPV_CCT_CHUNK * sizeof(struct ppv_cct));
		if (!v[p->nchunks])
			return NULL;
		p->nchunks++;
		p->chunk_used = 0;
	}
	n = &p->chunks[p->nchunks - 1][p->chunk_used++];
	memset(n, 0, sizeof(*n));
	n->pub.parent = parent ? &parent->pub : NULL;
	n->pub.func = func;
	n->pub.depth = parent ? parent->pub.depth + 1 : 0;
	if (parent) { /* newest first; profile-finish.c sorts siblings */
		n->pub.next_sibling = parent->pub.first_child;
		parent->pub.first_child = &n->pub;
	}
	p->nnodes++;
	return n;
}

static size_t cct_slot(const struct ppv_profile *p, const struct ppv_cct *parent, uint32_t func)
{
	uint64_t x = (uint64_t)(uintptr_t)parent * UINT64_C(0x9e3779b97f4a7c15) ^ func;

	x ^= x >> 31;
	return (size_t)(x * UINT64_C(0xbf58476d1ce4e5b9) >> 20) & p->cct_hash_mask;
}

static int cct_grow(struct ppv_profile *p)
{
	size_t mask = p->cct_hash_mask ? 2 * p->cct_hash_mask + 1 : 4095;
	struct ppv_cct **h = calloc(mask + 1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	free(p->cct_hash);
	p->cct_hash = h;
	p->cct_hash_mask = mask;
	/* rehash every node but the root (chunk 0, slot 0) */
	for (size_t c = 0; c < p->nchunks; c++) {
		size_t used = c + 1 == p->nchunks ? p->chunk_used : PPV_CCT_CHUNK;

		for (size_t i = c ? 0 : 1; i < used; i++) {
			struct ppv_cct *n = &p->chunks[c][i];
			size_t s = cct_slot(p, (const struct ppv_cct *)n->pub.parent, n->pub.func);

			n->hash_next = h[s];
			h[s] = n;
		}
	}
	return 0;
}

struct ppv_cct *ppv_cct_child(struct ppv_profile *p, struct ppv_cct *parent, uint32_t func)
{
	struct ppv_cct *n;
	size_t s;

	if (parent->memo && parent->memo->pub.func == func)
		return parent->memo;
	s = cct_slot(p, parent, func);
	for (n = p->cct_hash[s]; n; n = n->hash_next)
		if (n->pub.func == func && n->pub.parent == &parent->pub)
			break;
	if (!n) {
		if (p->nnodes > p->cct_hash_mask && cct_grow(p))
			return NULL;
		n = node_new(p, parent, func);
		if (!n)
			return NULL;
		s = cct_slot(p, parent, func);
		n->hash_next = p->cct_hash[s];
		p->cct_hash[s] = n;
	}
	parent->memo = n;
	return n;
}


int ppv_cct_init(struct ppv_profile *p)
{
	p->root = node_new(p, NULL, PPV_CCT_ROOT);
	return p->root && cct_grow(p) == 0 ? 0 : -ENOMEM;
}
