/* SPDX-License-Identifier: MIT */
/*
 * io-open.c - automatic I/O recording of opening and closing descriptors:
 * open, open64, openat, openat64 and their _FORTIFY_SOURCE variants
 * (__open_2, __open64_2, __openat_2, __openat64_2), close; and the trace
 * file's protection against close_range() and closefrom().
 *
 * Owns: these wrappers, and keeping the descriptor table right across them
 * (an open fills the fd's entry with the path it was given; a close
 * forgets it). Does not own: the table (io-fdtab.c) or recording
 * (io-wrap.c).
 *
 * The trace file's descriptor is not the program's: close() of it returns
 * -1 with errno EBADF, as for a descriptor that is not open, and
 * close_range()/closefrom() close everything else in their range, so a
 * daemon that closes every descriptor keeps its recording.
 *
 * A failed open has no descriptor; it is recorded as a file operation
 * (class "file", fd -1) named by the path it was given.
 */
#include "io-real.h"

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

PPV_IO_REAL(open)
PPV_IO_REAL(open64)
PPV_IO_REAL(openat)
PPV_IO_REAL(openat64)
PPV_IO_REAL(__open_2)
PPV_IO_REAL(__open64_2)
PPV_IO_REAL(__openat_2)
PPV_IO_REAL(__openat64_2)
PPV_IO_REAL(close)
#if __GLIBC_PREREQ(2, 34)
PPV_IO_REAL(close_range)
PPV_IO_REAL(closefrom)
#endif

#define OPEN_NEEDS_MODE(flags) (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE)

static PPV_NOINSTR int open_writable(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY;
}

/* The name of a file just opened as @path: the path as given, unless it is
 * relative to a directory descriptor, which only /proc can resolve. */
static PPV_NOINSTR ppv_strref open_name(int dirfd, const char *path, int fd)
{
	struct ppv_fdinfo named;

	if (path[0] == '/' || dirfd == AT_FDCWD || fd < 0)
		return ppv_io_name_intern(path, strlen(path));
	ppv_fd_classify(fd, &named, PPV_CLASSIFY_NAME);
	return named.name;
}

/*
 * After an open-like call returned @fd: cache what the descriptor is (the
 * entry is forgotten first whatever happens, since the number is new), and
 * record the call. @path is read only if the kernel could read it: a call
 * that failed with EFAULT may have been given an invalid pointer.
 */
static PPV_NOINSTR void open_done(int dirfd, const char *path, int flags, uint64_t t0, int fd)
{
	int saved_errno = errno;
	struct ppv_fdinfo info = { .fdclass = PPV_FD_FILE, .writable = open_writable(flags) };
	struct ppv_io_call c = { .op = PPV_IO_OP_OPEN, .fd = fd, .start = t0,
				 .err = fd < 0 ? saved_errno : 0, .info = &info };
	struct ppv_tbuf *b;

	if (fd >= 0)
		ppv_fdtab_forget(fd);
	b = ppv_hook_begin();
	if (!b) {
		errno = saved_errno;
		return;
	}
	if (fd >= 0) {
		ppv_fd_classify(fd, &info, 0);
		info.writable = open_writable(flags);
	}
	if (path && (fd >= 0 || saved_errno != EFAULT))
		info.name = open_name(dirfd, path, fd);
	if (fd >= 0 && info.fdclass != PPV_FD_UNKNOWN)
		ppv_fdtab_put(fd, &info);
	ppv_io_record_held(b, &c);
	ppv_hook_end(b);
	errno = saved_errno;
}

/* Which entry point the program called: each forwards to its own real
 * function. */
enum open_entry {
	OPEN_PLAIN,
	OPEN_64,
	OPEN_AT,
	OPEN_AT64,
	OPEN_2,       /* _FORTIFY_SOURCE's: no mode */
	OPEN64_2,
	OPENAT_2,
	OPENAT64_2,
};

/* The real call; -2 (never a result of open) while dlsym() has not
 * answered. The fortified ones have no mode to pass: they abort, as they
 * would without us, when the flags need one. */
static PPV_NOINSTR int open_real(enum open_entry e, int dirfd, const char *path, int flags,
				 mode_t mode)
{
	union {
		__typeof__(open) *open;
		__typeof__(openat) *openat;
		__typeof__(__open_2) *open_2;
		__typeof__(__openat_2) *openat_2;
	} f;

	switch (e) {
	case OPEN_PLAIN:
	case OPEN_64:
		f.open = e == OPEN_PLAIN ? real_open() : real_open64();
		return f.open ? f.open(path, flags, mode) : -2;
	case OPEN_AT:
	case OPEN_AT64:
		f.openat = e == OPEN_AT ? real_openat() : real_openat64();
		return f.openat ? f.openat(dirfd, path, flags, mode) : -2;
	case OPEN_2:
	case OPEN64_2:
		f.open_2 = e == OPEN_2 ? real___open_2() : real___open64_2();
		return f.open_2 ? f.open_2(path, flags) : -2;
	case OPENAT_2:
	case OPENAT64_2:
		f.openat_2 = e == OPENAT_2 ? real___openat_2() : real___openat64_2();
		return f.openat_2 ? f.openat_2(dirfd, path, flags) : -2;
	}
	return -2;
}

static PPV_NOINSTR int call_open(enum open_entry e, int dirfd, const char *path, int flags,
				 mode_t mode)
{
	int fd = open_real(e, dirfd, path, flags, mode);

	return fd != -2 ? fd : (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

static PPV_NOINSTR int open_any(enum open_entry e, int dirfd, const char *path, int flags,
				mode_t mode)
{
	uint64_t t0;
	int fd;

	if (!ppv_io_on()) {
		fd = call_open(e, dirfd, path, flags, mode);
		if (fd >= 0)
			ppv_fdtab_forget(fd);
		return fd;
	}
	t0 = ppv_clock_ticks();
	fd = call_open(e, dirfd, path, flags, mode);
	open_done(dirfd, path, flags, t0, fd);
	return fd;
}

/* open() reads its mode argument only when it creates a file, as glibc
 * does. */
#define OPEN_MODE(mode, flags)                                                             \
	do {                                                                               \
		va_list ap;                                                                \
                                                                                           \
		if (OPEN_NEEDS_MODE(flags)) {                                              \
			va_start(ap, flags);                                               \
			(mode) = va_arg(ap, mode_t);                                       \
			va_end(ap);                                                        \
		}                                                                          \
	} while (0)

PPV_WRAP int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(mode, flags);
	return open_any(OPEN_PLAIN, AT_FDCWD, path, flags, mode);
}

PPV_WRAP int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(mode, flags);
	return open_any(OPEN_64, AT_FDCWD, path, flags, mode);
}

PPV_WRAP int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(mode, flags);
	return open_any(OPEN_AT, dirfd, path, flags, mode);
}

PPV_WRAP int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(mode, flags);
	return open_any(OPEN_AT64, dirfd, path, flags, mode);
}

PPV_WRAP int __open_2(const char *path, int flags)
{
	return open_any(OPEN_2, AT_FDCWD, path, flags, 0);
}

PPV_WRAP int __open64_2(const char *path, int flags)
{
	return open_any(OPEN64_2, AT_FDCWD, path, flags, 0);
}

PPV_WRAP int __openat_2(int dirfd, const char *path, int flags)
{
	return open_any(OPENAT_2, dirfd, path, flags, 0);
}

PPV_WRAP int __openat64_2(int dirfd, const char *path, int flags)
{
	return open_any(OPENAT64_2, dirfd, path, flags, 0);
}

static inline PPV_NOINSTR int call_close(int fd)
{
	__typeof__(close) *f = real_close();

	return f ? f(fd) : (int)syscall(SYS_close, fd);
}

/* The program closes the trace file: it is not open, as far as it knows. */
static PPV_NOINSTR int close_refused(int fd)
{
	struct ppv_fdinfo unknown = { 0 };
	struct ppv_io_call c = { .op = PPV_IO_OP_CLOSE, .fd = fd, .start = ppv_clock_ticks(),
				 .err = EBADF, .info = &unknown };

	if (ppv_io_on())
		ppv_io_record(&c);
	errno = EBADF;
	return -1;
}

/* What @fd is, read before it is closed (afterwards it is nothing). */
static PPV_NOINSTR void close_lookup(int fd, struct ppv_fdinfo *info)
{
	struct ppv_tbuf *b = ppv_hook_begin();

	memset(info, 0, sizeof(*info));
	if (!b)
		return;
	ppv_fdtab_get(fd, info);
	ppv_hook_end(b);
}

PPV_WRAP int close(int fd)
{
	struct ppv_fdinfo info;
	struct ppv_io_call c = { .op = PPV_IO_OP_CLOSE, .fd = fd, .info = &info };
	int r, saved_errno;

	if (ppv_io_fd_protected(fd))
		return close_refused(fd);
	if (!ppv_io_on()) {
		r = call_close(fd);
		ppv_fdtab_forget(fd);
		return r;
	}
	close_lookup(fd, &info);
	c.start = ppv_clock_ticks();
	r = call_close(fd);
	saved_errno = errno;
	/* Forgotten after the close: a thread that reopens the number at once
	 * loses its fresh entry (it is looked up again), never the reverse. */
	ppv_fdtab_forget(fd);
	c.err = r < 0 ? saved_errno : 0;
	ppv_io_record(&c);
	errno = saved_errno;
	return r;
}

#if __GLIBC_PREREQ(2, 34)
static inline PPV_NOINSTR int call_close_range(unsigned int lo, unsigned int hi, int flags)
{
	__typeof__(close_range) *f = real_close_range();

	return f ? f(lo, hi, flags) : (int)syscall(SYS_close_range, lo, hi, flags);
}

/* The lowest descriptor in [@lo, @hi] that the recorder holds (own-fd.c)
 * and the program may not close, else -1. */
static PPV_NOINSTR int protected_in(unsigned int lo, unsigned int hi)
{
	int best = -1;

	for (int i = 0; i < PPV_OWN_FD_COUNT; i++) {
		int t = ppv_own_fd_get((enum ppv_own_fd)i);

		if (t >= 0 && (unsigned int)t >= lo && (unsigned int)t <= hi &&
		    (best < 0 || t < best) && ppv_io_fd_protected(t))
			best = t;
	}
	return best;
}

/* Closes [@lo, @hi] around the recorder's descriptors. CLOSE_RANGE_CLOEXEC
 * closes nothing, and ours are close-on-exec already. */
PPV_WRAP int close_range(unsigned int lo, unsigned int hi, int flags)
{
	unsigned int from = lo;
	int t, r = 0;

	while (r == 0 && from <= hi) {
		t = flags & CLOSE_RANGE_CLOEXEC ? -1 : protected_in(from, hi);
		if (t < 0) {
			r = call_close_range(from, hi, flags);
			break;
		}
		if ((unsigned int)t > from)
			r = call_close_range(from, (unsigned int)t - 1, flags);
		if ((unsigned int)t == hi)
			break;
		from = (unsigned int)t + 1;
	}
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		ppv_fdtab_forget_range(lo, hi);
	return r;
}

/* closefrom() cannot fail (glibc aborts if it cannot close): between the
 * recorder's descriptors we close one by one if the kernel lacks
 * close_range(); above the last, the real closefrom() does it. */
PPV_WRAP void closefrom(int lo)
{
	__typeof__(closefrom) *f = real_closefrom();
	int t, saved_errno = errno;
	int from = lo;

	while (from >= 0 && (t = protected_in((unsigned int)from, ~0u)) >= 0) {
		if (t > from && call_close_range((unsigned int)from, (unsigned int)t - 1, 0) < 0)
			for (int fd = from; fd < t; fd++)
				call_close(fd);
		from = t + 1;
	}
	errno = saved_errno;
	if (lo >= 0)
		ppv_fdtab_forget_range((unsigned int)lo, ~0u);
	if (f)
		f(from);
	else
		call_close_range((unsigned int)from, ~0u, 0);
}
#endif
