/* SPDX-License-Identifier: MIT */
/*
 * io-net.c - automatic I/O recording of socket calls: send, recv, sendto,
 * recvfrom, sendmsg, recvmsg, connect, accept, accept4, and the
 * _FORTIFY_SOURCE variants __recv_chk and __recvfrom_chk.
 *
 * Owns: these wrappers and the names they give: a connected socket is
 * named by its peer ("127.0.0.1:8080", "[::1]:80", a Unix path); a
 * sendto()/recvfrom()/sendmsg()/recvmsg() that names an address (an
 * unconnected UDP socket) is named by that address. Does not own: the
 * descriptor table (io-fdtab.c) or recording (io-wrap.c).
 *
 * Addresses are read only after a call succeeded (the kernel has read or
 * written them, so the pointers are good), or failed with anything but
 * EFAULT. A received address is read up to the length the kernel
 * returned, which exceeds the program's buffer only if the program gave
 * one too small for its own socket's family.
 */
#include "io-real.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *restrict buf, size_t n, size_t buflen, int flags,
		       __SOCKADDR_ARG addr, socklen_t *restrict addrlen);

PPV_IO_REAL(send)
PPV_IO_REAL(recv)
PPV_IO_REAL(sendto)
PPV_IO_REAL(recvfrom)
PPV_IO_REAL(sendmsg)
PPV_IO_REAL(recvmsg)
PPV_IO_REAL(connect)
PPV_IO_REAL(accept)
PPV_IO_REAL(accept4)
PPV_IO_REAL(__recv_chk)
PPV_IO_REAL(__recvfrom_chk)

/* A real function dlsym() could not give us (only while it resolves). */
static PPV_NOINSTR long unresolved(void)
{
	errno = ENOSYS;
	return -1;
}

/* The name of @sa if the call (result @r, errno @err) let us read it. */
static PPV_NOINSTR ppv_strref addr_name(long r, int err, const struct sockaddr *sa,
					socklen_t len)
{
	if (!sa || (r < 0 && err == EFAULT))
		return 0;
	return ppv_sockaddr_name(sa, len);
}

/* Record a transfer named by an address: the interning happens inside the
 * guard, so it is done here rather than before ppv_io_done_named(). */
static PPV_NOINSTR void xfer_done(int op, int fd, uint64_t t0, long r, const struct sockaddr *sa,
				  const socklen_t *lenp, socklen_t len)
{
	int saved_errno = errno;
	struct ppv_io_call c = { .op = op, .fd = fd, .start = t0,
				 .bytes = r > 0 ? (uint64_t)r : 0, .err = r < 0 ? saved_errno : 0 };
	struct ppv_tbuf *b = ppv_hook_begin();

	if (b) {
		if (lenp && r >= 0)
			len = *lenp;
		if (!lenp || r >= 0)
			c.name = addr_name(r, saved_errno, sa, len);
		ppv_io_record_held(b, &c);
		ppv_hook_end(b);
	}
	errno = saved_errno;
}

PPV_WRAP ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	__typeof__(send) *f = real_send();

	if (!f)
		return syscall(SYS_sendto, fd, buf, n, flags, NULL, 0);
	PPV_IO_TIMED(PPV_IO_OP_WRITE, fd, ssize_t, f(fd, buf, n, flags));
}

PPV_WRAP ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	__typeof__(recv) *f = real_recv();

	if (!f)
		return syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL);
	PPV_IO_TIMED(PPV_IO_OP_READ, fd, ssize_t, f(fd, buf, n, flags));
}

PPV_WRAP ssize_t sendto(int fd, const void *buf, size_t n, int flags, __CONST_SOCKADDR_ARG addr,
			socklen_t len)
{
	__typeof__(sendto) *f = real_sendto();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, flags, addr, len) : unresolved();
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, flags, addr, len);
	xfer_done(PPV_IO_OP_WRITE, fd, t0, r, addr.__sockaddr__, NULL, len);
	return r;
}

PPV_WRAP ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags, __SOCKADDR_ARG addr,
			  socklen_t *restrict lenp)
{
	__typeof__(recvfrom) *f = real_recvfrom();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, flags, addr, lenp) : unresolved();
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, flags, addr, lenp);
	xfer_done(PPV_IO_OP_READ, fd, t0, r, lenp ? addr.__sockaddr__ : NULL, lenp, 0);
	return r;
}

PPV_WRAP ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	__typeof__(sendmsg) *f = real_sendmsg();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, msg, flags) : unresolved();
	t0 = ppv_clock_ticks();
	r = f(fd, msg, flags);
	if (r >= 0 && msg->msg_name)
		xfer_done(PPV_IO_OP_WRITE, fd, t0, r, msg->msg_name, NULL, msg->msg_namelen);
	else
		ppv_io_done(PPV_IO_OP_WRITE, fd, t0, r);
	return r;
}

PPV_WRAP ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	__typeof__(recvmsg) *f = real_recvmsg();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, msg, flags) : unresolved();
	t0 = ppv_clock_ticks();
	r = f(fd, msg, flags);
	if (r >= 0 && msg->msg_name)
		xfer_done(PPV_IO_OP_READ, fd, t0, r, msg->msg_name, &msg->msg_namelen, 0);
	else
		ppv_io_done(PPV_IO_OP_READ, fd, t0, r);
	return r;
}

/*
 * After connect(): a socket that is connected (or connecting: EINPROGRESS)
 * is from now on named by the address it was given; its old entry (taken
 * when it was unconnected) is replaced.
 */
static PPV_NOINSTR void connect_done(int fd, uint64_t t0, int r, const struct sockaddr *sa,
				     socklen_t len)
{
	int saved_errno = errno;
	struct ppv_fdinfo info;
	struct ppv_io_call c = { .op = PPV_IO_OP_CONNECT, .fd = fd, .start = t0,
				 .err = r < 0 ? saved_errno : 0, .info = &info };
	struct ppv_tbuf *b = ppv_hook_begin();
	int connected = r == 0 || saved_errno == EINPROGRESS;

	if (connected)
		ppv_fdtab_forget(fd);
	if (b) {
		ppv_fdtab_get(fd, &info);
		c.name = addr_name(r, saved_errno, sa, len);
		if (connected && c.name && info.fdclass != PPV_FD_UNKNOWN) {
			info.name = c.name;
			ppv_fdtab_put(fd, &info);
		}
		ppv_io_record_held(b, &c);
		ppv_hook_end(b);
	}
	errno = saved_errno;
}

PPV_WRAP int connect(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	__typeof__(connect) *f = real_connect();
	uint64_t t0;
	int r;

	if (!f || !ppv_io_on()) {
		r = f ? f(fd, addr, len) : (int)unresolved();
		if (r == 0 || errno == EINPROGRESS)
			ppv_fdtab_forget(fd);
		return r;
	}
	t0 = ppv_clock_ticks();
	r = f(fd, addr, len);
	connect_done(fd, t0, r, addr.__sockaddr__, len);
	return r;
}

/* After accept(): the new descriptor is recorded (named by its peer); a
 * failed accept is recorded on the listening one. */
static PPV_NOINSTR void accept_done(int lfd, uint64_t t0, int fd)
{
	int saved_errno = errno;
	struct ppv_io_call c = { .op = PPV_IO_OP_ACCEPT, .fd = fd >= 0 ? fd : lfd, .start = t0,
				 .err = fd < 0 ? saved_errno : 0 };

	if (fd >= 0)
		ppv_fdtab_forget(fd);
	ppv_io_record(&c);
	errno = saved_errno;
}

PPV_WRAP int accept(int lfd, __SOCKADDR_ARG addr, socklen_t *restrict lenp)
{
	__typeof__(accept) *f = real_accept();
	uint64_t t0;
	int fd;

	if (!f || !ppv_io_on()) {
		fd = f ? f(lfd, addr, lenp) : (int)unresolved();
		if (fd >= 0)
			ppv_fdtab_forget(fd);
		return fd;
	}
	t0 = ppv_clock_ticks();
	fd = f(lfd, addr, lenp);
	accept_done(lfd, t0, fd);
	return fd;
}

PPV_WRAP int accept4(int lfd, __SOCKADDR_ARG addr, socklen_t *restrict lenp, int flags)
{
	__typeof__(accept4) *f = real_accept4();
	uint64_t t0;
	int fd;

	if (!f || !ppv_io_on()) {
		fd = f ? f(lfd, addr, lenp, flags) : (int)unresolved();
		if (fd >= 0)
			ppv_fdtab_forget(fd);
		return fd;
	}
	t0 = ppv_clock_ticks();
	fd = f(lfd, addr, lenp, flags);
	accept_done(lfd, t0, fd);
	return fd;
}

PPV_WRAP ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	__typeof__(__recv_chk) *f = real___recv_chk();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, buflen, flags) : unresolved();
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, buflen, flags);
	ppv_io_done(PPV_IO_OP_READ, fd, t0, r);
	return r;
}

PPV_WRAP ssize_t __recvfrom_chk(int fd, void *restrict buf, size_t n, size_t buflen, int flags,
				__SOCKADDR_ARG addr, socklen_t *restrict lenp)
{
	__typeof__(__recvfrom_chk) *f = real___recvfrom_chk();
	uint64_t t0;
	ssize_t r;

	if (!f || !ppv_io_on())
		return f ? f(fd, buf, n, buflen, flags, addr, lenp) : unresolved();
	t0 = ppv_clock_ticks();
	r = f(fd, buf, n, buflen, flags, addr, lenp);
	xfer_done(PPV_IO_OP_READ, fd, t0, r, lenp ? addr.__sockaddr__ : NULL, lenp, 0);
	return r;
}
