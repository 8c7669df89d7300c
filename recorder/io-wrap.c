/* SPDX-License-Identifier: MIT */
/*
 * io-wrap.c - automatic I/O recording: the reads, writes and syncs on file
 * descriptors (read, write, pread(64), pwrite(64), readv, writev, fsync,
 * fdatasync and the _FORTIFY_SOURCE variants __read_chk, __pread(64)_chk),
 * and the recording step every I/O wrapper shares.
 *
 * Owns: resolving the real functions, ppv_io_record()/ppv_io_done(), these
 * wrappers. Does not own: what a descriptor is (io-fdtab.c), opening and
 * closing (io-open.c), sockets (io-net.c), descriptor bookkeeping
 * (io-desc.c), stdio (io-stdio.c).
 *
 * The recorder's own reads and writes (the writer thread's, control.c's at
 * start) land here too, since this library defines these symbols: they
 * pass straight through because recording is not active yet, or because
 * ppv_hook_begin() refuses the writer thread.
 */
#include "io-real.h"

#include <dlfcn.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* The fortified entry points, declared by glibc only under _FORTIFY_SOURCE. */
ssize_t __read_chk(int fd, void *buf, size_t nbytes, size_t buflen);
ssize_t __pread_chk(int fd, void *buf, size_t nbytes, off_t offset, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t nbytes, off64_t offset, size_t buflen);

/* Set while this thread is in dlsym(): a wrapper dlsym itself calls must not
 * resolve again. Initial-exec: no __tls_get_addr (which may allocate). */
static _Thread_local int io_resolving __attribute__((tls_model("initial-exec")));

PPV_NOINSTR void *ppv_io_resolve(void *_Atomic *slot, const char *name)
{
	int saved_errno = errno;
	void *p;

	if (io_resolving)
		return NULL;
	io_resolving = 1;
	p = dlsym(RTLD_NEXT, name);
	io_resolving = 0;
	if (!p)
		p = PPV_IO_MISSING;
	atomic_store_explicit(slot, p, memory_order_relaxed);
	errno = saved_errno;
	return p;
}

PPV_NOINSTR void ppv_io_record_held(struct ppv_tbuf *b, const struct ppv_io_call *c)
{
	struct ppv_fdinfo info = { 0 };
	struct ppv_io_rec r;

	/* Not while a fork child reopens its session: those calls are the
	 * recorder's own. */
	if (!ppv_recording())
		return;
	if (c->info)
		info = *c->info;
	else if (c->fd >= 0)
		ppv_fdtab_get(c->fd, &info);
	r.kind = ppv_io_kind_of(c->op, info.fdclass, info.writable);
	r.op = c->op;
	r.fdclass = info.fdclass;
	r.fd = c->fd;
	r.name = ppv_io_name_borrow(c->name ? c->name : info.name);
	r.start = c->start;
	r.bytes = c->bytes;
	r.err = c->err;
	ppv_io_put(b, &r);
}

PPV_NOINSTR void ppv_io_record(const struct ppv_io_call *c)
{
	int saved_errno = errno;
	struct ppv_tbuf *b = ppv_hook_begin();

	if (b) {
		ppv_io_record_held(b, c);
		ppv_hook_end(b);
	}
	errno = saved_errno;
}

PPV_NOINSTR void ppv_io_done_named(int op, int fd, uint64_t start, long ret, ppv_strref name)
{
	int saved_errno = errno;
	int xfer = op == PPV_IO_OP_READ || op == PPV_IO_OP_WRITE;
	struct ppv_io_call c = { .op = op, .fd = fd, .start = start,
				 .bytes = xfer && ret > 0 ? (uint64_t)ret : 0,
				 .err = ret < 0 ? saved_errno : 0, .name = name };

	ppv_io_record(&c);
	errno = saved_errno;
}

PPV_NOINSTR void ppv_io_done(int op, int fd, uint64_t start, long ret)
{
	ppv_io_done_named(op, fd, start, ret, 0);
}

PPV_IO_REAL(read)
PPV_IO_REAL(write)
PPV_IO_REAL(pread)
PPV_IO_REAL(pread64)
PPV_IO_REAL(pwrite)
PPV_IO_REAL(pwrite64)
PPV_IO_REAL(readv)
PPV_IO_REAL(writev)
PPV_IO_REAL(fsync)
PPV_IO_REAL(fdatasync)
PPV_IO_REAL(__read_chk)
PPV_IO_REAL(__pread_chk)
PPV_IO_REAL(__pread64_chk)

/* The real calls, or the system call while dlsym() has not answered. */
static inline PPV_NOINSTR ssize_t call_read(int fd, void *buf, size_t n)
{
	__typeof__(read) *f = real_read();

	return f ? f(fd, buf, n) : syscall(SYS_read, fd, buf, n);
}

static inline PPV_NOINSTR ssize_t call_write(int fd, const void *buf, size_t n)
{
	__typeof__(write) *f = real_write();

	return f ? f(fd, buf, n) : syscall(SYS_write, fd, buf, n);
}

static inline PPV_NOINSTR ssize_t call_pread(int fd, void *buf, size_t n, off64_t off)
{
	__typeof__(pread64) *f = real_pread64();

	return f ? f(fd, buf, n, off) : syscall(SYS_pread64, fd, buf, n, off);
}

static inline PPV_NOINSTR ssize_t call_pwrite(int fd, const void *buf, size_t n, off64_t off)
{
	__typeof__(pwrite64) *f = real_pwrite64();

	return f ? f(fd, buf, n, off) : syscall(SYS_pwrite64, fd, buf, n, off);
}

PPV_WRAP ssize_t read(int fd, void *buf, size_t n)
{
	PPV_IO_TIMED(PPV_IO_OP_READ, fd, ssize_t, call_read(fd, buf, n));
}

PPV_WRAP ssize_t write(int fd, const void *buf, size_t n)
{
	PPV_IO_TIMED(PPV_IO_OP_WRITE, fd, ssize_t, call_write(fd, buf, n));
}

/* pread and pread64 are one function on LP64; both names are wrapped for
 * the programs that link either. */
PPV_WRAP ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	__typeof__(pread) *f = real_pread();

	if (!f)
		return call_pread(fd, buf, n, off);
	PPV_IO_TIMED(PPV_IO_OP_READ, fd, ssize_t, f(fd, buf, n, off));
}

PPV_WRAP ssize_t pread64(int fd, void *buf, size_t n, off64_t off)
{
	PPV_IO_TIMED(PPV_IO_OP_READ, fd, ssize_t, call_pread(fd, buf, n, off));
}

PPV_WRAP ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	__typeof__(pwrite) *f = real_pwrite();

	if (!f)
		return call_pwrite(fd, buf, n, off);
	PPV_IO_TIMED(PPV_IO_OP_WRITE, fd, ssize_t, f(fd, buf, n, off));
}

PPV_WRAP ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	PPV_IO_TIMED(PPV_IO_OP_WRITE, fd, ssize_t, call_pwrite(fd, buf, n, off));
}

PPV_WRAP ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	__typeof__(readv) *f = real_readv();

	if (!f)
		return syscall(SYS_readv, fd, iov, cnt);
	PPV_IO_TIMED(PPV_IO_OP_READ, fd, ssize_t, f(fd, iov, cnt));
}

PPV_WRAP ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	__typeof__(writev) *f = real_writev();

	if (!f)
		return syscall(SYS_writev, fd, iov, cnt);
	PPV_IO_TIMED(PPV_IO_OP_WRITE, fd, ssize_t, f(fd, iov, cnt));
}

PPV_WRAP int fsync(int fd)
{
	__typeof__(fsync) *f = real_fsync();

	if (!f)
		return (int)syscall(SYS_fsync, fd);
	PPV_IO_TIMED(PPV_IO_OP_SYNC, fd, int, f(fd));
}

PPV_WRAP int fdatasync(int fd)
{
	__typeof__(fdatasync) *f = real_fdatasync();

	if (!f)
		return (int)syscall(SYS_fdatasync, fd);
	PPV_IO_TIMED(PPV_IO_OP_SYNC, fd, int, f(fd));
}

/* The fortified variants check @buflen themselves (and abort on overflow,
 * as they would without us); we only time and record them. */
PPV_WRAP ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	__typeof__(__read_chk) *f = real___read_chk();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, buflen) : read(fd, buf, n);
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, buflen);
	ppv_io_done(PPV_IO_OP_READ, fd, t0, r);
	return r;
}

PPV_WRAP ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	__typeof__(__pread_chk) *f = real___pread_chk();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, off, buflen) : pread64(fd, buf, n, off);
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, off, buflen);
	ppv_io_done(PPV_IO_OP_READ, fd, t0, r);
	return r;
}

PPV_WRAP ssize_t __pread64_chk(int fd, void *buf, size_t n, off64_t off, size_t buflen)
{
	__typeof__(__pread64_chk) *f = real___pread64_chk();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, off, buflen) : pread64(fd, buf, n, off);
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, off, buflen);
	ppv_io_done(PPV_IO_OP_READ, fd, t0, r);
	return r;
}
