/* SPDX-License-Identifier: MIT */
/*
 * thread-name.c - keeps each recording thread's name current: it
 * interposes pthread_setname_np() and prctl(PR_SET_NAME) and copies a new
 * name into the renamed thread's ring, where the writer thread reads it
 * when it announces the thread.
 *
 * Owns: those two wrappers. The writer used to read /proc/self/task/TID/
 * comm instead; opening a descriptor while the program runs can race with
 * a program that closes descriptors it does not know (see own-fd.c).
 * A thread renamed after it was announced keeps its first name in the
 * trace.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "recorder.h"

static PPV_NOINSTR void set_name(struct ppv_tbuf *b, const char *name)
{
	char tmp[sizeof(b->name)] = { 0 };

	/* The kernel keeps 15 bytes; so do we, NUL-padded. */
	memcpy(tmp, name, strnlen(name, sizeof(tmp) - 1));
	memcpy(b->name, tmp, sizeof(tmp));
}

/**
 * ppv_thread_rename() - rename the ring of @th, if it records. Another
 * thread's ring is found in the registry, walked as a registered walker
 * (ring.c) so that the writer does not unmap a ring under us.
 */
PPV_NOINSTR void ppv_thread_rename(pthread_t th, const char *name)
{
	struct ppv_tbuf *self = ppv_tls_buf;

	if (self && pthread_equal(th, pthread_self())) {
		set_name(self, name);
		return;
	}
	ppv_registry_walk_begin();
	for (struct ppv_tbuf *b = ppv_registry_first(); b; b = b->next) {
		if (atomic_load_explicit(&b->state, memory_order_acquire) == PPV_TBUF_LIVE &&
		    pthread_equal(b->thread, th)) {
			set_name(b, name);
			break;
		}
	}
	ppv_registry_walk_end();
}

PPV_API PPV_NOINSTR int pthread_setname_np(pthread_t th, const char *name)
{
	union {
		void *p;
		int (*fn)(pthread_t, const char *);
	} real = { .p = dlsym(RTLD_NEXT, "pthread_setname_np") };
	int rc = real.fn ? real.fn(th, name) : ENOSYS;

	if (rc == 0 && ppv_recording()) {
		int saved = errno;

		ppv_thread_rename(th, name);
		errno = saved;
	}
	return rc;
}

/* prctl() takes up to four more arguments, as unsigned longs; the system
 * call is what glibc's prctl() is. */
PPV_API PPV_NOINSTR int prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	long rc;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	rc = syscall(SYS_prctl, option, a[0], a[1], a[2], a[3]);
	if (rc == 0 && option == PR_SET_NAME && a[0] && ppv_tls_buf && ppv_recording()) {
		int saved = errno;

		set_name(ppv_tls_buf, (const char *)a[0]);
		errno = saved;
	}
	return (int)rc;
}
