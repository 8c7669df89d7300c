/* SPDX-License-Identifier: MIT */
/*
 * ppv-record.c - run a program with the recorder preloaded.
 *
 * Owns: finding the program and the runtime library, preparing the trace
 * directory, the environment that carries the settings to the runtime,
 * forwarding signals, and exiting with the program's status (128+N for a
 * death by signal N). Does not own: recording (the runtime does it inside
 * the program), the symbol tables (embed-symbols.c) or, with --backend
 * lttng, the LTTng session (lttng-session.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "embed-symbols.h"
#include "lttng-session.h"
#include "trace-dir.h"
#include "record-opts.h"

#ifndef PPV_LIBDIR
#define PPV_LIBDIR "/usr/local/lib"
#endif
#define RECORDER_SO "libppv-recorder.so"
#define RECORDER_LTTNG_SO "libppv-recorder-lttng.so"

static volatile pid_t child_pid;

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				 SIGWINCH, SIGCONT, SIGALRM };

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Resolve @prog like execvp(). Return: 0, 127 (not found) or 126. */
static int resolve_program(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH");
	int seen = 0;

	if (strchr(prog, '/')) {
		snprintf(out, len, "%s", prog);
		if (access(prog, F_OK) != 0)
			return 127;
		return is_executable_file(prog) ? 0 : 126;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);

		snprintf(out, len, "%.*s%s%s", (int)n, p, n ? "/" : "", prog);
		if (is_executable_file(out))
			return 0;
		if (access(out, F_OK) == 0)
			seen = 1;
		p += n + (colon ? 1 : 0);
	}
	return seen ? 126 : 127;
}

/* The first readable candidate, made canonical so traces name it plainly. */
static int found(char *out, size_t len)
{
	char canon[PATH_MAX];

	if (access(out, R_OK) != 0)
		return -1;
	if (realpath(out, canon))
		snprintf(out, len, "%s", canon);
	return 0;
}

/* @so beside ppv-record, in the build tree (@build_sub/ under recorder/),
 * or installed; $@env_var overrides. */
static int find_runtime(const char *so, const char *env_var, const char *build_sub, char *out,
			size_t len)
{
	char self[PATH_MAX];
	const char *env = getenv(env_var);
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return found(out, len);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(out, len, "%s/%s", self, so);
		if (found(out, len) == 0)
			return 0;
		snprintf(out, len, "%s/../%s%s", self, build_sub, so); /* the build tree */
		if (found(out, len) == 0)
			return 0;
	}
	snprintf(out, len, "%s/%s", PPV_LIBDIR, so);
	return found(out, len);
}

static int set_env(const struct ppv_record_opts *o, const char *dir, const char *lib)
{
	char abs[PATH_MAX], num[32], *preload;
	const char *old = getenv("LD_PRELOAD");
	int err;

	if (!realpath(dir, abs))
		return -errno;
	if (asprintf(&preload, "%s%s%s", lib, old && *old ? ":" : "", old ? old : "") < 0)
		return -ENOMEM;
	err = setenv("LD_PRELOAD", preload, 1) | setenv("PPV_DIR", abs, 1) |
	      setenv("PPV_MODE", o->mode, 1);
	free(preload);
	if (o->buffer_size) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)o->buffer_size);
		err |= setenv("PPV_BUFFER_SIZE", num, 1);
	}
	if (o->flush_ms) {
		snprintf(num, sizeof(num), "%u", o->flush_ms);
		err |= setenv("PPV_FLUSH_MS", num, 1);
	}
	err |= ppv_record_opts_env(o);
	return err ? -ENOMEM : 0;
}

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void install_forwarding(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* A signal ppv-record was started with ignored (nohup, a shell's
	 * trap '') stays ignored: the program inherits that disposition, as
	 * it would without us, and there is nothing to forward. */
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		struct sigaction cur;

		if (sigaction(forwarded[i], NULL, &cur) == 0 && cur.sa_handler == SIG_IGN)
			continue;
		sigaction(forwarded[i], &sa, NULL);
	}
}

struct lttng_child {
	const char *lib;
	int lossless;
};

static int lttng_child_setup(void *arg)
{
	const struct lttng_child *c = arg;

	return ppv_lttng_child_env(c->lib, c->lossless);
}

/* @child_setup, if not NULL, runs in the child before exec (the LTTng
 * backend keeps its preload out of the lttng commands ppv-record runs). */
static int run_program(const char *path, char **argv, int *status,
		       int (*child_setup)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "ppv-record: cannot fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (child_setup && child_setup(arg) < 0) {
			fprintf(stderr, "ppv-record: cannot set up the environment of %s\n",
				argv[0]);
			_exit(1);
		}
		execv(path, argv);
		fprintf(stderr, "ppv-record: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	child_pid = pid;
	install_forwarding();
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static void report(const char *dir, const char *prog)
{
	struct ppv_embed_summary s;
	char images[48] = "";
	int err = ppv_embed_symbols(dir, &s);

	if (err)
		fprintf(stderr, "ppv-record: warning: cannot write %s/symbols.ppvsym: %s\n", dir,
			strerror(-err));

	if (s.images != s.processes)
		snprintf(images, sizeof(images), " in %u images (exec)", s.images);
	fprintf(stderr, "ppv-record: trace written to %s (%u process%s%s, %llu events, %llu lost, "
		"%.1f KiB; symbols of %u/%u modules embedded)\n", dir, s.processes,
		s.processes == 1 ? "" : "es", images, (unsigned long long)s.events,
		(unsigned long long)s.lost, (double)s.bytes / 1024.0, s.embedded, s.modules);
	(void)prog;
}

static int exit_status(const char *prog, int status)
{
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "ppv-record: %s killed by signal %d (%s)\n", prog,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

/* --backend lttng: the same program handling and exit status as the native
 * path, around an LTTng session instead of the native runtime. */
static int record_lttng(const struct ppv_record_opts *o, const char *prog, const char *dir)
{
	struct ppv_lttng_opts lo = { 0 };
	struct ppv_lttng_session *s;
	struct lttng_child child;
	char lib[PATH_MAX], abs[PATH_MAX];
	int status, ran;

#ifndef PPV_HAVE_LTTNG
	(void)lib;
	fprintf(stderr, "ppv-record was built without the LTTng backend (it needs "
		"liblttng-ust-dev and meson -Dlttng=enabled)\n");
	return 1;
#endif
	if (find_runtime(RECORDER_LTTNG_SO, "PPV_RECORDER_LTTNG_LIB", "lttng/", lib,
			 sizeof(lib)) != 0) {
		fprintf(stderr, "ppv-record: cannot find %s (looked beside ppv-record and in %s; "
			"set PPV_RECORDER_LTTNG_LIB)\n", RECORDER_LTTNG_SO, PPV_LIBDIR);
		return 1;
	}
	if (!ppv_lttng_cli_found()) {
		fprintf(stderr, "ppv-record: the lttng command is not installed (it comes with "
			"lttng-tools); it is needed for --backend lttng\n");
		return 1;
	}
	if (ppv_trace_dir_prepare(dir, o->force))
		return 1;
	if (!realpath(dir, abs)) {
		fprintf(stderr, "ppv-record: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	lo.dir = abs;
	lo.lossless = strcmp(o->mode, "lossless") == 0;
	lo.subbuf_size = o->buffer_size;
	lo.flush_ms = o->flush_ms;
	if (ppv_lttng_session_start(&lo, &s))
		return 1;
	child.lib = lib;
	child.lossless = lo.lossless;
	ran = run_program(prog, o->argv, &status, lttng_child_setup, &child);
	if (ppv_lttng_session_finish(s) < 0)
		fprintf(stderr, "ppv-record: warning: the LTTng session did not end cleanly; "
			"the trace in %s may be incomplete\n", dir);
	if (ran < 0)
		return 1;
	fprintf(stderr, "ppv-record: CTF trace written to %s (read it with babeltrace2 %s or "
		"ppv-analyze)\n", abs, abs);
	return exit_status(o->argv[0], status);
}

int main(int argc, char **argv)
{
	struct ppv_record_opts o;
	char prog[PATH_MAX], lib[PATH_MAX], defdir[PATH_MAX];
	const char *dir;
	int rc, status;

	if (ppv_record_opts_parse(argc, argv, &o, stderr))
		return 2;
	if (o.help) {
		ppv_record_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("ppv-record (PerProVis) %s\n", PPV_VERSION_STRING);
		return 0;
	}
	rc = resolve_program(o.argv[0], prog, sizeof(prog));
	if (rc) {
		fprintf(stderr, "ppv-record: %s: %s\n", o.argv[0],
			rc == 127 ? "command not found" : "Permission denied");
		return rc;
	}
	if (!o.output) {
		const char *base = strrchr(o.argv[0], '/');

		snprintf(defdir, sizeof(defdir), "%s.ppv", base ? base + 1 : o.argv[0]);
	}
	dir = o.output ? o.output : defdir;
	if (o.backend == PPV_BACKEND_LTTNG)
		return record_lttng(&o, prog, dir);
	if (find_runtime(RECORDER_SO, "PPV_RECORDER_LIB", "", lib, sizeof(lib)) != 0) {
		fprintf(stderr, "ppv-record: cannot find %s (looked beside ppv-record and in %s; "
			"set PPV_RECORDER_LIB)\n", RECORDER_SO, PPV_LIBDIR);
		return 1;
	}
	if (ppv_trace_dir_prepare(dir, o.force))
		return 1;
	if (set_env(&o, dir, lib) < 0) {
		fprintf(stderr, "ppv-record: cannot set up the environment for %s\n", dir);
		return 1;
	}
	if (run_program(prog, o.argv, &status, NULL, NULL) < 0)
		return 1;
	report(dir, o.argv[0]);
	return exit_status(o.argv[0], status);
}
