/* SPDX-License-Identifier: MIT */
/*
 * mem-real.c - finding the functions the memory wrappers forward to, and
 * the bootstrap arena that serves allocations while they are being found.
 *
 * Owns: ppv_mem_real (resolved once, lock-free), the arena. Does not own:
 * the wrappers or what they record (mem-wrap.c).
 *
 * Lock-free because the first allocation may come from anywhere: a signal
 * handler, the dynamic loader holding its own lock, a thread created by
 * another library's constructor. The first caller resolves (with dlsym,
 * which may allocate); every allocation made meanwhile, by that thread or
 * another, comes from the arena instead of waiting, so nothing can wait on
 * a thread that waits on us.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mem-real.h"

struct ppv_mem_real ppv_mem_real;
_Atomic int ppv_mem_state;

/* The arena. Every block is preceded by its size (8 bytes); blocks are
 * never reused, so calloc() needs no memset. */
_Alignas(4096) unsigned char ppv_mem_boot_arena[PPV_MEM_BOOT_SIZE];
static _Atomic size_t boot_used;

#define BOOT_ALIGN 16u

void *ppv_mem_boot_alloc(size_t size, size_t align)
{
	size_t off = atomic_load_explicit(&boot_used, memory_order_relaxed), start, end;

	if (align < BOOT_ALIGN)
		align = BOOT_ALIGN;
	do {
		start = (off + sizeof(uint64_t) + align - 1) & ~(align - 1);
		if (size > PPV_MEM_BOOT_SIZE || start > PPV_MEM_BOOT_SIZE - size) {
			errno = ENOMEM;
			return NULL;
		}
		end = (start + size + BOOT_ALIGN - 1) & ~(size_t)(BOOT_ALIGN - 1);
	} while (!atomic_compare_exchange_weak_explicit(&boot_used, &off, end,
							memory_order_relaxed,
							memory_order_relaxed));
	memcpy(ppv_mem_boot_arena + start - sizeof(uint64_t), &(uint64_t){ size },
	       sizeof(uint64_t));
	return ppv_mem_boot_arena + start;
}

size_t ppv_mem_boot_size(const void *p)
{
	uint64_t size;

	memcpy(&size, (const unsigned char *)p - sizeof(uint64_t), sizeof(size));
	return (size_t)size;
}

size_t ppv_mem_boot_used(void)
{
	return atomic_load(&boot_used);
}

/*
 * Fallbacks when dlsym(RTLD_NEXT) finds nothing (the recorder was loaded
 * after the allocator in the search order): glibc's own entry points, and
 * the system calls for mappings. They are never expected in practice, but
 * a wrapper must not call through NULL.
 */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static int fb_posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = ppv_mem_real.memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

static void *fb_aligned_alloc(size_t align, size_t size)
{
	return ppv_mem_real.memalign(align, size);
}

static void *fb_valloc(size_t size)
{
	return ppv_mem_real.memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

static void *fb_pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return ppv_mem_real.memalign(page, (size + page - 1) & ~(page - 1));
}

static void *fb_reallocarray(void *p, size_t n, size_t m)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, m, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return ppv_mem_real.realloc(p, bytes);
}

static size_t fb_malloc_usable_size(void *p)
{
	(void)p;
	return 0;
}

static void *fb_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static int fb_munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

static void *fb_mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *new_addr = NULL;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}
	return (void *)syscall(SYS_mremap, old, old_size, new_size, flags, new_addr);
}

/* dlsym() returns a data pointer; POSIX guarantees it converts. */
#define RESOLVE(t, field, fallback)                                                        \
	do {                                                                                \
		void *sym_ = dlsym(RTLD_NEXT, #field);                                      \
		__typeof__(t->field) fn_;                                                   \
		memcpy(&fn_, &sym_, sizeof(fn_));                                           \
		t->field = fn_ ? fn_ : (fallback);                                          \
	} while (0)

static void resolve_all(struct ppv_mem_real *t)
{
	RESOLVE(t, malloc, __libc_malloc);
	RESOLVE(t, calloc, __libc_calloc);
	RESOLVE(t, realloc, __libc_realloc);
	RESOLVE(t, free, __libc_free);
	RESOLVE(t, memalign, __libc_memalign);
	RESOLVE(t, posix_memalign, fb_posix_memalign);
	RESOLVE(t, aligned_alloc, fb_aligned_alloc);
	RESOLVE(t, valloc, fb_valloc);
	RESOLVE(t, pvalloc, fb_pvalloc);
	RESOLVE(t, reallocarray, fb_reallocarray);
	RESOLVE(t, malloc_usable_size, fb_malloc_usable_size);
	RESOLVE(t, mmap, fb_mmap);
	RESOLVE(t, munmap, fb_munmap);
	RESOLVE(t, mremap, fb_mremap);
}

/**
 * ppv_mem_resolve() - the slow half of ppv_mem_ready(): the first caller
 * resolves every function, the others are told to use the arena until it
 * is done. errno is left as it was.
 */
PPV_COLD int ppv_mem_resolve(void)
{
	int expected = PPV_MEM_UNRESOLVED;
	int saved_errno;

	if (!atomic_compare_exchange_strong(&ppv_mem_state, &expected, PPV_MEM_RESOLVING))
		return expected == PPV_MEM_READY;
	saved_errno = errno;
	resolve_all(&ppv_mem_real);
	atomic_store_explicit(&ppv_mem_state, PPV_MEM_READY, memory_order_release);
	errno = saved_errno;
	return 1;
}

/* Resolve before the program's own constructors run and before any thread
 * exists; the lazy path covers allocations made earlier (the loader, other
 * libraries' constructors). */
__attribute__((constructor(101))) static void mem_real_init(void)
{
	ppv_mem_ready();
}
