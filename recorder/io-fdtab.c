/* SPDX-License-Identifier: MIT */
/*
 * io-fdtab.c - classifying and naming file descriptors for the I/O
 * wrappers, and the cache that makes that a once-per-descriptor cost.
 *
 * Owns: the descriptor table, classification (fstat, getsockopt,
 * getpeername, readlink of /proc/self/fd/N), the text of socket addresses,
 * and the mapping from (operation, class) to the reports' I/O kind. Does
 * not own: the wrappers (io-wrap.c, io-net.c, io-stdio.c, io-desc.c) or
 * the string pool (io-pool.c).
 *
 * The table is an array of 64-bit words indexed by fd, mapped (never
 * malloc()ed) when first filled. A word is 0 when unknown, else it packs
 * the class, the access mode and the name's pool reference, so it is read
 * and written whole, atomically, by any thread. A fill after a
 * classification only replaces 0 (compare-and-swap): if another thread
 * closed and reopened the fd meanwhile, its newer word wins. Races on one
 * fd number between threads can still leave one event misclassified, never
 * a crash. Descriptors created by calls we do not interpose (epoll_create,
 * eventfd, libc-internal opens such as opendir) fill the table when first
 * used; if such a descriptor reuses a number freed by an equally hidden
 * close (closedir), its entry may be stale until the next interposed close.
 *
 * Everything here runs inside a wrapper, possibly in a signal handler:
 * no malloc, no stdio, no locks, and errno is preserved.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <perprovis/ppv.h>
#include <perprovis/ppv-trace.h>

#include "io-fdtab.h"
#include "ring-fast.h"

#define ENT_VALID (UINT64_C(1) << 63)
#define ENT_WRITABLE (UINT64_C(1) << 62)
#define ENT_CLASS_SHIFT 32

unsigned int ppv_fdtab_size = PPV_FDTAB_SIZE;
static _Atomic uint64_t *_Atomic fdtab;
/* Above the highest fd ever cached every entry is 0: ranges of closes stop
 * there instead of touching (and faulting in) the whole table. */
static _Atomic int fdtab_high = -1;
/* The process whose descriptors the table describes. A fork() child gets
 * a copy of the table and of its descriptors (pthread_atfork makes it the
 * owner); a vfork() child shares the parent's memory but has descriptors
 * of its own, so it may forget entries but never fill them. */
static pid_t fdtab_pid;

/* The word for @fd, mapping the table first if @map; NULL when @fd is
 * outside it or it is not mapped. */
static PPV_NOINSTR _Atomic uint64_t *fdtab_entry(int fd, int map)
{
	_Atomic uint64_t *t = atomic_load_explicit(&fdtab, memory_order_acquire);
	_Atomic uint64_t *expect = NULL;

	if (fd < 0 || (unsigned int)fd >= ppv_fdtab_size)
		return NULL;
	if (ppv_likely(t) || !map)
		return t ? &t[fd] : NULL;
	t = ppv_io_map_anon(ppv_fdtab_size * sizeof(*t));
	if (!t)
		return NULL;
	if (!atomic_compare_exchange_strong(&fdtab, &expect, t)) {
		/* Another thread won; the raw call keeps errno. */
		syscall(SYS_munmap, t, ppv_fdtab_size * sizeof(*t));
		t = expect;
	}
	return &t[fd];
}

static PPV_NOINSTR void fdtab_after_fork(void)
{
	fdtab_pid = getpid();
}

__attribute__((constructor)) static PPV_NOINSTR void fdtab_init(void)
{
	fdtab_pid = getpid();
	pthread_atfork(NULL, NULL, fdtab_after_fork);
}

/* Only where a fill costs system calls anyway: getpid() is one. */
static PPV_NOINSTR int fdtab_ours(void)
{
	return getpid() == fdtab_pid;
}

static PPV_NOINSTR void note_high(int fd)
{
	int high = atomic_load_explicit(&fdtab_high, memory_order_relaxed);

	while (fd > high && !atomic_compare_exchange_weak_explicit(&fdtab_high, &high, fd,
								   memory_order_relaxed,
								   memory_order_relaxed))
		;
}

static PPV_NOINSTR uint64_t ent_pack(const struct ppv_fdinfo *i)
{
	return ENT_VALID | (i->writable ? ENT_WRITABLE : 0) |
	       ((uint64_t)(i->fdclass & 0xff) << ENT_CLASS_SHIFT) | i->name;
}

static PPV_NOINSTR void ent_unpack(uint64_t v, struct ppv_fdinfo *i)
{
	i->fdclass = (int)((v >> ENT_CLASS_SHIFT) & 0xff);
	i->writable = (v & ENT_WRITABLE) != 0;
	i->name = (ppv_strref)v;
}

PPV_NOINSTR ppv_strref ppv_io_name_intern(const char *s, size_t len)
{
	struct ppv_strpool *p = ppv_io_names();

	return p ? ppv_strpool_intern(p, s, len) : 0;
}

PPV_NOINSTR const char *ppv_io_name_borrow(ppv_strref ref)
{
	struct ppv_strpool *p = ref ? ppv_io_names() : NULL;

	return p ? ppv_strpool_borrow(p, ref) : NULL;
}

/* Decimal digits of @v at @buf; returns their count. No stdio here. */
static PPV_NOINSTR size_t put_uint(char *buf, unsigned long v)
{
	char tmp[24];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static PPV_NOINSTR size_t format_inet(const struct sockaddr *sa, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];
	unsigned int port;
	size_t n = 0, h;
	int v6 = sa->sa_family == AF_INET6;

	if (v6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		port = ntohs(s6->sin6_port);
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		port = ntohs(s4->sin_port);
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
	}
	h = strlen(host);
	if (h + 10 > size)
		return 0;
	if (v6)
		buf[n++] = '[';
	memcpy(buf + n, host, h);
	n += h;
	if (v6)
		buf[n++] = ']';
	buf[n++] = ':';
	n += put_uint(buf + n, port);
	buf[n] = '\0';
	return n;
}

/* A path, or "unix:@name" for the abstract namespace (whose name may hold
 * NUL bytes: shown as '@'); unnamed sockets have no name. */
static PPV_NOINSTR size_t format_unix(const struct sockaddr *sa, socklen_t len, char *buf,
				     size_t size)
{
	const struct sockaddr_un *su = (const void *)sa;
	size_t plen, n = 0;

	if (len <= offsetof(struct sockaddr_un, sun_path))
		return 0;
	plen = len - offsetof(struct sockaddr_un, sun_path);
	if (plen > sizeof(su->sun_path))
		plen = sizeof(su->sun_path);
	if (su->sun_path[0] != '\0') {
		plen = strnlen(su->sun_path, plen);
		if (plen + 1 > size)
			return 0;
		memcpy(buf, su->sun_path, plen);
		buf[plen] = '\0';
		return plen;
	}
	if (plen < 2 || plen + 6 > size)
		return 0;
	memcpy(buf, "unix:@", 6);
	n = 6;
	for (size_t i = 1; i < plen; i++)
		buf[n++] = su->sun_path[i] ? su->sun_path[i] : '@';
	buf[n] = '\0';
	return n;
}

PPV_NOINSTR size_t ppv_sockaddr_format(const struct sockaddr *sa, socklen_t len, char *buf,
				       size_t size)
{
	if (!sa || len < (socklen_t)sizeof(sa_family_t))
		return 0;
	switch (sa->sa_family) {
	case AF_INET:
		return len >= (socklen_t)sizeof(struct sockaddr_in) ? format_inet(sa, buf, size) : 0;
	case AF_INET6:
		return len >= (socklen_t)sizeof(struct sockaddr_in6) ? format_inet(sa, buf, size) : 0;
	case AF_UNIX:
		return format_unix(sa, len, buf, size);
	default:
		return 0;
	}
}

PPV_NOINSTR ppv_strref ppv_sockaddr_name(const struct sockaddr *sa, socklen_t len)
{
	char buf[sizeof(struct sockaddr_un) + 8];
	size_t n = ppv_sockaddr_format(sa, len, buf, sizeof(buf));

	return n ? ppv_io_name_intern(buf, n) : 0;
}

/* What /proc says the descriptor is: a path, "pipe:[ino]", "socket:[ino]",
 * "anon_inode:[eventfd]". */
static PPV_NOINSTR ppv_strref name_from_proc(int fd)
{
	char path[32] = "/proc/self/fd/", target[4096];
	ssize_t n;

	path[14 + put_uint(path + 14, (unsigned long)fd)] = '\0';
	n = readlink(path, target, sizeof(target));
	return n > 0 && n < (ssize_t)sizeof(target) ? ppv_io_name_intern(target, (size_t)n) : 0;
}

/* A bound but unconnected socket (a listener, a UDP server) is named by
 * its own address; one with a port of 0 or no path is unnamed. */
static PPV_NOINSTR int sockaddr_is_bound(const struct sockaddr_storage *ss, socklen_t len)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)ss)->sin_port != 0;
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)(const void *)ss)->sin6_port != 0;
	return len > offsetof(struct sockaddr_un, sun_path);
}

static PPV_NOINSTR ppv_strref socket_name(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ppv_strref name = 0;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		name = ppv_sockaddr_name((struct sockaddr *)&ss, len);
	len = sizeof(ss);
	if (!name && getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    sockaddr_is_bound(&ss, len))
		name = ppv_sockaddr_name((struct sockaddr *)&ss, len);
	return name ? name : name_from_proc(fd);
}

static PPV_NOINSTR int socket_class(int fd)
{
	int domain = 0, type = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return PPV_FD_OTHER;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return PPV_FD_OTHER;
	if (domain == AF_UNIX)
		return PPV_FD_UNIX;
	if (domain != AF_INET && domain != AF_INET6)
		return PPV_FD_OTHER;
	return type == SOCK_STREAM ? PPV_FD_TCP : type == SOCK_DGRAM ? PPV_FD_UDP : PPV_FD_OTHER;
}

static PPV_NOINSTR int mode_class(int fd, mode_t mode)
{
	struct termios t;

	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFBLK:
		return PPV_FD_FILE;
	case S_IFIFO:
		return PPV_FD_PIPE;
	case S_IFSOCK:
		return socket_class(fd);
	case S_IFCHR:
		return tcgetattr(fd, &t) == 0 ? PPV_FD_TTY : PPV_FD_OTHER;
	default:
		return PPV_FD_OTHER; /* anonymous inodes: eventfd, epoll, ... */
	}
}

PPV_NOINSTR int ppv_fd_classify(int fd, struct ppv_fdinfo *out, unsigned int what)
{
	int saved_errno = errno, err = 0;
	struct stat st;
	long fl;

	memset(out, 0, sizeof(*out));
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = fd < 0 ? -EBADF : -errno;
		errno = saved_errno;
		return err;
	}
	out->fdclass = mode_class(fd, st.st_mode);
	if (what & PPV_CLASSIFY_MODE) {
		/* The raw call: our own fcntl() wrapper need not see this. */
		fl = syscall(SYS_fcntl, fd, F_GETFL);
		out->writable = fl >= 0 && (fl & O_ACCMODE) != O_RDONLY;
	}
	if (what & PPV_CLASSIFY_NAME) {
		if ((st.st_mode & S_IFMT) == S_IFSOCK)
			out->name = socket_name(fd);
		else
			out->name = name_from_proc(fd);
	}
	errno = saved_errno;
	return 0;
}

PPV_NOINSTR void ppv_fdtab_get(int fd, struct ppv_fdinfo *out)
{
	_Atomic uint64_t *e = fdtab_entry(fd, 1);
	uint64_t v = e ? atomic_load_explicit(e, memory_order_relaxed) : 0, expect = 0;

	if (ppv_likely(v & ENT_VALID)) {
		ent_unpack(v, out);
		return;
	}
	if (ppv_fd_classify(fd, out, PPV_CLASSIFY_NAME | PPV_CLASSIFY_MODE) < 0 || !e ||
	    !fdtab_ours())
		return;
	note_high(fd);
	atomic_compare_exchange_strong_explicit(e, &expect, ent_pack(out), memory_order_relaxed,
						memory_order_relaxed);
}

PPV_NOINSTR void ppv_fdtab_put(int fd, const struct ppv_fdinfo *info)
{
	_Atomic uint64_t *e = fdtab_entry(fd, 1);

	if (!e || !fdtab_ours())
		return;
	note_high(fd);
	atomic_store_explicit(e, ent_pack(info), memory_order_relaxed);
}

PPV_NOINSTR void ppv_fdtab_forget(int fd)
{
	_Atomic uint64_t *e = fdtab_entry(fd, 0);

	if (e)
		atomic_store_explicit(e, 0, memory_order_relaxed);
}

PPV_NOINSTR void ppv_fdtab_forget_range(unsigned int lo, unsigned int hi)
{
	_Atomic uint64_t *t = atomic_load_explicit(&fdtab, memory_order_acquire);
	int high = atomic_load_explicit(&fdtab_high, memory_order_relaxed);

	if (!t || high < 0)
		return;
	if (hi > (unsigned int)high)
		hi = (unsigned int)high;
	for (unsigned int fd = lo; fd <= hi; fd++)
		atomic_store_explicit(&t[fd], 0, memory_order_relaxed);
}

/*
 * The report kind of an automatic I/O event, in one place:
 *  - sockets (TCP, UDP, Unix) are network I/O, pipes and FIFOs pipe I/O;
 *  - on regular files, reads are FILE_READ and writes, fsync, fdatasync and
 *    fflush FILE_WRITE; open and close follow how the file was opened
 *    (for writing: FILE_WRITE, else FILE_READ), so that a report of
 *    written files lists the files a program writes and nothing else;
 *  - terminals, other devices and unknown descriptors are OTHER.
 */
PPV_NOINSTR int ppv_io_kind_of(int op, int fdclass, int writable)
{
	switch (fdclass) {
	case PPV_FD_TCP:
	case PPV_FD_UDP:
	case PPV_FD_UNIX:
		return PPV_IO_NETWORK;
	case PPV_FD_PIPE:
		return PPV_IO_PIPE;
	case PPV_FD_FILE:
		break;
	default:
		return PPV_IO_OTHER;
	}
	switch (op) {
	case PPV_IO_OP_READ:
		return PPV_IO_FILE_READ;
	case PPV_IO_OP_WRITE:
	case PPV_IO_OP_SYNC:
		return PPV_IO_FILE_WRITE;
	case PPV_IO_OP_OPEN:
	case PPV_IO_OP_CLOSE:
		return writable ? PPV_IO_FILE_WRITE : PPV_IO_FILE_READ;
	default:
		return PPV_IO_OTHER;
	}
}
