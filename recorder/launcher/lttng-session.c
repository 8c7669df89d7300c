/* SPDX-License-Identifier: MIT */
/*
 * lttng-session.c - the LTTng tracing session of ppv-record --backend lttng.
 *
 * Owns: reaching (or starting, and later stopping) the session daemon,
 * creating, starting, stopping and destroying one uniquely named session,
 * and the environment that makes the traced program register with it. Does
 * not own: running the program or its exit status (ppv-record.c), or the
 * events themselves (recorder/lttng/).
 *
 * The lttng CLI runs through fork/exec with no shell; its output goes to an
 * unlinked temporary file (not a pipe: a daemonizing lttng-sessiond could
 * keep a pipe open) and is shown only when a command fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lttng-session.h"

#define DEFAULT_SUBBUF (1u << 20)
#define CHANNEL "ppv"
/* How long the program waits at startup for the session daemon to have
 * registered it (LTTNG_UST_REGISTER_TIMEOUT, ms); the default of lttng-ust
 * is 3000, and -1 would wait forever for a daemon that may have died. */
#define REGISTER_TIMEOUT_MS "5000"
#define DAEMON_STOP_TIMEOUT_MS 10000

struct ppv_lttng_session {
	char name[64];
	pid_t daemon_pid; /* > 0: the session daemon this session started */
	int created;
};

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, p, n ? "/" : "", prog);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 1;
		p += n + (colon ? 1 : 0);
	}
	return 0;
}

int ppv_lttng_cli_found(void)
{
	return on_path("lttng");
}

/*
 * Run @argv (argv[0] looked up on PATH) with its stdout and stderr in @out.
 * Return: its exit status, 128+N if killed by signal N, 127 if it could not
 * be run, -1 if it could not even be started.
 */
static int run_cmd(char *const argv[], char *out, size_t outlen)
{
	char tmpl[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	int fd, status;
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	snprintf(tmpl, sizeof(tmpl), "%s/ppv-record-lttng.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		snprintf(out, outlen, "cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	unlink(tmpl);
	pid = fork();
	if (pid < 0) {
		snprintf(out, outlen, "cannot fork: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	n = pread(fd, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	/* One line for messages: the last non-empty one says what went wrong. */
	for (size_t len = strlen(out); len && (out[len - 1] == '\n' || out[len - 1] == ' ');)
		out[--len] = '\0';
	for (char *nl; (nl = strchr(out, '\n'));)
		memmove(out, nl + 1, strlen(nl + 1) + 1);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Run an lttng(1) command; print its output on failure. Return: 0 or -1. */
static int lttng(const char *what, char *const argv[])
{
	char out[4096];
	int rc = run_cmd(argv, out, sizeof(out));

	if (rc == 0)
		return 0;
	fprintf(stderr, "ppv-record: lttng %s failed (status %d): %s\n", what, rc,
		out[0] ? out : "no output");
	return -1;
}

static int daemon_reachable(void)
{
	char out[4096];
	char *argv[] = { "lttng", "list", NULL };

	return run_cmd(argv, out, sizeof(out)) == 0;
}

static int pid_file(char *buf, size_t len)
{
	const char *home = getenv("LTTNG_HOME");

	if (geteuid() == 0) {
		snprintf(buf, len, "/var/run/lttng/lttng-sessiond.pid");
		return 0;
	}
	if (!home || !*home)
		home = getenv("HOME");
	if (!home || !*home)
		return -1;
	snprintf(buf, len, "%s/.lttng/lttng-sessiond.pid", home);
	return 0;
}

static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = 0;
	fclose(f);
	return v > 1 ? (pid_t)v : -1;
}

/* Start a session daemon if none answers. Return: 0 (with *@started the
 * pid of the one started here, or 0), or -1 after printing why. */
static int ensure_daemon(pid_t *started)
{
	char *argv[] = { "lttng-sessiond", "--daemonize", "--no-kernel", NULL };
	char out[4096], pidf[PATH_MAX];
	int rc;

	*started = 0;
	if (daemon_reachable())
		return 0;
	if (!on_path("lttng-sessiond")) {
		fprintf(stderr, "ppv-record: no LTTng session daemon is running and "
			"lttng-sessiond is not installed\n");
		return -1;
	}
	if (pid_file(pidf, sizeof(pidf)) < 0) {
		fprintf(stderr, "ppv-record: cannot start lttng-sessiond: neither LTTNG_HOME nor "
			"HOME is set\n");
		return -1;
	}
	/* --daemonize returns once the daemon accepts commands. */
	rc = run_cmd(argv, out, sizeof(out));
	if (rc != 0) {
		if (daemon_reachable()) /* another one won the race: use it */
			return 0;
		fprintf(stderr, "ppv-record: cannot start lttng-sessiond (status %d): %s\n", rc,
			out[0] ? out : "no output");
		return -1;
	}
	*started = read_pid(pidf);
	if (*started <= 0) {
		fprintf(stderr, "ppv-record: warning: started lttng-sessiond but cannot read its "
			"pid from %s; it will be left running\n", pidf);
		*started = 0;
	}
	if (!daemon_reachable()) {
		fprintf(stderr, "ppv-record: lttng-sessiond started but does not answer\n");
		return -1;
	}
	return 0;
}

/* Gone, or a zombie waiting for a parent that is not us. */
static int process_gone(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static void stop_daemon(pid_t pid)
{
	struct timespec tick = { 0, 50 * 1000000L };

	if (kill(pid, SIGTERM) < 0) {
		if (errno != ESRCH)
			fprintf(stderr, "ppv-record: warning: cannot stop lttng-sessiond (pid %ld): "
				"%s\n", (long)pid, strerror(errno));
		return;
	}
	for (int waited = 0; waited < DAEMON_STOP_TIMEOUT_MS; waited += 50) {
		if (process_gone(pid)) {
			fprintf(stderr, "ppv-record: stopped the lttng-sessiond it had started "
				"(pid %ld)\n", (long)pid);
			return;
		}
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	fprintf(stderr, "ppv-record: warning: lttng-sessiond (pid %ld) ignored SIGTERM for "
		"%d s; killed it\n", (long)pid, DAEMON_STOP_TIMEOUT_MS / 1000);
}

static int session_setup(struct ppv_lttng_session *s, const struct ppv_lttng_opts *o)
{
	char output[PATH_MAX + 16], subbuf[64], timer[64];
	char *create[] = { "lttng", "create", s->name, output, NULL };
	char *chan[12] = { "lttng", "enable-channel", "--userspace", "--session", s->name,
			   subbuf, "--num-subbuf=4" };
	char *events[] = { "lttng", "enable-event", "--userspace", "--session", s->name,
			   "--channel", CHANNEL, "perprovis:*", NULL };
	char *statedump[] = { "lttng", "enable-event", "--userspace", "--session", s->name,
			      "--channel", CHANNEL, "lttng_ust_statedump:*", NULL };
	char *ctx[] = { "lttng", "add-context", "--userspace", "--session", s->name,
			"--channel", CHANNEL, "-t", "vpid", "-t", "vtid", "-t", "procname", NULL };
	char *start[] = { "lttng", "start", s->name, NULL };
	int n = 7;

	snprintf(output, sizeof(output), "--output=%s", o->dir);
	snprintf(subbuf, sizeof(subbuf), "--subbuf-size=%llu",
		 (unsigned long long)(o->subbuf_size ? o->subbuf_size : DEFAULT_SUBBUF));
	if (o->lossless)
		chan[n++] = "--blocking-timeout=inf";
	if (o->flush_ms) {
		snprintf(timer, sizeof(timer), "--switch-timer=%llu",
			 (unsigned long long)o->flush_ms * 1000u);
		chan[n++] = timer;
	}
	chan[n++] = CHANNEL;
	chan[n] = NULL;

	if (lttng("create", create))
		return -1;
	s->created = 1;
	if (lttng("enable-channel", chan) || lttng("enable-event", events) ||
	    lttng("enable-event", statedump) || lttng("add-context", ctx) ||
	    lttng("start", start))
		return -1;
	return 0;
}

int ppv_lttng_session_start(const struct ppv_lttng_opts *o, struct ppv_lttng_session **out)
{
	struct ppv_lttng_session *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		fprintf(stderr, "ppv-record: out of memory\n");
		return -1;
	}
	snprintf(s->name, sizeof(s->name), "ppv-record-%ld-%lld", (long)getpid(),
		 (long long)time(NULL));
	if (ensure_daemon(&s->daemon_pid))
		goto err_finish;
	if (session_setup(s, o))
		goto err_finish;
	*out = s;
	return 0;

err_finish:
	ppv_lttng_session_finish(s);
	return -1;
}

int ppv_lttng_session_finish(struct ppv_lttng_session *s)
{
	char *stop[] = { "lttng", "stop", s ? s->name : NULL, NULL };
	char *destroy[] = { "lttng", "destroy", s ? s->name : NULL, NULL };
	int err = 0;

	if (!s)
		return 0;
	if (s->created) {
		/* stop waits until the consumer has written everything;
		 * destroy after a failed start still removes the session. */
		err |= lttng("stop", stop);
		err |= lttng("destroy", destroy);
	}
	if (s->daemon_pid > 0)
		stop_daemon(s->daemon_pid);
	free(s);
	return err ? -1 : 0;
}

int ppv_lttng_child_env(const char *lib, int lossless)
{
	const char *old = getenv("LD_PRELOAD");
	char *preload;
	int err = 0;

	if (asprintf(&preload, "%s%s%s", lib, old && *old ? ":" : "", old ? old : "") < 0)
		return -1;
	err |= setenv("LD_PRELOAD", preload, 1);
	free(preload);
	/* Register (and get the session's events enabled, and the statedump
	 * done) before main(), so the first calls are in the trace. */
	err |= setenv("LTTNG_UST_REGISTER_TIMEOUT", REGISTER_TIMEOUT_MS, 0);
	if (lossless)
		err |= setenv("LTTNG_UST_ALLOW_BLOCKING", "1", 1);
	err |= setenv("PPV_LTTNG", "1", 1);
	/* A native recorder linked into the program stays off. */
	err |= unsetenv("PPV_DIR");
	return err ? -1 : 0;
}

