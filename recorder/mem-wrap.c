/* SPDX-License-Identifier: MIT */
/*
 * mem-wrap.c - the allocator and anonymous-mapping wrappers: malloc, calloc,
 * realloc, reallocarray, free, the aligned allocators, malloc_usable_size,
 * mmap/mmap64/munmap/mremap.
 *
 * Owns: which calls become ALLOC and FREE records, and their sizes and
 * kinds. Does not own: finding the real functions or the bootstrap arena
 * (mem-real.c), ring space (ring.c).
 *
 * A wrapper is a direct call to the real function unless allocations are
 * recorded (ppv_cfg.memory) and recording is on (ppv__active). Otherwise it
 * takes the hook guard (ppv_hook_begin(), NULL for the recorder's own calls:
 * the writer thread, a thread attaching its ring, a signal handler that
 * interrupted a hook) and holds it across the real call, so that whatever
 * the allocator calls in turn is not recorded twice. Records are written
 * after an allocation returns and stamped before a release starts: with
 * no lock of the allocator held while the ring may be full, and with a
 * FREE always sorting before another thread's ALLOC of the same address.
 *
 * realloc records the old block as a FREE and the new one as an ALLOC (both
 * kind REALLOC); realloc(p, 0) that frees records the FREE only. munmap is
 * recorded for every range (kind MMAP, with its length): which ones were
 * anonymous is not known without a table, and the analyzer counts a FREE
 * of an address it never saw allocated as unmatched. mremap is a FREE of
 * the old range and an ALLOC of the new one, for every mapping.
 *
 * Never changes what the program sees: failed calls record nothing and
 * keep the errno they set; recording keeps errno.
 *
 * Not built with a sanitizer (PPV_MEM_WRAP, mem-real.h).
 */
/* Without this, <sys/mman.h> renames mmap to mmap64 (the build sets
 * _FILE_OFFSET_BITS=64) and the two wrappers would be one symbol. off_t is
 * 64 bits on the LP64 targets we support either way. */
#undef _FILE_OFFSET_BITS
_Static_assert(sizeof(long) == 8, "the mmap wrappers assume an LP64 target");

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <perprovis/ppv-trace.h>

#include "hook-guard.h"
#include "mem-real.h"

#if PPV_MEM_WRAP

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define MEM_WRAP PPV_API PPV_HOT
#define MEM_SLOW static PPV_NOINSTR __attribute__((noinline))

/* Whether allocations are recorded at all: two loads. */
static inline PPV_HOT int mem_on(void)
{
	return ppv_unlikely(ppv__active && ppv_cfg.memory > 0);
}

/* Record @p, allocated with @size bytes (nothing if the call failed), and
 * release the guard. errno stays what the real call left. */
static inline PPV_HOT void mem_alloc_done(struct ppv_tbuf *b, const void *p, size_t size,
					  unsigned int kind)
{
	int saved_errno = errno;

	if (p)
		ppv_alloc_put(b, PPV_REC_ALLOC, (uintptr_t)p, size, kind);
	ppv_hook_end(b);
	errno = saved_errno;
}

/* ---- malloc, calloc, the aligned allocators ---------------------------- */

MEM_SLOW void *malloc_rec(size_t size)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	void *p = ppv_mem_real.malloc(size);

	if (b)
		mem_alloc_done(b, p, size, PPV_ALLOC_MALLOC);
	return p;
}

MEM_WRAP void *malloc(size_t size)
{
	if (ppv_unlikely(!ppv_mem_ready()))
		return ppv_mem_boot_alloc(size, 0);
	if (ppv_likely(!mem_on()))
		return ppv_mem_real.malloc(size);
	return malloc_rec(size);
}

MEM_SLOW void *calloc_rec(size_t n, size_t m)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	void *p = ppv_mem_real.calloc(n, m);

	if (b)
		mem_alloc_done(b, p, n * m, PPV_ALLOC_CALLOC);
	return p;
}

MEM_WRAP void *calloc(size_t n, size_t m)
{
	if (ppv_unlikely(!ppv_mem_ready())) {
		size_t bytes;

		if (__builtin_mul_overflow(n, m, &bytes)) {
			errno = ENOMEM;
			return NULL;
		}
		return ppv_mem_boot_alloc(bytes, 0); /* the arena is zeroed, never reused */
	}
	if (ppv_likely(!mem_on()))
		return ppv_mem_real.calloc(n, m);
	return calloc_rec(n, m);
}

/* The aligned allocators share one shape: which one, and its arguments. */
enum mem_aligned { MEM_MEMALIGN, MEM_ALIGNED_ALLOC, MEM_VALLOC, MEM_PVALLOC };

static inline PPV_HOT void *aligned_real(enum mem_aligned which, size_t align, size_t size)
{
	switch (which) {
	case MEM_MEMALIGN:
		return ppv_mem_real.memalign(align, size);
	case MEM_ALIGNED_ALLOC:
		return ppv_mem_real.aligned_alloc(align, size);
	case MEM_VALLOC:
		return ppv_mem_real.valloc(size);
	default:
		return ppv_mem_real.pvalloc(size);
	}
}

MEM_SLOW void *aligned_rec(enum mem_aligned which, size_t align, size_t size)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	void *p = aligned_real(which, align, size);

	if (b)
		mem_alloc_done(b, p, size, PPV_ALLOC_MALLOC);
	return p;
}

/* Before the real functions are known: from the arena (page alignment for
 * valloc and pvalloc). */
MEM_SLOW void *aligned_boot(enum mem_aligned which, size_t align, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (which == MEM_VALLOC || which == MEM_PVALLOC)
		align = page;
	if (which == MEM_PVALLOC)
		size = (size + page - 1) & ~(page - 1);
	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return ppv_mem_boot_alloc(size, align);
}

static inline PPV_HOT void *aligned_any(enum mem_aligned which, size_t align, size_t size)
{
	if (ppv_unlikely(!ppv_mem_ready()))
		return aligned_boot(which, align, size);
	if (ppv_likely(!mem_on()))
		return aligned_real(which, align, size);
	return aligned_rec(which, align, size);
}

MEM_WRAP void *memalign(size_t align, size_t size)
{
	return aligned_any(MEM_MEMALIGN, align, size);
}

MEM_WRAP void *aligned_alloc(size_t align, size_t size)
{
	return aligned_any(MEM_ALIGNED_ALLOC, align, size);
}

MEM_WRAP void *valloc(size_t size)
{
	return aligned_any(MEM_VALLOC, 0, size);
}

MEM_WRAP void *pvalloc(size_t size)
{
	return aligned_any(MEM_PVALLOC, 0, size);
}

MEM_SLOW int posix_memalign_rec(void **out, size_t align, size_t size)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	int rc = ppv_mem_real.posix_memalign(out, align, size);

	if (b)
		mem_alloc_done(b, rc == 0 ? *out : NULL, size, PPV_ALLOC_MALLOC);
	return rc;
}

MEM_WRAP int posix_memalign(void **out, size_t align, size_t size)
{
	if (ppv_unlikely(!ppv_mem_ready())) {
		void *p;

		if (align < sizeof(void *) || (align & (align - 1)))
			return EINVAL;
		p = ppv_mem_boot_alloc(size, align);
		if (!p)
			return ENOMEM;
		*out = p;
		return 0;
	}
	if (ppv_likely(!mem_on()))
		return ppv_mem_real.posix_memalign(out, align, size);
	return posix_memalign_rec(out, align, size);
}

/* ---- free, realloc, reallocarray --------------------------------------- */

MEM_SLOW void free_rec(void *p)
{
	struct ppv_tbuf *b = ppv_hook_begin();

	if (b)
		ppv_alloc_put(b, PPV_REC_FREE, (uintptr_t)p, 0, PPV_ALLOC_MALLOC);
	ppv_mem_real.free(p);
	if (b)
		ppv_hook_end(b);
}

MEM_WRAP void free(void *p)
{
	/* Arena blocks are never reused; a foreign block seen before the real
	 * free is known (none is expected) is left alone rather than guessed. */
	if (ppv_unlikely(ppv_mem_boot_owns(p) || !ppv_mem_ready()))
		return;
	if (ppv_likely(!mem_on()) || !p) {
		ppv_mem_real.free(p);
		return;
	}
	free_rec(p);
}

/* realloc (@array 0, size @n) or reallocarray (@array 1, @n x @m). */
static inline PPV_HOT void *realloc_real(void *p, size_t n, size_t m, int array)
{
	return array ? ppv_mem_real.reallocarray(p, n, m) : ppv_mem_real.realloc(p, n);
}

MEM_SLOW void *realloc_rec(void *p, size_t n, size_t m, int array)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	uint64_t t0 = b ? ppv_clock_ticks() : 0;
	size_t size = array ? n * m : n;
	void *q = realloc_real(p, n, m, array);
	int saved_errno;

	if (!b)
		return q;
	saved_errno = errno;
	/* realloc(p, 0) returning NULL freed p (glibc); any other NULL is a
	 * failure that left p alone. */
	if (p && (q || size == 0))
		ppv_alloc_put_at(b, t0, PPV_REC_FREE, (uintptr_t)p, 0, PPV_ALLOC_REALLOC);
	if (q)
		ppv_alloc_put(b, PPV_REC_ALLOC, (uintptr_t)q, size, PPV_ALLOC_REALLOC);
	ppv_hook_end(b);
	errno = saved_errno;
	return q;
}

/* @p is an arena block (or the real functions are not known yet): copy it
 * into a new block; the arena block is never reused. */
MEM_SLOW void *realloc_boot(void *p, size_t size)
{
	size_t old = p && ppv_mem_boot_owns(p) ? ppv_mem_boot_size(p) : 0;
	void *q;

	if (p && !ppv_mem_boot_owns(p)) {
		errno = ENOMEM; /* a foreign block before resolution: keep it */
		return NULL;
	}
	if (p && size == 0)
		return NULL; /* freed, as glibc's realloc(p, 0) does */
	if (!ppv_mem_ready())
		q = ppv_mem_boot_alloc(size, 0);
	else if (mem_on())
		q = realloc_rec(NULL, size, 1, 0);
	else
		q = ppv_mem_real.realloc(NULL, size);
	if (q && old)
		memcpy(q, p, old < size ? old : size);
	return q;
}

static inline PPV_HOT void *realloc_any(void *p, size_t n, size_t m, int array)
{
	size_t size;

	if (ppv_unlikely(ppv_mem_boot_owns(p) || !ppv_mem_ready())) {
		if (__builtin_mul_overflow(n, array ? m : 1, &size)) {
			errno = ENOMEM;
			return NULL;
		}
		return realloc_boot(p, size);
	}
	if (ppv_likely(!mem_on()))
		return realloc_real(p, n, m, array);
	return realloc_rec(p, n, m, array);
}

MEM_WRAP void *realloc(void *p, size_t size)
{
	return realloc_any(p, size, 1, 0);
}

MEM_WRAP void *reallocarray(void *p, size_t n, size_t m)
{
	return realloc_any(p, n, m, 1);
}

MEM_WRAP size_t malloc_usable_size(void *p)
{
	if (ppv_unlikely(ppv_mem_boot_owns(p)))
		return ppv_mem_boot_size(p);
	if (ppv_unlikely(!ppv_mem_ready()))
		return 0;
	return ppv_mem_real.malloc_usable_size(p);
}

/* ---- anonymous mappings ------------------------------------------------ */

MEM_SLOW void *mmap_rec(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	void *p = ppv_mem_real.mmap(addr, len, prot, flags, fd, off);

	if (b)
		mem_alloc_done(b, p == MAP_FAILED ? NULL : p, len, PPV_ALLOC_MMAP);
	return p;
}

static inline PPV_HOT void *mmap_any(void *addr, size_t len, int prot, int flags, int fd,
				     off_t off)
{
	if (ppv_unlikely(!ppv_mem_ready()))
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	if (ppv_likely(!mem_on()) || !(flags & MAP_ANONYMOUS))
		return ppv_mem_real.mmap(addr, len, prot, flags, fd, off);
	return mmap_rec(addr, len, prot, flags, fd, off);
}

MEM_WRAP void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap_any(addr, len, prot, flags, fd, off);
}

/* One symbol with mmap in glibc on 64-bit targets; a wrapper of its own
 * for programs that name it. */
MEM_WRAP void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap_any(addr, len, prot, flags, fd, off);
}

MEM_SLOW int munmap_rec(void *addr, size_t len)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	uint64_t t0 = b ? ppv_clock_ticks() : 0;
	int rc = ppv_mem_real.munmap(addr, len);
	int saved_errno;

	if (!b)
		return rc;
	saved_errno = errno;
	if (rc == 0)
		ppv_alloc_put_at(b, t0, PPV_REC_FREE, (uintptr_t)addr, len, PPV_ALLOC_MMAP);
	ppv_hook_end(b);
	errno = saved_errno;
	return rc;
}

MEM_WRAP int munmap(void *addr, size_t len)
{
	if (ppv_unlikely(!ppv_mem_ready()))
		return (int)syscall(SYS_munmap, addr, len);
	if (ppv_likely(!mem_on()))
		return ppv_mem_real.munmap(addr, len);
	return munmap_rec(addr, len);
}

MEM_SLOW void *mremap_rec(void *old, size_t old_size, size_t new_size, int flags, void *to)
{
	struct ppv_tbuf *b = ppv_hook_begin();
	uint64_t t0 = b ? ppv_clock_ticks() : 0;
	void *p = ppv_mem_real.mremap(old, old_size, new_size, flags, to);
	int saved_errno;

	if (!b)
		return p;
	saved_errno = errno;
	if (p != MAP_FAILED) {
		/* An old size of 0 duplicates a shared mapping; DONTUNMAP
		 * keeps the old range mapped. */
		if (old_size && !(flags & MREMAP_DONTUNMAP))
			ppv_alloc_put_at(b, t0, PPV_REC_FREE, (uintptr_t)old, old_size,
					 PPV_ALLOC_MMAP);
		ppv_alloc_put(b, PPV_REC_ALLOC, (uintptr_t)p, new_size, PPV_ALLOC_MMAP);
	}
	ppv_hook_end(b);
	errno = saved_errno;
	return p;
}

MEM_WRAP void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *to = NULL;

	if (flags & MREMAP_FIXED) {
		va_list ap;

		va_start(ap, flags);
		to = va_arg(ap, void *);
		va_end(ap);
	}
	if (ppv_unlikely(!ppv_mem_ready()))
		return (void *)syscall(SYS_mremap, old, old_size, new_size, flags, to);
	if (ppv_likely(!mem_on()))
		return ppv_mem_real.mremap(old, old_size, new_size, flags, to);
	return mremap_rec(old, old_size, new_size, flags, to);
}

#endif /* PPV_MEM_WRAP */
