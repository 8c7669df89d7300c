/* SPDX-License-Identifier: MIT */
/*
 * own-fd.c - the descriptors the recorder holds open in the traced process:
 * the trace file, /proc/self/statm for resident-set samples, and the new
 * segment file for the moment a rotation takes to move it onto the trace
 * file's descriptor.
 *
 * Owns: that short list, which the I/O wrappers consult so that the
 * program, which did not open these descriptors, sees them as not open
 * (close(), dup2() onto them and close_range() leave them alone). The
 * writer thread opens nothing else while the program runs: a descriptor
 * it opened and closed again could be one the program closed meanwhile
 * and reopened for itself.
 */
#include "recorder.h"

static _Atomic int own[PPV_OWN_FD_COUNT] = { -1, -1, -1 };

void ppv_own_fd_set(enum ppv_own_fd slot, int fd)
{
	atomic_store_explicit(&own[slot], fd, memory_order_release);
}

int ppv_own_fd_get(enum ppv_own_fd slot)
{
	return atomic_load_explicit(&own[slot], memory_order_acquire);
}

int ppv_owns_fd(int fd)
{
	if (fd < 0)
		return 0;
	for (int i = 0; i < PPV_OWN_FD_COUNT; i++)
		if (atomic_load_explicit(&own[i], memory_order_relaxed) == fd)
			return 1;
	return 0;
}
