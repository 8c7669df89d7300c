/* SPDX-License-Identifier: MIT */
/*
 * io-stdio.c - automatic I/O recording of stdio streams: fopen, fopen64,
 * fclose, fflush, fread, fwrite, and the _FORTIFY_SOURCE __fread_chk;
 * freopen and freopen64 for the descriptor table.
 *
 * Owns: these wrappers. Each call is one event on fileno() of its stream
 * (fflush(NULL): fd -1, class unknown); fread and fwrite count the bytes
 * of the items they moved, buffered or not. Does not own: recording
 * (io-wrap.c) or the descriptor table (io-fdtab.c).
 *
 * glibc's stdio reaches the kernel through its internal read/write/open/
 * close, not through the PLT, so the wrappers of io-wrap.c and io-open.c
 * never see those calls: a byte fwrite()n and flushed by fclose() is
 * counted once, by fwrite. The other stdio functions (fprintf, fgets,
 * getline, ...) are not recorded. freopen() is wrapped only to forget the
 * descriptor it replaces (freopen(path, "w", stdout) makes fd 1 a file).
 */
#include "io-real.h"

#include <stdio.h>
#include <string.h>

size_t __fread_chk(void *restrict ptr, size_t ptrlen, size_t size, size_t n,
		   FILE *restrict fp);

PPV_IO_REAL(fopen)
PPV_IO_REAL(fopen64)
PPV_IO_REAL(fclose)
PPV_IO_REAL(fflush)
PPV_IO_REAL(fread)
PPV_IO_REAL(fwrite)
PPV_IO_REAL(__fread_chk)
PPV_IO_REAL(freopen)
PPV_IO_REAL(freopen64)

/* Whether fopen()'s @mode opens for writing ("w", "a", or "+"). */
static PPV_NOINSTR int mode_writable(const char *mode)
{
	return strpbrk(mode, "wa+") != NULL;
}

/* fileno() without its EBADF on streams that have no descriptor. */
static PPV_NOINSTR int stream_fd(FILE *fp)
{
	int saved_errno = errno, fd = fileno_unlocked(fp);

	errno = saved_errno;
	return fd;
}

/* After fopen(): like open_done() in io-open.c, with stdio's mode. @path
 * and @mode are read only if the call did not fail with EFAULT. */
static PPV_NOINSTR void fopen_done(const char *path, const char *mode, uint64_t t0, FILE *fp)
{
	int saved_errno = errno, fd = fp ? stream_fd(fp) : -1;
	int readable_args = fp || saved_errno != EFAULT;
	struct ppv_fdinfo info = { .fdclass = PPV_FD_FILE };
	struct ppv_io_call c = { .op = PPV_IO_OP_OPEN, .fd = fd, .start = t0,
				 .err = fp ? 0 : saved_errno, .info = &info };
	struct ppv_tbuf *b;

	if (fd >= 0)
		ppv_fdtab_forget(fd);
	b = ppv_hook_begin();
	if (!b) {
		errno = saved_errno;
		return;
	}
	if (fd >= 0)
		ppv_fd_classify(fd, &info, 0);
	if (readable_args && mode)
		info.writable = mode_writable(mode);
	if (readable_args && path)
		info.name = ppv_io_name_intern(path, strlen(path));
	if (fd >= 0 && info.fdclass != PPV_FD_UNKNOWN)
		ppv_fdtab_put(fd, &info);
	ppv_io_record_held(b, &c);
	ppv_hook_end(b);
	errno = saved_errno;
}

static PPV_NOINSTR FILE *unresolved(void)
{
	errno = ENOSYS;
	return NULL;
}

/* fopen() and fopen64(), through the real one given. */
static PPV_NOINSTR FILE *open_stream(__typeof__(fopen) *f, const char *path, const char *mode)
{
	uint64_t t0;
	FILE *fp;

	if (!f)
		return unresolved();
	if (!ppv_io_on()) {
		fp = f(path, mode);
		if (fp)
			ppv_fdtab_forget(stream_fd(fp));
		return fp;
	}
	t0 = ppv_clock_ticks();
	fp = f(path, mode);
	fopen_done(path, mode, t0, fp);
	return fp;
}

PPV_WRAP FILE *fopen(const char *restrict path, const char *restrict mode)
{
	return open_stream(real_fopen(), path, mode);
}

PPV_WRAP FILE *fopen64(const char *restrict path, const char *restrict mode)
{
	return open_stream(real_fopen64(), path, mode);
}

/* freopen() records nothing: it only hands the stream's fd number to a
 * new file. */
PPV_WRAP FILE *freopen(const char *restrict path, const char *restrict mode, FILE *restrict fp)
{
	__typeof__(freopen) *f = real_freopen();
	FILE *r = f ? f(path, mode, fp) : unresolved();

	if (r)
		ppv_fdtab_forget(stream_fd(r));
	return r;
}

PPV_WRAP FILE *freopen64(const char *restrict path, const char *restrict mode,
			 FILE *restrict fp)
{
	__typeof__(freopen64) *f = real_freopen64();
	FILE *r = f ? f(path, mode, fp) : unresolved();

	if (r)
		ppv_fdtab_forget(stream_fd(r));
	return r;
}

/* What @fd is, read before fclose() closes it. */
static PPV_NOINSTR void fclose_lookup(int fd, struct ppv_fdinfo *info)
{
	struct ppv_tbuf *b = ppv_hook_begin();

	memset(info, 0, sizeof(*info));
	if (!b)
		return;
	if (fd >= 0)
		ppv_fdtab_get(fd, info);
	ppv_hook_end(b);
}

/* fclose() closes the descriptor through libc's internal close(), which
 * close() in io-open.c never sees: the entry is forgotten here. */
PPV_WRAP int fclose(FILE *fp)
{
	__typeof__(fclose) *f = real_fclose();
	struct ppv_fdinfo info;
	struct ppv_io_call c = { .op = PPV_IO_OP_CLOSE, .info = &info };
	int r, saved_errno;

	if (!f) {
		errno = ENOSYS;
		return EOF;
	}
	c.fd = stream_fd(fp);
	if (!ppv_io_on()) {
		r = f(fp);
		ppv_fdtab_forget(c.fd);
		return r;
	}
	fclose_lookup(c.fd, &info);
	c.start = ppv_clock_ticks();
	r = f(fp);
	saved_errno = errno;
	ppv_fdtab_forget(c.fd);
	c.err = r == EOF ? saved_errno : 0;
	ppv_io_record(&c);
	errno = saved_errno;
	return r;
}

PPV_WRAP int fflush(FILE *fp)
{
	__typeof__(fflush) *f = real_fflush();
	uint64_t t0;
	int r, fd;

	if (!f) {
		errno = ENOSYS;
		return EOF;
	}
	if (!ppv_io_on())
		return f(fp);
	fd = fp ? stream_fd(fp) : -1;
	t0 = ppv_clock_ticks();
	r = f(fp);
	ppv_io_done(PPV_IO_OP_SYNC, fd, t0, r == EOF ? -1 : 0);
	return r;
}

/*
 * After fread()/fwrite(): @items of @size bytes moved. A short count is an
 * error only if the call set the stream's error flag (else it is the end of
 * the file); then errno is the failed read's or write's.
 */
static PPV_NOINSTR void items_done(int op, FILE *fp, int fd, uint64_t t0, size_t size,
				   size_t items, size_t asked, int had_error)
{
	int saved_errno = errno;
	int failed = items < asked && !had_error && ferror_unlocked(fp);
	struct ppv_io_call c = { .op = op, .fd = fd, .start = t0, .bytes = (uint64_t)items * size,
				 .err = failed ? saved_errno : 0 };

	ppv_io_record(&c);
	errno = saved_errno;
}

PPV_WRAP size_t fread(void *restrict ptr, size_t size, size_t n, FILE *restrict fp)
{
	__typeof__(fread) *f = real_fread();
	uint64_t t0;
	size_t r;
	int fd, had_error;

	if (!f || !ppv_io_on())
		return f ? f(ptr, size, n, fp) : 0;
	fd = stream_fd(fp);
	had_error = ferror_unlocked(fp);
	t0 = ppv_clock_ticks();
	r = f(ptr, size, n, fp);
	items_done(PPV_IO_OP_READ, fp, fd, t0, size, r, n, had_error);
	return r;
}

PPV_WRAP size_t fwrite(const void *restrict ptr, size_t size, size_t n, FILE *restrict fp)
{
	__typeof__(fwrite) *f = real_fwrite();
	uint64_t t0;
	size_t r;
	int fd, had_error;

	if (!f || !ppv_io_on())
		return f ? f(ptr, size, n, fp) : 0;
	fd = stream_fd(fp);
	had_error = ferror_unlocked(fp);
	t0 = ppv_clock_ticks();
	r = f(ptr, size, n, fp);
	items_done(PPV_IO_OP_WRITE, fp, fd, t0, size, r, n, had_error);
	return r;
}

PPV_WRAP size_t __fread_chk(void *restrict ptr, size_t ptrlen, size_t size, size_t n,
			    FILE *restrict fp)
{
	__typeof__(__fread_chk) *f = real___fread_chk();
	uint64_t t0;
	size_t r;
	int fd, had_error;

	if (!f || !ppv_io_on())
		return f ? f(ptr, ptrlen, size, n, fp) : 0;
	fd = stream_fd(fp);
	had_error = ferror_unlocked(fp);
	t0 = ppv_clock_ticks();
	r = f(ptr, ptrlen, size, n, fp);
	items_done(PPV_IO_OP_READ, fp, fd, t0, size, r, n, had_error);
	return r;
}
