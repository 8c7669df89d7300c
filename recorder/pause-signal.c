/* SPDX-License-Identifier: MIT */
/*
 * pause-signal.c - ppv-record --signal SIG: SIG toggles recording, and the
 * program keeps its own use of SIG.
 *
 * Owns: our handler for SIG, and signal() and sigaction() interposed for
 * that one signal. The program's handler for SIG is stored here and
 * called by ours after the toggle; sigaction(SIG, NULL, &old) reports the
 * program's disposition, never ours. Every other signal passes straight
 * to the C library. Does not own: what a toggle does (pause.c).
 *
 * What the program set is honoured this far: its handler is called with
 * its SA_SIGINFO arguments; its sa_mask and its SA_RESTART, SA_NODEFER and
 * SA_ONSTACK flags are given to the kernel with our handler; SA_RESETHAND
 * makes the stored disposition SIG_DFL after the first delivery. SIG_DFL
 * and SIG_IGN mean toggle only: the signal neither kills nor is ignored,
 * since toggling is what it was chosen for.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "pause.h"

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
typedef sighandler_t (*signal_fn)(int, sighandler_t);

/* glibc's own entry point, for the rare call before our constructor. */
extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

static sigaction_fn real_sigaction;
static signal_fn real_signal;
static _Atomic int pause_sig; /* 0: nothing of ours is installed */

/* The program's disposition for pause_sig. A few copies, so that the
 * handler reads a whole one while the program installs the next (a
 * handler that runs through PROG_COPIES changes is not a case we meet). */
#define PROG_COPIES 8u
static struct sigaction prog[PROG_COPIES];
static _Atomic unsigned int prog_cur;

__attribute__((constructor(101))) static void resolve(void)
{
	*(void **)&real_sigaction = dlsym(RTLD_NEXT, "sigaction");
	*(void **)&real_signal = dlsym(RTLD_NEXT, "signal");
}

static int call_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return real_sigaction ? real_sigaction(sig, act, old) : __sigaction(sig, act, old);
}

static void prog_store(const struct sigaction *act)
{
	unsigned int next = atomic_load(&prog_cur) + 1;

	prog[next % PROG_COPIES] = *act;
	atomic_store(&prog_cur, next);
}

static int is_handler(const struct sigaction *a)
{
	return a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN;
}

static void on_pause_signal(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	struct sigaction p = prog[atomic_load(&prog_cur) % PROG_COPIES];

	ppv_pause_toggle();
	if (!is_handler(&p)) {
		errno = saved_errno;
		return;
	}
	if (p.sa_flags & SA_RESETHAND) {
		struct sigaction dfl = p;

		dfl.sa_handler = SIG_DFL;
		dfl.sa_flags &= ~(SA_SIGINFO | SA_RESETHAND);
		prog_store(&dfl);
	}
	errno = saved_errno;
	if (p.sa_flags & SA_SIGINFO)
		p.sa_sigaction(sig, si, uc);
	else
		p.sa_handler(sig);
}

/* Our handler, with what the kernel should honour of @p's settings. */
static void ours_for(const struct sigaction *p, struct sigaction *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sa_sigaction = on_pause_signal;
	if (is_handler(p)) {
		sa->sa_mask = p->sa_mask;
		sa->sa_flags = (p->sa_flags & ~SA_RESETHAND) | SA_SIGINFO;
	} else {
		/* Toggling must not make the program's system calls fail. */
		sigemptyset(&sa->sa_mask);
		sa->sa_flags = SA_SIGINFO | SA_RESTART;
	}
}

/**
 * ppv_signal_install() - make @sig toggle recording (0: no signal). What
 * the program had set for it becomes the stored disposition; a previous
 * signal of ours gets the program's disposition back.
 */
void ppv_signal_install(int sig)
{
	struct sigaction cur, sa;
	int old = atomic_load(&pause_sig);

	if (old == sig)
		return;
	if (old) {
		atomic_store(&pause_sig, 0);
		call_sigaction(old, &prog[atomic_load(&prog_cur) % PROG_COPIES], NULL);
	}
	if (sig <= 0 || call_sigaction(sig, NULL, &cur) < 0)
		return;
	if (cur.sa_sigaction == on_pause_signal) /* a fork child's inheritance */
		return;
	prog_store(&cur);
	ours_for(&cur, &sa);
	if (call_sigaction(sig, &sa, NULL) == 0)
		atomic_store(&pause_sig, sig);
}

PPV_API int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction prev, sa;

	if (sig != atomic_load(&pause_sig) || sig == 0)
		return call_sigaction(sig, act, old);
	prev = prog[atomic_load(&prog_cur) % PROG_COPIES];
	if (act) {
		ours_for(act, &sa);
		/* Installing ours again also validates what the program gave. */
		if (call_sigaction(sig, &sa, NULL) < 0)
			return -1;
		prog_store(act);
	}
	if (old)
		*old = prev;
	return 0;
}

/* signal() with glibc's BSD semantics (the signal blocked in its own
 * handler, system calls restarted), for the pause signal. */
PPV_API sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act, old;

	if (sig != atomic_load(&pause_sig) || sig == 0) {
		if (real_signal)
			return real_signal(sig, handler);
	} else if (handler == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	sigemptyset(&act.sa_mask);
	sigaddset(&act.sa_mask, sig);
	act.sa_flags = SA_RESTART;
	return sigaction(sig, &act, &old) < 0 ? SIG_ERR : old.sa_handler;
}

/**
 * ppv_signal_before_exec() - the image is about to be replaced: exec resets
 * our handler to SIG_DFL, but a program that ignored the pause signal must
 * hand SIG_IGN on to the new image, as it would without the recorder. Only
 * the process's own disposition changes (no memory write: a vfork child
 * shares its parent's).
 * Return: the signal set to SIG_IGN, for ppv_signal_exec_failed(); else 0.
 */
int ppv_signal_before_exec(void)
{
	int sig = atomic_load(&pause_sig);
	struct sigaction ign;

	if (!sig || prog[atomic_load(&prog_cur) % PROG_COPIES].sa_handler != SIG_IGN)
		return 0;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	return call_sigaction(sig, &ign, NULL) == 0 ? sig : 0;
}

/* The exec failed: the pause signal toggles recording again. */
void ppv_signal_exec_failed(int sig)
{
	struct sigaction sa;

	if (!sig)
		return;
	ours_for(&prog[atomic_load(&prog_cur) % PROG_COPIES], &sa);
	call_sigaction(sig, &sa, NULL);
}
