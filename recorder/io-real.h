/* SPDX-License-Identifier: MIT */
/*
 * io-real.h - what the I/O wrappers (io-wrap.c, io-open.c, io-net.c,
 * io-desc.c, io-stdio.c) share: the real functions they forward to, the
 * fast exit, and the one call that records an operation. Private.
 *
 * Every wrapper has the same shape: when recording is off it calls the
 * real function and nothing else; otherwise it reads the clock, makes the
 * real call without holding the hook guard (a signal handler that does I/O
 * while the call blocks is recorded too), and hands the result to
 * ppv_io_done()/ppv_io_record(), which saves errno, takes the guard only
 * to append the record, and restores errno. A NULL guard (the recorder's
 * own calls, the writer thread, a signal inside a hook, recording paused)
 * records nothing.
 *
 * Include this first: the wrapper files must see the plain libc
 * declarations (no _FORTIFY_SOURCE inline versions, no redirection of open
 * to open64 by _FILE_OFFSET_BITS, which meson defines), since they define
 * those very symbols.
 */
#ifndef PPV_RECORDER_IO_REAL_H
#define PPV_RECORDER_IO_REAL_H

#undef _FORTIFY_SOURCE
#undef _FILE_OFFSET_BITS

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include <perprovis/ppv.h>
#include <perprovis/ppv-trace.h>

#include "io-fdtab.h"
#include "hook-guard.h"

/* Wrappers are exported (they interpose libc's symbols) and never
 * instrumented. */
#define PPV_WRAP PPV_API PPV_NOINSTR

/* What ppv_io_resolve() stores for a symbol the next objects lack. */
#define PPV_IO_MISSING ((void *)1)

/**
 * ppv_io_resolve() - dlsym(RTLD_NEXT, @name), stored into @slot.
 * Return: the address, or NULL while this thread is already resolving (a
 * call made by dlsym itself: the wrapper falls back to the system call)
 * or when no later object defines @name.
 */
void *ppv_io_resolve(void *_Atomic *slot, const char *name);

/*
 * PPV_IO_REAL(read) defines real_read(): the next definition of read (the
 * C library's), resolved on first use from any thread (two threads may
 * both resolve; they store the same address). NULL when it cannot be had.
 * Through a union: ISO C has no conversion from dlsym()'s object pointer
 * to a function pointer.
 */
#define PPV_IO_REAL(name)                                                                  \
	static void *_Atomic real_##name##_ptr;                                            \
	static inline PPV_NOINSTR __typeof__(name) *real_##name(void)                      \
	{                                                                                  \
		union {                                                                    \
			void *p;                                                           \
			__typeof__(name) *fn;                                              \
		} u;                                                                       \
		u.p = atomic_load_explicit(&real_##name##_ptr, memory_order_relaxed);      \
		if (ppv_unlikely(!u.p))                                                    \
			u.p = ppv_io_resolve(&real_##name##_ptr, #name);                   \
		if (u.p == PPV_IO_MISSING)                                                 \
			u.p = NULL;                                                        \
		return u.fn;                                                               \
	}

/* hooks.c: explicit I/O operations open on this thread. */
extern _Thread_local unsigned int ppv_tls_explicit_io
	__attribute__((tls_model("initial-exec"), visibility("hidden")));

/* Whether I/O is being recorded: the only test on the fast exit. Not
 * inside an explicit ppv_io_begin()/ppv_io_end(), which already counts
 * the operation. */
static inline PPV_NOINSTR int ppv_io_on(void)
{
	return ppv_likely(ppv__active) && ppv_cfg.io && !ppv_tls_explicit_io;
}

/**
 * ppv_io_fd_protected() - whether @fd is one the recorder holds (own-fd.c:
 * the trace file, /proc/self/statm) and the caller is the program: then
 * close() and dup2()/dup3() onto it fail with EBADF, as
 * if it were not open (a daemon that closes every descriptor must not end
 * the recording). The recorder's own threads and its shutdown pass, and
 * so does a fork child closing its parent's trace file before it opens its
 * own, or a vfork child (neither owns the session; ppv_session_owned() is
 * a system call, made only for the recorder's descriptors).
 */
static inline PPV_NOINSTR int ppv_io_fd_protected(int fd)
{
	return ppv_unlikely(ppv_owns_fd(fd)) && !ppv_tls_disabled && ppv_session_owned();
}

/* One finished operation, for ppv_io_record(). */
struct ppv_io_call {
	int op;                         /* enum ppv_io_op */
	int fd;                         /* -1 if none */
	uint64_t start;                 /* ppv_clock_ticks() before the call */
	uint64_t bytes;
	int err;                        /* errno of a failed call, else 0 */
	const struct ppv_fdinfo *info;  /* what @fd is, if known; else looked up */
	ppv_strref name;                /* overrides info's name when not 0 */
};

/**
 * ppv_io_record() - append one I/O event for the calling thread, unless it
 * must not be recorded (see above). errno is left as it was.
 */
void ppv_io_record(const struct ppv_io_call *c);

/* ppv_io_record() for a caller that already holds the guard @b. */
void ppv_io_record_held(struct ppv_tbuf *b, const struct ppv_io_call *c);

/**
 * ppv_io_done() - record the result @ret of operation @op on @fd: bytes
 * for reads and writes when @ret >= 0, errno when @ret < 0. Call it
 * first thing after the real call, while errno is still the call's.
 */
void ppv_io_done(int op, int fd, uint64_t start, long ret);

/*
 * PPV_IO_TIMED() - the body of a wrapper of operation @op on @fd: with
 * recording off, return @call's result; else time @call and record it.
 * @call is evaluated once; @type is what it returns.
 */
#define PPV_IO_TIMED(op, fd, type, call)                                                     \
	do {                                                                                 \
		uint64_t t0_;                                                                \
		type r_;                                                                     \
		if (!ppv_io_on())                                                            \
			return call;                                                         \
		t0_ = ppv_clock_ticks();                                                     \
		r_ = call;                                                                   \
		ppv_io_done(op, fd, t0_, (long)r_);                                          \
		return r_;                                                                   \
	} while (0)

/* Like ppv_io_done(), with the descriptor's name replaced by @name (the
 * address a sendto() was given or a recvfrom() received). */
void ppv_io_done_named(int op, int fd, uint64_t start, long ret, ppv_strref name);

#endif
