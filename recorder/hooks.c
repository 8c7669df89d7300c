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
#include "recorder.h"

PPV_API volatile int ppv__active;

/* For multi-slot records (not the enter/exit path): take the thread's ring
 * for one event, or NULL if this event is not to be recorded (recursion from
 * inside the recorder, a signal handler that interrupted a hook, a thread
 * that cannot record, recording stopped). */
static inline PPV_HOT struct ppv_tbuf *hook_begin(void)
{
	struct ppv_tbuf *b = ppv_tls_buf;

	if (ppv_unlikely(!b)) {
		if (ppv_likely(ppv_tls_disabled))
			return NULL;
		b = ppv_thread_attach();
		if (!b)
			return NULL;
	}
	if (ppv_unlikely(b->in_hook | atomic_load_explicit(&b->stopped, memory_order_relaxed)))
		return NULL;
	b->in_hook = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return b;
}

static inline PPV_HOT void hook_end(struct ppv_tbuf *b)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	b->in_hook = 0;
}

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

PPV_API PPV_NOINSTR uint64_t ppv__now(void)
{
	return ppv_clock_ticks();
}

/*
 * An I/O record takes three slots: [end ticks | IO kind fd],
 * [start ticks | name], [bytes | err]. @err may be given as errno or as
 * -errno; it is stored positive.
 */
PPV_API PPV_NOINSTR void ppv__io_record(int kind, const char *name, uint64_t start,
					uint64_t bytes, int err)
{
	struct ppv_tbuf *b = hook_begin();
	struct ppv_slot s[3];

	if (!b)
		return;
	s[0].ticks = ppv_clock_ticks();
	s[0].word = PPV_REC_WORD(PPV_REC_IO, ((uint64_t)(kind & 0xff) << 32) | 0xffffffffu);
	s[1].ticks = start;
	s[1].word = (uintptr_t)name;
	s[2].ticks = bytes;
	s[2].word = (uint32_t)(err < 0 ? -err : err);
	ppv_ring_put_n(b, s, 3);
	hook_end(b);
}

PPV_API PPV_NOINSTR void ppv__error(int code)
{
	struct ppv_tbuf *b = hook_begin();

	if (!b)
		return;
	ppv_ring_put(b, PPV_REC_WORD(PPV_REC_ERROR, (uint32_t)code));
	hook_end(b);
}
