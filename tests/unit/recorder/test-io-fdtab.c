/* test-io-fdtab.c - what the I/O wrappers say a descriptor is: class and
 * name of real files, pipes, sockets on loopback, terminals and devices;
 * the descriptor table's caching and forgetting; the report kind of each
 * operation; the text of socket addresses. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <perprovis/ppv.h>
#include <perprovis/ppv-trace.h>

#include "io-fdtab.h"

struct fdi {
	int fdclass, writable;
	char name[256];
};

static struct fdi classify(int fd)
{
	struct ppv_fdinfo i;
	struct fdi r = { 0 };
	const char *n;

	cr_assert_eq(ppv_fd_classify(fd, &i, PPV_CLASSIFY_NAME | PPV_CLASSIFY_MODE), 0,
		     "fd %d", fd);
	r.fdclass = i.fdclass;
	r.writable = i.writable;
	n = ppv_io_name_borrow(i.name);
	snprintf(r.name, sizeof(r.name), "%s", n ? n : "(null)");
	return r;
}

static int port_of(int fd, int peer)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (peer)
		cr_assert_eq(getpeername(fd, (struct sockaddr *)&a, &len), 0);
	else
		cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* A socket of @type bound to 127.0.0.1 on an ephemeral port. */
static int loopback_socket(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, type, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void connect_to(int fd, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", strerror(errno));
}

TestSuite(io_classify);

Test(io_classify, a_regular_file_by_its_path_and_mode)
{
	char path[] = "/tmp/ppv-io-XXXXXX";
	int fd = mkstemp(path), ro;
	struct fdi i;

	cr_assert_geq(fd, 0);
	i = classify(fd);
	cr_assert_eq(i.fdclass, PPV_FD_FILE);
	cr_assert_eq(i.writable, 1);
	cr_assert_str_eq(i.name, path);
	ro = open(path, O_RDONLY);
	cr_assert_eq(classify(ro).writable, 0);
	close(ro);
	close(fd);
	unlink(path);
}

Test(io_classify, a_pipe_by_its_inode)
{
	int p[2];
	struct stat st;
	char want[64];
	struct fdi r, w;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(fstat(p[0], &st), 0);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	r = classify(p[0]);
	w = classify(p[1]);
	cr_assert_eq(r.fdclass, PPV_FD_PIPE);
	cr_assert_eq(w.fdclass, PPV_FD_PIPE);
	cr_assert_str_eq(r.name, want);
	cr_assert_str_eq(w.name, want);
	cr_assert_eq(r.writable, 0);
	cr_assert_eq(w.writable, 1);
}

Test(io_classify, tcp_sockets_by_their_peer_or_bound_address)
{
	int lfd = loopback_socket(SOCK_STREAM), cfd, afd;
	char want[64];
	struct fdi l, c, a;

	cr_assert_eq(listen(lfd, 4), 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	connect_to(cfd, port_of(lfd, 0));
	afd = accept(lfd, NULL, NULL);
	cr_assert_geq(afd, 0);
	l = classify(lfd);
	c = classify(cfd);
	a = classify(afd);
	cr_assert_eq(l.fdclass, PPV_FD_TCP);
	cr_assert_eq(c.fdclass, PPV_FD_TCP);
	cr_assert_eq(a.fdclass, PPV_FD_TCP);
	snprintf(want, sizeof(want), "127.0.0.1:%d", port_of(lfd, 0));
	cr_assert_str_eq(l.name, want, "a listener is named by its own address");
	cr_assert_str_eq(c.name, want, "a client is named by its server");
	snprintf(want, sizeof(want), "127.0.0.1:%d", port_of(cfd, 0));
	cr_assert_str_eq(a.name, want, "an accepted socket is named by its client");
}

Test(io_classify, udp_sockets_connected_or_not)
{
	int srv = loopback_socket(SOCK_DGRAM), cli = socket(AF_INET, SOCK_DGRAM, 0);
	char want[64];

	snprintf(want, sizeof(want), "127.0.0.1:%d", port_of(srv, 0));
	cr_assert_eq(classify(srv).fdclass, PPV_FD_UDP);
	cr_assert_str_eq(classify(srv).name, want);
	connect_to(cli, port_of(srv, 0));
	cr_assert_eq(classify(cli).fdclass, PPV_FD_UDP);
	cr_assert_str_eq(classify(cli).name, want);
}

Test(io_classify, unix_sockets_by_path_abstract_name_or_inode)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int sv[2], named = socket(AF_UNIX, SOCK_STREAM, 0), abstract = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct stat st;
	char want[64];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(fstat(sv[0], &st), 0);
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	cr_assert_eq(classify(sv[0]).fdclass, PPV_FD_UNIX);
	cr_assert_str_eq(classify(sv[0]).name, want);

	snprintf(a.sun_path, sizeof(a.sun_path), "/tmp/ppv-io-test-%d.sock", (int)getpid());
	unlink(a.sun_path);
	cr_assert_eq(bind(named, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(classify(named).fdclass, PPV_FD_UNIX);
	cr_assert_str_eq(classify(named).name, a.sun_path);
	unlink(a.sun_path);

	memset(a.sun_path, 0, sizeof(a.sun_path));
	memcpy(a.sun_path + 1, "ppv-test", 8);
	cr_assert_eq(bind(abstract, (struct sockaddr *)&a,
			  offsetof(struct sockaddr_un, sun_path) + 1 + 8), 0);
	cr_assert_eq(classify(abstract).fdclass, PPV_FD_UNIX);
	cr_assert_str_eq(classify(abstract).name, "unix:@ppv-test");
}

Test(io_classify, dev_null_is_other_and_a_pty_is_a_tty)
{
	int null = open("/dev/null", O_RDWR), master = posix_openpt(O_RDWR | O_NOCTTY), slave;
	struct fdi m, s;

	cr_assert_eq(classify(null).fdclass, PPV_FD_OTHER);
	cr_assert_str_eq(classify(null).name, "/dev/null");
	cr_assert_geq(master, 0, "posix_openpt: %s", strerror(errno));
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	cr_assert_geq(slave, 0);
	m = classify(master);
	s = classify(slave);
	cr_assert_eq(m.fdclass, PPV_FD_TTY);
	cr_assert_eq(s.fdclass, PPV_FD_TTY);
	cr_assert_str_eq(s.name, ptsname(master));
}

Test(io_classify, a_closed_descriptor_is_unknown_and_errno_is_kept)
{
	struct ppv_fdinfo i;
	int fd = open("/dev/null", O_RDONLY);

	close(fd);
	errno = EDOM;
	cr_assert_eq(ppv_fd_classify(fd, &i, PPV_CLASSIFY_NAME), -EBADF);
	cr_assert_eq(i.fdclass, PPV_FD_UNKNOWN);
	cr_assert_eq(i.name, 0);
	cr_assert_eq(errno, EDOM);
	cr_assert_eq(ppv_fd_classify(-1, &i, 0), -EBADF);
}

TestSuite(io_fdtab);

/* dup2 through the system call: the wrappers must not see it. */
static void raw_dup2(int old, int newfd)
{
	cr_assert_eq(syscall(SYS_dup2, old, newfd), newfd);
}

Test(io_fdtab, classifies_once_then_answers_from_the_table)
{
	int p[2], null = open("/dev/null", O_RDONLY);
	struct ppv_fdinfo i;

	cr_assert_eq(pipe(p), 0);
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
	raw_dup2(null, p[0]); /* unseen: the table still says pipe */
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
	ppv_fdtab_forget(p[0]);
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.fdclass, PPV_FD_OTHER);
	cr_assert_str_eq(ppv_io_name_borrow(i.name), "/dev/null");
}

/* Cache /dev/null at a number, close it unseen (the raw system call), and
 * return the number: whatever the next wrapped call creates there must be
 * classified afresh. */
static int cached_then_closed_unseen(void)
{
	int fd = open("/dev/null", O_RDONLY);
	struct ppv_fdinfo i;

	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_OTHER);
	cr_assert_eq(syscall(SYS_close, fd), 0);
	return fd;
}

Test(io_fdtab, forgets_what_the_wrapped_calls_create)
{
	struct ppv_fdinfo i;
	int fd, p[2], sv[2];

	fd = cached_then_closed_unseen();
	cr_assert_eq(socket(AF_INET, SOCK_DGRAM, 0), fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_UDP, "socket()");
	cr_assert_eq(syscall(SYS_close, fd), 0);

	fd = cached_then_closed_unseen();
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(sv[0], fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_UNIX, "socketpair()");

	fd = cached_then_closed_unseen();
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(p[0], fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE, "pipe()");

	fd = cached_then_closed_unseen();
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(p[0], fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE, "pipe2()");

	fd = cached_then_closed_unseen();
	cr_assert_eq(dup(sv[1]), fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_UNIX, "dup()");

	fd = cached_then_closed_unseen();
	cr_assert_eq(fcntl(sv[1], F_DUPFD, 0), fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_UNIX, "fcntl(F_DUPFD)");
}

Test(io_fdtab, forgets_what_the_wrapped_calls_replace)
{
	int p[2], null = open("/dev/null", O_RDONLY), fd;
	struct ppv_fdinfo i;

	cr_assert_eq(pipe(p), 0);
	ppv_fdtab_get(p[1], &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
	cr_assert_eq(dup2(null, p[1]), p[1]);
	ppv_fdtab_get(p[1], &i);
	cr_assert_eq(i.fdclass, PPV_FD_OTHER, "dup2()");
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(dup3(null, p[0], O_CLOEXEC), p[0]);
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.fdclass, PPV_FD_OTHER, "dup3()");

	ppv_fdtab_get(null, &i);
	cr_assert_eq(close(null), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0); /* reuses the number */
	cr_assert_eq(fd, null);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_TCP, "close()");
}

Test(io_fdtab, forgets_through_fcntl_dupfd_and_dup)
{
	int p[2], null = open("/dev/null", O_RDONLY), fd;
	struct ppv_fdinfo i;

	cr_assert_eq(pipe(p), 0);
	fd = p[0];
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
	cr_assert_eq(close(fd), 0);
	cr_assert_eq(fcntl(null, F_DUPFD_CLOEXEC, fd), fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_OTHER);
	cr_assert_eq(fcntl(fd, F_GETFD), FD_CLOEXEC, "fcntl's int argument reaches the kernel");
	cr_assert_eq(close(fd), 0);
	cr_assert_eq(dup(p[1]), fd);
	ppv_fdtab_get(fd, &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
	cr_assert_eq(i.writable, 1);
}

/* A vfork() child shares the table but not the descriptors: what it finds
 * behind a number must not be cached for its parent. */
Test(io_fdtab, a_vfork_child_never_fills_its_parents_table)
{
	int p[2], null = open("/dev/null", O_RDONLY), status;
	struct ppv_fdinfo i;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = vfork();
	if (pid == 0) {
		syscall(SYS_dup2, null, p[0]);
		ppv_fdtab_get(p[0], &i);
		_exit(i.fdclass == PPV_FD_OTHER ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(WEXITSTATUS(status), 0, "the child sees its own /dev/null");
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
}

/* A fork() child owns its copy of the table. */
Test(io_fdtab, a_fork_child_fills_its_own_table)
{
	int p[2], null = open("/dev/null", O_RDONLY), status;
	struct ppv_fdinfo i;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	ppv_fdtab_get(p[0], &i);
	pid = fork();
	if (pid == 0) {
		ppv_fdtab_forget(p[0]);
		syscall(SYS_dup2, null, p[0]);
		ppv_fdtab_get(p[0], &i);
		syscall(SYS_dup2, p[1], p[0]);
		ppv_fdtab_get(p[0], &i); /* from the table: still /dev/null */
		_exit(i.fdclass == PPV_FD_OTHER ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(WEXITSTATUS(status), 0, "the child caches what it classifies");
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
}

/* The table is sized from ppv_fdtab_size when first used; each test runs
 * in a fresh process, so this one may shrink it. */
static void small_table(void)
{
	ppv_fdtab_size = 16;
}

Test(io_fdtab, classifies_descriptors_beyond_the_table_on_every_call, .init = small_table)
{
	int p[2], big = 20, null = open("/dev/null", O_RDONLY);
	struct ppv_fdinfo i;

	cr_assert_eq(pipe(p), 0);
	raw_dup2(p[0], big);
	ppv_fdtab_get(big, &i);
	cr_assert_eq(i.fdclass, PPV_FD_PIPE);
	raw_dup2(null, big); /* unseen, yet seen: nothing was cached */
	ppv_fdtab_get(big, &i);
	cr_assert_eq(i.fdclass, PPV_FD_OTHER);
	cr_assert_str_eq(ppv_io_name_borrow(i.name), "/dev/null");
}

Test(io_fdtab, forgets_ranges_up_to_the_highest_cached_fd)
{
	int p[2];
	struct ppv_fdinfo i;

	cr_assert_eq(pipe(p), 0);
	ppv_fdtab_get(p[0], &i);
	raw_dup2(p[1], p[0]);
	ppv_fdtab_forget_range(0, ~0u);
	ppv_fdtab_get(p[0], &i);
	cr_assert_eq(i.writable, 1, "the entry was forgotten, so read afresh");
}

TestSuite(io_kind);

Test(io_kind, maps_each_class_and_operation)
{
	static const int ops[] = { PPV_IO_OP_READ, PPV_IO_OP_WRITE, PPV_IO_OP_OPEN,
				   PPV_IO_OP_CLOSE, PPV_IO_OP_CONNECT, PPV_IO_OP_ACCEPT,
				   PPV_IO_OP_SYNC };

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		for (int w = 0; w < 2; w++) {
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_TCP, w), PPV_IO_NETWORK);
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_UDP, w), PPV_IO_NETWORK);
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_UNIX, w), PPV_IO_NETWORK);
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_PIPE, w), PPV_IO_PIPE);
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_TTY, w), PPV_IO_OTHER);
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_OTHER, w), PPV_IO_OTHER);
			cr_assert_eq(ppv_io_kind_of(ops[k], PPV_FD_UNKNOWN, w), PPV_IO_OTHER);
		}
	for (int w = 0; w < 2; w++) {
		cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_READ, PPV_FD_FILE, w), PPV_IO_FILE_READ);
		cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_WRITE, PPV_FD_FILE, w), PPV_IO_FILE_WRITE);
		cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_SYNC, PPV_FD_FILE, w), PPV_IO_FILE_WRITE);
	}
	cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_OPEN, PPV_FD_FILE, 0), PPV_IO_FILE_READ);
	cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_OPEN, PPV_FD_FILE, 1), PPV_IO_FILE_WRITE);
	cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_CLOSE, PPV_FD_FILE, 0), PPV_IO_FILE_READ);
	cr_assert_eq(ppv_io_kind_of(PPV_IO_OP_CLOSE, PPV_FD_FILE, 1), PPV_IO_FILE_WRITE);
}

TestSuite(io_sockaddr);

static const char *fmt(const void *sa, socklen_t len)
{
	static char buf[128];

	return ppv_sockaddr_format(sa, len, buf, sizeof(buf)) ? buf : "(none)";
}

Test(io_sockaddr, formats_inet_inet6_and_unix_addresses)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(8080) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(80),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/run/x.sock" };
	struct sockaddr_un ab = { .sun_family = AF_UNIX, .sun_path = "\0srv\0a" };

	inet_pton(AF_INET, "10.1.2.3", &a4.sin_addr);
	cr_assert_str_eq(fmt(&a4, sizeof(a4)), "10.1.2.3:8080");
	cr_assert_str_eq(fmt(&a6, sizeof(a6)), "[::1]:80");
	cr_assert_str_eq(fmt(&un, sizeof(un)), "/run/x.sock");
	cr_assert_str_eq(fmt(&ab, offsetof(struct sockaddr_un, sun_path) + 6), "unix:@srv@a");
	cr_assert_str_eq(fmt(&un, sizeof(sa_family_t)), "(none)", "an unnamed Unix socket");
	cr_assert_str_eq(fmt(&a4, 4), "(none)", "a truncated address");
	cr_assert_str_eq(fmt(NULL, 0), "(none)");
}
