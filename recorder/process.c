/* SPDX-License-Identifier: MIT */
/*
 * process.c - the recorder's part in process trees: it interposes the calls
 * that end or replace a process image without running destructors (_exit,
 * _Exit, the exec family), so that the image's trace file is complete.
 *
 * Owns: those wrappers. fork() children are handled by pthread_atfork in
 * control.c; posix_spawn() and system() children exec at once, and their
 * new image starts its own session from the environment.
 *
 * vfork() and posix_spawn() children share their parent's memory until
 * they exec or _exit: they see the parent's session as open, but it is not
 * theirs (ppv_session_owned() compares pids), so they pass straight through
 * and leave the parent's rings and writer alone.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pause.h"
#include "recorder.h"

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);

extern char **environ;

/* The next definition of @name (libc's). Through a union: ISO C has no
 * conversion from dlsym()'s object pointer to a function pointer. */
#define REAL(type, name)                                                                     \
	(((union {                                                                           \
		 void *p;                                                                    \
		 type fn;                                                                    \
	 }){ .p = dlsym(RTLD_NEXT, name) })                                                  \
		 .fn)

/* What before_exec() changed, for after_failed_exec() to undo. Bit 0: the
 * session was closed; the signal number above it: the pause signal was
 * handed back as ignored (see ppv_signal_before_exec()). */
static PPV_NOINSTR int before_exec(void)
{
	int saved = errno, closed = ppv_session_end_for_exec();
	int sig = ppv_signal_before_exec();

	errno = saved;
	return closed | sig << 1;
}

static PPV_NOINSTR void after_failed_exec(int undo)
{
	int saved = errno;

	ppv_signal_exec_failed(undo >> 1);
	if (undo & 1)
		ppv_session_reopen_after_exec();
	errno = saved;
}

PPV_API PPV_NOINSTR int execve(const char *path, char *const argv[], char *const envp[])
{
	execve_fn fn = REAL(execve_fn, "execve");
	int closed, rc;

	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	/* A shell searching PATH tries execve() on every directory: those
	 * that cannot succeed must not close and reopen the trace each time. */
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) != 0)
		return fn(path, argv, envp);
	closed = before_exec();
	rc = fn(path, argv, envp);
	after_failed_exec(closed);
	return rc;
}

PPV_API PPV_NOINSTR int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

static PPV_NOINSTR int exec_path_search(const char *name, const char *file, char *const argv[],
					char *const envp[])
{
	int closed, rc;

	closed = before_exec();
	if (envp == environ) {
		execv_fn fn = REAL(execv_fn, name);

		rc = fn ? fn(file, argv) : (errno = ENOSYS, -1);
	} else {
		execve_fn fn = REAL(execve_fn, "execvpe");

		rc = fn ? fn(file, argv, envp) : (errno = ENOSYS, -1);
	}
	after_failed_exec(closed);
	return rc;
}

PPV_API PPV_NOINSTR int execvp(const char *file, char *const argv[])
{
	return exec_path_search("execvp", file, argv, environ);
}

PPV_API PPV_NOINSTR int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return exec_path_search("execvpe", file, argv, envp);
}

PPV_API PPV_NOINSTR int fexecve(int fd, char *const argv[], char *const envp[])
{
	fexecve_fn fn = REAL(fexecve_fn, "fexecve");
	int closed, rc;

	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	closed = before_exec();
	rc = fn(fd, argv, envp);
	after_failed_exec(closed);
	return rc;
}

/*
 * The execl family is variadic; glibc implements it with an internal call
 * to execve that the PLT never sees, so it is wrapped here as glibc does
 * it: count the arguments, copy them into an array on the stack.
 */
#define COLLECT_ARGS(arg0, ap, argv, extra)                                                  \
	size_t n_ = 1;                                                                       \
	va_start(ap, arg0);                                                                  \
	while (va_arg(ap, const char *))                                                     \
		n_++;                                                                        \
	va_end(ap);                                                                          \
	if (n_ > 1u << 20) {                                                                 \
		errno = E2BIG;                                                               \
		return -1;                                                                   \
	}                                                                                    \
	char *argv[n_ + 1];                                                                  \
	va_start(ap, arg0);                                                                  \
	argv[0] = (char *)(arg0);                                                            \
	for (size_t i_ = 1; i_ <= n_; i_++)                                                  \
		argv[i_] = va_arg(ap, char *);                                               \
	extra;                                                                               \
	va_end(ap)

PPV_API PPV_NOINSTR int execl(const char *path, const char *arg, ...)
{
	va_list ap;

	COLLECT_ARGS(arg, ap, argv, (void)0);
	return execve(path, argv, environ);
}

PPV_API PPV_NOINSTR int execlp(const char *file, const char *arg, ...)
{
	va_list ap;

	COLLECT_ARGS(arg, ap, argv, (void)0);
	return execvp(file, argv);
}

PPV_API PPV_NOINSTR int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **envp;

	COLLECT_ARGS(arg, ap, argv, envp = va_arg(ap, char **));
	return execve(path, argv, envp);
}

/*
 * _exit() skips destructors, so without this a fork child that ends with
 * it (the usual way) would leave a file holding only its header.
 */
static PPV_NOINSTR _Noreturn void exit_now(int status)
{
	ppv_session_end_for_exec();
	syscall(SYS_exit_group, status);
	for (;;)
		syscall(SYS_exit, status);
}

PPV_API PPV_NOINSTR _Noreturn void _exit(int status)
{
	exit_now(status);
}

PPV_API PPV_NOINSTR _Noreturn void _Exit(int status)
{
	exit_now(status);
}
