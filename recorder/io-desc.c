/* SPDX-License-Identifier: MIT */
/*
 * io-desc.c - the calls that create or replace descriptors without doing
 * I/O: socket, socketpair, pipe, pipe2, dup, dup2, dup3, and fcntl
 * (fcntl64) with F_DUPFD/F_DUPFD_CLOEXEC. They record nothing; they only
 * forget the descriptor table's entries of the numbers they hand out, so
 * that the next I/O on them classifies them afresh.
 *
 * Owns: these wrappers. Does not own: the table (io-fdtab.c).
 *
 * dup2()/dup3() onto the trace file's descriptor fail with EBADF (see
 * ppv_io_fd_protected()): replacing it would end the recording.
 */
#include "io-real.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

PPV_IO_REAL(socket)
PPV_IO_REAL(socketpair)
PPV_IO_REAL(pipe)
PPV_IO_REAL(pipe2)
PPV_IO_REAL(dup)
PPV_IO_REAL(dup2)
PPV_IO_REAL(dup3)
PPV_IO_REAL(fcntl)
PPV_IO_REAL(fcntl64)

/* A real function dlsym() could not give us (only while it resolves). */
static PPV_NOINSTR int unresolved(void)
{
	errno = ENOSYS;
	return -1;
}

PPV_WRAP int socket(int domain, int type, int protocol)
{
	__typeof__(socket) *f = real_socket();
	int fd = f ? f(domain, type, protocol) : unresolved();

	if (fd >= 0)
		ppv_fdtab_forget(fd);
	return fd;
}

PPV_WRAP int socketpair(int domain, int type, int protocol, int sv[2])
{
	__typeof__(socketpair) *f = real_socketpair();
	int r = f ? f(domain, type, protocol, sv) : unresolved();

	if (r == 0) {
		ppv_fdtab_forget(sv[0]);
		ppv_fdtab_forget(sv[1]);
	}
	return r;
}

PPV_WRAP int pipe(int fds[2])
{
	__typeof__(pipe) *f = real_pipe();
	int r = f ? f(fds) : (int)syscall(SYS_pipe2, fds, 0);

	if (r == 0) {
		ppv_fdtab_forget(fds[0]);
		ppv_fdtab_forget(fds[1]);
	}
	return r;
}

PPV_WRAP int pipe2(int fds[2], int flags)
{
	__typeof__(pipe2) *f = real_pipe2();
	int r = f ? f(fds, flags) : (int)syscall(SYS_pipe2, fds, flags);

	if (r == 0) {
		ppv_fdtab_forget(fds[0]);
		ppv_fdtab_forget(fds[1]);
	}
	return r;
}

PPV_WRAP int dup(int old)
{
	__typeof__(dup) *f = real_dup();
	int fd = f ? f(old) : (int)syscall(SYS_dup, old);

	if (fd >= 0)
		ppv_fdtab_forget(fd);
	return fd;
}

PPV_WRAP int dup2(int old, int newfd)
{
	__typeof__(dup2) *f = real_dup2();
	int fd;

	if (old != newfd && ppv_io_fd_protected(newfd)) {
		errno = EBADF;
		return -1;
	}
	fd = f ? f(old, newfd) : unresolved();
	if (fd >= 0)
		ppv_fdtab_forget(fd);
	return fd;
}

PPV_WRAP int dup3(int old, int newfd, int flags)
{
	__typeof__(dup3) *f = real_dup3();
	int fd;

	if (old != newfd && ppv_io_fd_protected(newfd)) {
		errno = EBADF;
		return -1;
	}
	fd = f ? f(old, newfd, flags) : (int)syscall(SYS_dup3, old, newfd, flags);
	if (fd >= 0)
		ppv_fdtab_forget(fd);
	return fd;
}

/* fcntl's third argument is an int, a pointer or absent depending on
 * @cmd; like glibc's own fcntl we read it as a pointer-sized value in
 * every case and pass it on unchanged (the kernel reads what @cmd needs). */
static PPV_NOINSTR int fcntl_done(int cmd, int r)
{
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		ppv_fdtab_forget(r);
	return r;
}

PPV_WRAP int fcntl(int fd, int cmd, ...)
{
	__typeof__(fcntl) *f = real_fcntl();
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_done(cmd, f ? f(fd, cmd, arg) : (int)syscall(SYS_fcntl, fd, cmd, arg));
}

PPV_WRAP int fcntl64(int fd, int cmd, ...)
{
	__typeof__(fcntl64) *f = real_fcntl64();
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_done(cmd, f ? f(fd, cmd, arg) : (int)syscall(SYS_fcntl, fd, cmd, arg));
}
