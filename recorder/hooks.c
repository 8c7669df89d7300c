/* SPDX-License-Identifier: MIT */
/*
 * hooks.c - the entry points the traced program calls: GCC's
 * -finstrument-functions hooks and the PPV_* annotations' out-of-line
 * halves.
 *
 * Owns: guarding against recursion and signals (in_hook), keeping errno,
 * attaching a thread on its first event, and the slot layout of each
 * record kind. Does not own: ring space (ring.c) or encoding (formats/).
 *
 * The enter/exit path takes no lock, makes no system call and allocates
 * nothing; only a thread's very first event goes to ppv_thread_attach().
 */
#include "hook-guard.h"

PPV_API volatile int ppv__active;

PPV_API PPV_HOT void __cyg_profile_func_enter(void *fn, void *site)
{
	ppv_rec_put(PPV_REC_WORD(PPV_REC_ENTER, (uintptr_t)fn));
}

PPV_API PPV_HOT void __cyg_profile_func_exit(void *fn, void *site)
{
	ppv_rec_put(PPV_REC_WORD(PPV_REC_EXIT, (uintptr_t)fn));
}

PPV_API PPV_NOINSTR int ppv__scope_enter(const char *name)
{
	ppv_rec_put(PPV_REC_WORD(PPV_REC_SCOPE_ENTER, (uintptr_t)name));
	return 1;
}

PPV_API PPV_NOINSTR void ppv__scope_exit(const char *name)
{
	ppv_rec_put(PPV_REC_WORD(PPV_REC_SCOPE_EXIT, (uintptr_t)name));
}

/* Explicit I/O operations open on this thread (ppv_io_begin() without its
 * ppv_io_end() yet). While one is open the automatic I/O wrappers record
 * nothing: the annotation already describes those bytes, and recording the
 * system calls under it too would count them twice. */
_Thread_local unsigned int ppv_tls_explicit_io __attribute__((tls_model("initial-exec")));

/* Called by ppv_io_begin() only (see ppv-recorder.h). */
PPV_API PPV_NOINSTR uint64_t ppv__now(void)
{
	ppv_tls_explicit_io++;
	return ppv_clock_ticks();
}

/*
 * An I/O record takes three slots: [end ticks | IO fdclass op kind fd],
 * [start ticks | name], [bytes | err]. @err may be given as errno or as
 * -errno; it is stored positive. @name must stay valid until the writer
 * thread has drained the record (literals, or the recorder's string pool).
 */
void ppv_io_put(struct ppv_tbuf *b, const struct ppv_io_rec *r)
{
	struct ppv_slot s[3];

	s[0].ticks = ppv_clock_ticks();
	s[0].word = PPV_REC_WORD(PPV_REC_IO, ((uint64_t)r->fdclass << 48) |
						     ((uint64_t)r->op << 40) |
						     ((uint64_t)(r->kind & 0xff) << 32) |
						     (uint32_t)r->fd);
	s[1].ticks = r->start;
	s[1].word = (uintptr_t)r->name;
	s[2].ticks = r->bytes;
	s[2].word = (uint32_t)(r->err < 0 ? -r->err : r->err);
	ppv_ring_put_n(b, s, 3);
}

PPV_API PPV_NOINSTR void ppv__io_record(int kind, const char *name, uint64_t start,
					uint64_t bytes, int err)
{
	struct ppv_tbuf *b;
	struct ppv_io_rec r = { .kind = kind, .fd = -1, .name = name, .start = start,
				.bytes = bytes, .err = err };

	if (ppv_tls_explicit_io)
		ppv_tls_explicit_io--;
	b = ppv_hook_begin();
	if (!b)
		return;
	ppv_io_put(b, &r);
	ppv_hook_end(b);
}

PPV_API PPV_NOINSTR void ppv__error(int code)
{
	struct ppv_tbuf *b = ppv_hook_begin();

	if (!b)
		return;
	ppv_ring_put(b, PPV_REC_WORD(PPV_REC_ERROR, (uint32_t)code));
	ppv_hook_end(b);
}
