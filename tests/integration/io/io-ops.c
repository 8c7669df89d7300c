/* io-ops.c DIR - one of each I/O call the recorder interposes, each in a
 * named function, on real files in DIR, a pipe, TCP, UDP and Unix sockets
 * on loopback, and stdio streams. It prints every result and errno (never
 * a descriptor number or a port: they differ when recorded), so a recorded
 * run must print exactly what an unrecorded one does.
 *
 * Built three times: plain, with _FORTIFY_SOURCE (the __*_chk and
 * __open*_2 entry points) and with both _FORTIFY_SOURCE and 64-bit file
 * offsets (the *64 names); every build must be recorded identically. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sizes the compiler cannot see: fortified calls then take their __*_chk
 * entry points instead of the plain ones. */
static volatile size_t n64 = 64, n100 = 100, n50 = 50;
static volatile int rdonly = O_RDONLY;

static char dir[512];

static void say(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* A descriptor: its number is not printed, only whether the call worked. */
static int say_fd(const char *what, int fd)
{
	if (fd < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: ok\n", what);
	return fd;
}

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void file_write(void)
{
	char path[600], buf[100];
	struct iovec iov[2] = { { buf, 10 }, { buf, 20 } };
	int fd;

	memset(buf, 'w', sizeof(buf));
	path_of(path, sizeof(path), "data.bin");
	fd = say_fd("open data.bin", open(path, O_CREAT | O_RDWR | O_TRUNC, 0644));
	say("write", write(fd, buf, n100));
	say("pwrite", pwrite(fd, buf, n50, 100));
	say("writev", writev(fd, iov, 2));
	say("fsync", fsync(fd));
	say("fdatasync", fdatasync(fd));
	say("close", close(fd));
}

static void file_read(void)
{
	char path[600], buf[200];
	struct iovec iov[2] = { { buf, 30 }, { buf + 30, 30 } };
	int fd, dfd;

	path_of(path, sizeof(path), "data.bin");
	fd = say_fd("open data.bin ro", open(path, rdonly));
	say("pread", pread(fd, buf, n50, 0));
	say("readv", readv(fd, iov, 2));
	say("read", read(fd, buf, n100));
	say("read at end", read(fd, buf, n100));
	say("close", close(fd));
	dfd = say_fd("open dir", open(dir, O_RDONLY | O_DIRECTORY));
	fd = say_fd("openat data.bin", openat(dfd, "data.bin", rdonly));
	say("read", read(fd, buf, n64));
	say("close", close(fd));
	say("close dir", close(dfd));
}

static void file_errors(void)
{
	char path[600], buf[16];
	int fd;

	path_of(path, sizeof(path), "missing");
	say_fd("open missing", open(path, rdonly));
	fd = open("/dev/null", O_RDONLY);
	close(fd);
	say("read closed fd", read(fd, buf, sizeof(buf)));
}

static void pipe_ops(void)
{
	int p[2];
	char buf[64];

	say("pipe", pipe(p));
	memset(buf, 'p', sizeof(buf));
	say("write pipe", write(p[1], buf, n64));
	say("read pipe", read(p[0], buf, n64));
	say("close", close(p[1]));
	say("read eof", read(p[0], buf, n64));
	say("close", close(p[0]));
}

static int tcp_listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)a, sizeof(*a)) < 0 || listen(lfd, 8) < 0 ||
	    getsockname(lfd, (struct sockaddr *)a, &len) < 0) {
		perror("tcp listener");
		exit(2);
	}
	return lfd;
}

static void tcp_messages(int cfd, int sfd)
{
	char buf[128], rbuf[128];
	struct iovec iov = { buf, 40 }, riov = { rbuf, sizeof(rbuf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1 };

	memset(buf, 't', sizeof(buf));
	say("send", send(cfd, buf, n100, 0));
	say("recv", recv(sfd, rbuf, n100, MSG_WAITALL));
	say("sendmsg", sendmsg(cfd, &m, 0));
	say("recvmsg", recvmsg(sfd, &rm, 0));
	say("write sock", write(sfd, buf, n64));
	say("read sock", read(cfd, rbuf, n64));
}

static void tcp_ops(void)
{
	struct sockaddr_in a;
	int lfd = tcp_listener(&a), cfd, sfd, c2, s2;

	cfd = socket(AF_INET, SOCK_STREAM, 0);
	say("connect", connect(cfd, (struct sockaddr *)&a, sizeof(a)));
	sfd = say_fd("accept", accept(lfd, NULL, NULL));
	tcp_messages(cfd, sfd);
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	say("connect", connect(c2, (struct sockaddr *)&a, sizeof(a)));
	s2 = say_fd("accept4", accept4(lfd, NULL, NULL, SOCK_CLOEXEC));
	say("close", close(c2));
	say("close", close(s2));
	say("close", close(cfd));
	say("close", close(sfd));
	say("close", close(lfd));
}

static void udp_ops(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in from;
	socklen_t len = sizeof(a);
	int srv = socket(AF_INET, SOCK_DGRAM, 0), cli = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[64];

	if (bind(srv, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(srv, (struct sockaddr *)&a, &len) < 0) {
		perror("udp");
		exit(2);
	}
	memset(buf, 'u', sizeof(buf));
	say("sendto", sendto(cli, buf, 32, 0, (struct sockaddr *)&a, sizeof(a)));
	len = sizeof(from);
	say("recvfrom", recvfrom(srv, buf, n64, 0, (struct sockaddr *)&from, &len));
	say("close", close(cli));
	say("close", close(srv));
}

static void unix_ops(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0), cfd = socket(AF_UNIX, SOCK_STREAM, 0), sfd;
	char buf[64];

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/sock", dir);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 4) < 0) {
		perror("unix");
		exit(2);
	}
	say("connect unix", connect(cfd, (struct sockaddr *)&a, sizeof(a)));
	sfd = say_fd("accept unix", accept(lfd, NULL, NULL));
	memset(buf, 'x', sizeof(buf));
	say("write unix", write(cfd, buf, 48));
	say("read unix", read(sfd, buf, n64));
	say("close", close(cfd));
	say("close", close(sfd));
	say("close", close(lfd));
}

static void stdio_ops(void)
{
	char path[600], buf[300];
	FILE *f;

	path_of(path, sizeof(path), "stream.txt");
	memset(buf, 's', sizeof(buf));
	f = fopen(path, "w");
	printf("fopen w: %s\n", f ? "ok" : strerrorname_np(errno));
	say("fwrite", (long)fwrite(buf, 1, 200, f));
	say("fflush", fflush(f));
	say("fwrite", (long)fwrite(buf, 10, 3, f)); /* buffered: written by fclose */
	say("fclose", fclose(f));
	f = fopen(path, "r");
	printf("fopen r: %s\n", f ? "ok" : strerrorname_np(errno));
	say("fread", (long)fread(buf, 1, n100 * 3, f));
	say("fclose", fclose(f));
	f = fopen("/nonexistent/x", "r");
	printf("fopen missing: %s\n", f ? "ok" : strerrorname_np(errno));
	say("fflush all", fflush(NULL));
}

/* A signal handler's I/O while the program blocks in read() is recorded
 * too: the wrapper does not hold the recorder's guard across the call. */
static int alarm_pipe[2];

static void on_alarm(int sig)
{
	int saved_errno = errno;

	if (write(alarm_pipe[1], "sig", 3) != 3)
		_exit(3);
	errno = saved_errno;
}

static void signal_ops(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval in10ms = { .it_value = { 0, 10000 } };
	char buf[64];

	say("pipe", pipe(alarm_pipe));
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &in10ms, NULL);
	say("read woken by a signal handler", read(alarm_pipe[0], buf, n64));
	say("close", close(alarm_pipe[0]));
	say("close", close(alarm_pipe[1]));
}

/* A fork child records into its own file; the recorder's own calls there
 * (closing the parent's trace file, opening its own) are not recorded. */
static void fork_ops(void)
{
	int p[2], status;
	char buf[16] = "child";
	pid_t pid;

	say("pipe", pipe(p));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		exit(write(p[1], buf, 10) == 10 ? 0 : 1);
	}
	close(p[1]);
	say("read from child", read(p[0], buf, 16));
	close(p[0]);
	waitpid(pid, &status, 0);
	say("child status", WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: io-ops DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	file_write();
	file_read();
	file_errors();
	pipe_ops();
	tcp_ops();
	udp_ops();
	unix_ops();
	stdio_ops();
	signal_ops();
	fork_ops();
	fflush(stdout);
	return 0;
}
