/* SPDX-License-Identifier: MIT */
/*
 * mem-real.h - the allocator and mapping functions the memory wrappers
 * (mem-wrap.c) forward to, and the bootstrap arena that serves allocations
 * while they are being looked up. Private.
 *
 * The real functions are found once with dlsym(RTLD_NEXT, ...), so a
 * program linked with jemalloc or tcmalloc is still served by its own
 * allocator. dlsym itself may allocate: the thread that resolves (and any
 * thread that allocates meanwhile) is served from a static arena, whose
 * blocks free() ignores and realloc() copies out of.
 */
#ifndef PPV_RECORDER_MEM_REAL_H
#define PPV_RECORDER_MEM_REAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ring-fast.h"

/*
 * Sanitizer runtimes own malloc and set themselves up through dlsym before
 * any of our code may run: with them, the wrappers are not built (a
 * sanitized recorder cannot be preloaded into ordinary programs anyway).
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PPV_MEM_WRAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                 \
	__has_feature(memory_sanitizer)
#define PPV_MEM_WRAP 0
#endif
#endif
#ifndef PPV_MEM_WRAP
#define PPV_MEM_WRAP 1
#endif

struct ppv_mem_real {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	size_t (*malloc_usable_size)(void *);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*mremap)(void *, size_t, size_t, int, ...);
};

/* Filled once; read only after ppv_mem_ready() returned 1. */
extern struct ppv_mem_real ppv_mem_real;

enum ppv_mem_state {
	PPV_MEM_UNRESOLVED = 0,
	PPV_MEM_RESOLVING = 1,
	PPV_MEM_READY = 2,
};

extern _Atomic int ppv_mem_state;

int ppv_mem_resolve(void);

/**
 * ppv_mem_ready() - whether ppv_mem_real may be used. Resolves it on the
 * first call. Return: 1 when ready, 0 while this or another thread is
 * inside dlsym (the caller then uses the bootstrap arena).
 */
static inline PPV_HOT int ppv_mem_ready(void)
{
	if (ppv_likely(atomic_load_explicit(&ppv_mem_state, memory_order_acquire) ==
		       PPV_MEM_READY))
		return 1;
	return ppv_mem_resolve();
}

/* The bootstrap arena: lock-free bump allocation of zeroed memory that is
 * never reused. @align is a power of two; 0 means the default (16). NULL
 * with errno ENOMEM when it is exhausted. */
void *ppv_mem_boot_alloc(size_t size, size_t align);
size_t ppv_mem_boot_size(const void *p);
/* Bytes of the arena handed out so far (tests). */
size_t ppv_mem_boot_used(void);

extern unsigned char ppv_mem_boot_arena[];
#define PPV_MEM_BOOT_SIZE (64u << 10)

/* Whether @p was served by the bootstrap arena. */
static inline PPV_HOT int ppv_mem_boot_owns(const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)ppv_mem_boot_arena;

	return ppv_unlikely(a - base < PPV_MEM_BOOT_SIZE);
}

#endif
