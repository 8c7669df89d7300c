/* SPDX-License-Identifier: MIT */
/*
 * memory.c - allocations during the analyzer's pass: the map of live
 * blocks, what each function allocated, freed, retained and held at its
 * peak, per-process and overall totals, resident-set samples, and the
 * blocks never freed grouped by call path (leaks).
 *
 * Owns: matching a free to its allocation by (pid, address), sizes of
 * frees (taken from the allocation: free() does not say), unmatched frees,
 * addresses reused without a recorded free, and the leak table. Does not
 * own: who the current function and call path are, or inclusive figures
 * (profile.c keeps them on its frames), nor formatting (visualize/).
 *
 * The map is open addressing with linear probing and backward-shift
 * deletion (no tombstones), so its size follows the live blocks, never the
 * number of allocations in the trace. It is freed once leaks are grouped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

#define MAP_MIN_SLOTS 1024

static size_t slot_of(const struct ppv_profile *p, uint32_t pid, uint64_t addr)
{
	uint64_t x = addr ^ ((uint64_t)pid << 40);

	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return (size_t)x & p->blocks_mask;
}

static int map_grow(struct ppv_profile *p)
{
	size_t n = p->blocks ? 2 * (p->blocks_mask + 1) : MAP_MIN_SLOTS;
	struct ppv_mem_block *old = p->blocks, *v = calloc(n, sizeof(*v));
	size_t oldn = old ? p->blocks_mask + 1 : 0;

	if (!v)
		return -ENOMEM;
	p->blocks = v;
	p->blocks_mask = n - 1;
	for (size_t i = 0; i < oldn; i++) {
		size_t s;

		if (!old[i].used)
			continue;
		for (s = slot_of(p, old[i].pid, old[i].addr); v[s].used; s = (s + 1) & p->blocks_mask)
			;
		v[s] = old[i];
	}
	free(old);
	return 0;
}

/* The slot holding (@pid, @addr), or the empty slot where it would go. */
static size_t map_find(const struct ppv_profile *p, uint32_t pid, uint64_t addr)
{
	size_t s = slot_of(p, pid, addr);

	while (p->blocks[s].used && (p->blocks[s].addr != addr || p->blocks[s].pid != pid))
		s = (s + 1) & p->blocks_mask;
	return s;
}

/* Empty slot @s, shifting back the entries of its probe run that may now
 * sit closer to their home slot. */
static void map_remove(struct ppv_profile *p, size_t s)
{
	size_t mask = p->blocks_mask, j = s;

	p->blocks[s].used = 0;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!p->blocks[j].used)
			break;
		home = slot_of(p, p->blocks[j].pid, p->blocks[j].addr);
		/* leave it if its home lies cyclically in (s, j] */
		if (s <= j ? (s < home && home <= j) : (s < home || home <= j))
			continue;
		p->blocks[s] = p->blocks[j];
		p->blocks[j].used = 0;
		s = j;
	}
	p->nblocks--;
}

/* The figures of process @pid, created on first sight. */
static struct ppv_memory_stats *proc_of(struct ppv_profile *p, uint32_t pid)
{
	struct ppv_memory_stats *v;

	if (p->nmem_procs && p->mem_procs[p->mem_last].pid == pid)
		return &p->mem_procs[p->mem_last];
	for (size_t i = 0; i < p->nmem_procs; i++) {
		if (p->mem_procs[i].pid == pid) {
			p->mem_last = i;
			return &p->mem_procs[i];
		}
	}
	v = realloc(p->mem_procs, (p->nmem_procs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	p->mem_procs = v;
	memset(&v[p->nmem_procs], 0, sizeof(*v));
	v[p->nmem_procs].pid = pid;
	p->mem_last = p->nmem_procs++;
	return &v[p->mem_last];
}

static void live_add(struct ppv_memory_stats *m, uint64_t size)
{
	m->live_count++;
	m->live_bytes += size;
	if (m->live_bytes > m->peak_bytes)
		m->peak_bytes = m->live_bytes;
}

/* @size bytes of block @b released; @whole: the block is gone (a munmap of
 * its head only shrinks it). */
static void release(struct ppv_profile *p, struct ppv_memory_stats *m,
		    const struct ppv_mem_block *b, uint64_t size, int whole)
{
	struct ppv_memory_stats *all[2] = { m, &p->mem_total };

	if (b->hidden)
		return;
	for (int i = 0; i < 2; i++) {
		all[i]->free_count += whole;
		all[i]->freed_bytes += size;
		all[i]->live_count -= whole;
		all[i]->live_bytes -= size;
	}
	if (b->f) {
		b->f->pub.free_count += whole;
		b->f->pub.freed_bytes += size;
		b->f->pub.retained_count -= whole;
		b->f->pub.retained_bytes -= size;
	}
}

int ppv_mem_alloc(struct ppv_profile *p, const struct ppv_event *ev, struct ppv_func *f,
		  struct ppv_cct *node, int hidden)
{
	struct ppv_memory_stats *m = proc_of(p, ev->pid);
	uint64_t size = ev->alloc.size;
	size_t s;

	if (!m || ((p->nblocks + 1) * 2 > (p->blocks ? p->blocks_mask + 1 : 0) && map_grow(p)))
		return -ENOMEM;
	m->events++;
	p->mem_total.events++;
	s = map_find(p, ev->pid, ev->alloc.addr);
	if (p->blocks[s].used) {
		/* the address came back: its free was not recorded (a pause) */
		m->unseen_frees += !p->blocks[s].hidden;
		p->mem_total.unseen_frees += !p->blocks[s].hidden;
		release(p, m, &p->blocks[s], p->blocks[s].size, 1);
		p->nblocks--;
	}
	p->blocks[s] = (struct ppv_mem_block){ .addr = ev->alloc.addr, .size = size, .f = f,
					       .node = node, .pid = ev->pid, .used = 1,
					       .hidden = (uint8_t)(hidden != 0) };
	p->nblocks++;
	if (hidden)
		return 0;
	for (int i = 0; i < 2; i++) {
		struct ppv_memory_stats *t = i ? &p->mem_total : m;

		t->alloc_count++;
		t->alloc_bytes += size;
		t->outside_count += !f;
		t->outside_bytes += f ? 0 : size;
		live_add(t, size);
	}
	node->pub.alloc_count++;
	node->pub.alloc_bytes += size;
	if (f) {
		f->pub.alloc_count++;
		f->pub.alloc_bytes += size;
		f->pub.retained_count++;
		f->pub.retained_bytes += size;
		if (f->pub.retained_bytes > f->pub.peak_bytes)
			f->pub.peak_bytes = f->pub.retained_bytes;
	}
	return 0;
}

int ppv_mem_free(struct ppv_profile *p, const struct ppv_event *ev)
{
	struct ppv_memory_stats *m = proc_of(p, ev->pid);
	struct ppv_mem_block b;
	size_t s;

	if (!m)
		return -ENOMEM;
	m->events++;
	p->mem_total.events++;
	s = p->blocks ? map_find(p, ev->pid, ev->alloc.addr) : 0;
	if (!p->blocks || !p->blocks[s].used) {
		m->unmatched_frees++;
		p->mem_total.unmatched_frees++;
		return 0;
	}
	b = p->blocks[s];
	map_remove(p, s);
	/* munmap of a mapping's head: the rest stays mapped, and live */
	if (ev->alloc.size && ev->alloc.size < b.size) {
		size_t t = map_find(p, b.pid, b.addr + ev->alloc.size);

		release(p, m, &b, ev->alloc.size, 0);
		if (!p->blocks[t].used) { /* else that address is a block already */
			b.addr += ev->alloc.size;
			b.size -= ev->alloc.size;
			p->blocks[t] = b;
			p->nblocks++;
		}
		return 0;
	}
	release(p, m, &b, b.size, 1);
	return 0;
}

int ppv_mem_sample(struct ppv_profile *p, const struct ppv_event *ev)
{
	struct ppv_memory_stats *m = proc_of(p, ev->pid);
	uint64_t peak = ev->memstat.peak_rss > ev->memstat.rss ? ev->memstat.peak_rss
							       : ev->memstat.rss;

	if (!m)
		return -ENOMEM;
	m->rss_samples++;
	m->rss_bytes = ev->memstat.rss;
	if (peak > m->peak_rss)
		m->peak_rss = peak;
	return 0;
}

/* ---- leaks by call path, once the pass is over ------------------------ */

static int cmp_by_node(const void *a, const void *b)
{
	const struct ppv_leak *x = a, *y = b;

	if (x->node != y->node)
		return (uintptr_t)x->node < (uintptr_t)y->node ? -1 : 1;
	return 0;
}

/* Largest first; equal rows by path, compared by function ids from the
 * leaf up, so the order does not depend on where nodes were allocated. */
static int cmp_leak(const void *a, const void *b)
{
	const struct ppv_leak *x = a, *y = b;
	const struct ppv_cct_node *m = x->node, *n = y->node;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (m->depth != n->depth)
		return m->depth < n->depth ? -1 : 1;
	for (; m && n; m = m->parent, n = n->parent)
		if (m->func != n->func)
			return m->func < n->func ? -1 : 1;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct ppv_memory_stats *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int ppv_mem_finish(struct ppv_profile *p)
{
	size_t n = 0, m = 0;

	if (p->nmem_procs > 1)
		qsort(p->mem_procs, p->nmem_procs, sizeof(*p->mem_procs), cmp_pid);

	for (size_t i = 0; i < p->nmem_procs; i++) {
		const struct ppv_memory_stats *r = &p->mem_procs[i];

		p->mem_total.rss_samples += r->rss_samples;
		p->mem_total.rss_bytes += r->rss_bytes;
		if (r->peak_rss > p->mem_total.peak_rss)
			p->mem_total.peak_rss = r->peak_rss;
	}
	p->leaks = calloc(p->nblocks ? p->nblocks : 1, sizeof(*p->leaks));
	if (!p->leaks)
		return -ENOMEM;
	for (size_t i = 0; p->blocks && i <= p->blocks_mask; i++) {
		const struct ppv_mem_block *b = &p->blocks[i];

		if (b->used && !b->hidden)
			p->leaks[n++] = (struct ppv_leak){ .node = &b->node->pub, .func = b->node->pub.func,
							   .count = 1, .bytes = b->size };
	}
	qsort(p->leaks, n, sizeof(*p->leaks), cmp_by_node);
	for (size_t i = 0; i < n; i++) {
		if (m && p->leaks[m - 1].node == p->leaks[i].node) {
			p->leaks[m - 1].count++;
			p->leaks[m - 1].bytes += p->leaks[i].bytes;
		} else {
			p->leaks[m++] = p->leaks[i];
		}
	}
	qsort(p->leaks, m, sizeof(*p->leaks), cmp_leak);
	p->nleaks = m;
	free(p->blocks);
	p->blocks = NULL;
	p->nblocks = 0;
	return 0;
}

void ppv_mem_release(struct ppv_profile *p)
{
	free(p->blocks);
	free(p->mem_procs);
	free(p->leaks);
}

/* ---- the read-only API ------------------------------------------------ */

PPV_API const struct ppv_memory_stats *ppv_profile_memory_total(const struct ppv_profile *p)
{
	return &p->mem_total;
}

PPV_API const struct ppv_memory_stats *ppv_profile_memory_by_process(const struct ppv_profile *p,
								     size_t *n)
{
	*n = p->nmem_procs;
	return p->mem_procs;
}

PPV_API const struct ppv_leak *ppv_profile_leaks(const struct ppv_profile *p, size_t *n)
{
	*n = p->nleaks;
	return p->leaks;
}
