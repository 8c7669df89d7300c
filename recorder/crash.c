/* SPDX-License-Identifier: MIT */
/*
 * crash.c - flush the trace when the program dies by a fatal signal, then
 * let it die exactly as it would have.
 *
 * Owns: handlers for SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP, and
 * chaining to whatever disposition they replaced. Does not own: the flush
 * itself (writer-thread.c). A program that installs its own handler later
 * simply replaces ours; the periodic flush still bounds what it loses.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "recorder.h"

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP };
#define NFATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static struct sigaction old_actions[NFATAL];
static int installed;

static int slot_of(int sig)
{
	for (size_t i = 0; i < NFATAL; i++)
		if (fatal_signals[i] == sig)
			return (int)i;
	return -1;
}

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	int i = slot_of(sig);
	struct sigaction *old;

	/* Let the writer write what it has: 1 s at most, so a stuck writer can
	 * never turn a crash into a hang. */
	ppv_writer_crash_flush(1000);
	if (i < 0)
		return;
	old = &old_actions[i];
	sigaction(sig, old, NULL);
	if (old->sa_handler == SIG_IGN) {
		errno = saved_errno;
		return;
	}
	if (old->sa_handler == SIG_DFL) {
		/* Blocked while we run: delivered with the default action when
		 * we return, whether the signal was sent or a fault (which would
		 * also fault again on the same instruction). */
		raise(sig);
		errno = saved_errno;
		return;
	}
	errno = saved_errno;
	if (old->sa_flags & SA_SIGINFO)
		old->sa_sigaction(sig, si, uc);
	else
		old->sa_handler(sig);
}

void ppv_crash_install(void)
{
	struct sigaction sa;

	if (installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFATAL; i++) {
		if (sigaction(fatal_signals[i], NULL, &old_actions[i]) < 0)
			continue;
		/* Leave alone what the program (or a library before us) set. */
		if (old_actions[i].sa_handler != SIG_DFL)
			continue;
		sigaction(fatal_signals[i], &sa, NULL);
	}
	installed = 1;
}
