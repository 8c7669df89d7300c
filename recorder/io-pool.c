/* SPDX-License-Identifier: MIT */
/*
 * io-pool.c - the append-only, lock-free, bounded string pool that keeps
 * the names of automatic I/O events alive (see io-pool.h for why).
 *
 * Owns: the pool's layout, interning with deduplication, and the process's
 * one pool of I/O names. Does not own: what the names are (io-fdtab.c).
 *
 * Interning is safe from any thread and from signal handlers: space is
 * claimed by compare-and-swap on @used, the string is written, and only
 * then published by compare-and-swap into a free hash slot (release), so a
 * reader that finds a slot (acquire) finds the whole string. Two threads
 * interning the same new string at once may both copy it; the loser's copy
 * is never published and simply wastes its bytes, which the bound covers.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "io-pool.h"
#include "ring-fast.h"

/* Slots probed before giving up: the table is sized for a load of at most
 * one half with 1 MiB of short names, so chains stay far shorter. */
#define PPV_STRPOOL_PROBES 64

#define PPV_IO_NAMES_SLOTS (UINT32_C(1) << 16)
#define PPV_IO_NAMES_BYTES ((size_t)1 << 20)

PPV_NOINSTR void *ppv_io_map_anon(size_t len)
{
	int saved_errno = errno;
	long r = syscall(SYS_mmap, NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	errno = saved_errno;
	return r == -1 ? NULL : (void *)r;
}

PPV_NOINSTR void ppv_strpool_init(struct ppv_strpool *p, void *mem, uint32_t nslots, size_t cap)
{
	p->slots = mem;
	p->nslots = nslots;
	p->base = (char *)mem + (size_t)nslots * sizeof(uint64_t);
	p->cap = cap;
	atomic_init(&p->used, 0);
}

static PPV_NOINSTR uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h ^ (h >> 29);
}

/* Copy @s into fresh pool space; 0 when it does not fit. */
static PPV_NOINSTR ppv_strref pool_copy(struct ppv_strpool *p, const char *s, size_t len)
{
	size_t off = atomic_load_explicit(&p->used, memory_order_relaxed);

	do {
		if (off + len + 1 > p->cap)
			return 0;
	} while (!atomic_compare_exchange_weak_explicit(&p->used, &off, off + len + 1,
							memory_order_relaxed,
							memory_order_relaxed));
	memcpy(p->base + off, s, len);
	p->base[off + len] = '\0';
	return (ppv_strref)(off + 1);
}

static PPV_NOINSTR int pool_equal(const struct ppv_strpool *p, ppv_strref ref, const char *s,
				  size_t len)
{
	const char *have = p->base + ref - 1;

	return memcmp(have, s, len) == 0 && have[len] == '\0';
}

PPV_NOINSTR ppv_strref ppv_strpool_intern(struct ppv_strpool *p, const char *s, size_t len)
{
	uint64_t h = hash_bytes(s, len);
	uint64_t tag = h >> 32;
	ppv_strref mine = 0;

	if (len == 0 || len >= p->cap)
		return 0;
	for (uint32_t i = 0; i < PPV_STRPOOL_PROBES; i++) {
		_Atomic uint64_t *slot = &p->slots[(h + i) & (p->nslots - 1)];
		uint64_t v = atomic_load_explicit(slot, memory_order_acquire);

		while (v == 0) {
			if (!mine && !(mine = pool_copy(p, s, len)))
				return 0;
			if (atomic_compare_exchange_strong_explicit(slot, &v, (tag << 32) | mine,
								    memory_order_acq_rel,
								    memory_order_acquire))
				return mine;
		}
		if ((v >> 32) == tag && pool_equal(p, (ppv_strref)v, s, len))
			return (ppv_strref)v;
	}
	return 0;
}

enum { NAMES_UNMAPPED, NAMES_MAPPING, NAMES_READY, NAMES_FAILED };

static struct ppv_strpool io_names;
static _Atomic int io_names_state;

/* Mapped by whichever thread first needs it; a thread that finds another
 * one mapping goes unnamed this once instead of waiting (it may be a signal
 * handler that interrupted the mapper). */
PPV_NOINSTR struct ppv_strpool *ppv_io_names(void)
{
	int st = atomic_load_explicit(&io_names_state, memory_order_acquire);
	void *mem;

	if (ppv_likely(st == NAMES_READY))
		return &io_names;
	if (st != NAMES_UNMAPPED ||
	    !atomic_compare_exchange_strong(&io_names_state, &st, NAMES_MAPPING))
		return NULL;
	mem = ppv_io_map_anon(ppv_strpool_size(PPV_IO_NAMES_SLOTS, PPV_IO_NAMES_BYTES));
	if (!mem) {
		atomic_store_explicit(&io_names_state, NAMES_FAILED, memory_order_release);
		return NULL;
	}
	ppv_strpool_init(&io_names, mem, PPV_IO_NAMES_SLOTS, PPV_IO_NAMES_BYTES);
	atomic_store_explicit(&io_names_state, NAMES_READY, memory_order_release);
	return &io_names;
}
