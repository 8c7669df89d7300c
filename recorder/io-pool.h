/* SPDX-License-Identifier: MIT */
/*
 * io-pool.h - the recorder's string pool for I/O names (file paths, peer
 * addresses). Private.
 *
 * An I/O record carries a bare pointer to its name, read by the writer
 * thread some time later, so a name must outlive every record that points
 * to it: the pool is append-only and never freed, and a string's address
 * stays valid for the life of the process (fork children inherit a copy at
 * the same address). It is bounded (memory is mapped once; when it is full,
 * interning fails and the record goes unnamed) and lock-free (identical
 * strings share one copy through a hash table claimed by compare-and-swap),
 * so any thread may intern, including from a signal handler.
 */
#ifndef PPV_RECORDER_IO_POOL_H
#define PPV_RECORDER_IO_POOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A string reference: 0 is "no string", else the byte offset plus one. */
typedef uint32_t ppv_strref;

struct ppv_strpool {
	char *base;                /* @cap bytes of NUL-terminated strings */
	size_t cap;
	_Atomic size_t used;
	_Atomic uint64_t *slots;   /* (hash tag << 32) | ref; 0 = free */
	uint32_t nslots;           /* a power of two */
};

/* Bytes of memory a pool of @nslots table slots and @cap string bytes needs. */
static inline size_t ppv_strpool_size(uint32_t nslots, size_t cap)
{
	return (size_t)nslots * sizeof(uint64_t) + cap;
}

/**
 * ppv_strpool_init() - lay out a pool in @mem (ppv_strpool_size() bytes,
 * 8-byte aligned and zeroed, as mmap() gives it). @nslots must be a power
 * of two and @cap below 4 GiB.
 */
void ppv_strpool_init(struct ppv_strpool *p, void *mem, uint32_t nslots, size_t cap);

/**
 * ppv_strpool_intern() - the pool's copy of @s (@len bytes, no NUL inside).
 * Return: its reference, or 0 if @len is 0 or the pool or its table is full.
 */
ppv_strref ppv_strpool_intern(struct ppv_strpool *p, const char *s, size_t len);

/**
 * ppv_strpool_borrow() - the string behind @ref, or NULL for 0.
 * Ownership: borrowed from the pool, valid for the life of the process.
 */
static inline const char *ppv_strpool_borrow(const struct ppv_strpool *p, ppv_strref ref)
{
	return ref ? p->base + ref - 1 : NULL;
}

/* The process's pool of I/O names, mapped on first use (1 MiB of strings,
 * 64 Ki table slots). Return: NULL only if it cannot be mapped. */
struct ppv_strpool *ppv_io_names(void);

/**
 * ppv_io_map_anon() - @len bytes of zeroed private memory, straight from
 * the mmap system call: the memory wrappers must not see the recorder's own
 * tables, and this may run inside any of them.
 * Return: the memory, or NULL.
 */
void *ppv_io_map_anon(size_t len);

#endif
