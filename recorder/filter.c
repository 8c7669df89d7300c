/* SPDX-License-Identifier: MIT */
/*
 * filter.c - recorder-side filters on the enter/exit path: the time filter
 * and coarse threshold (calls shorter than it vanish, their time stays in
 * the caller), the depth limit and the -F/-N name filters; their set-up at
 * session start and the trace's info keys that say which were in force.
 *
 * Owns: each thread's shadow stack (struct ppv_filt, mapped after its ring
 * header by ring.c) and the rules deciding what of it reaches the ring.
 * Does not own: the table of matching functions (filter-syms.c), the ring
 * (ring.c, ring-fast.h) or the records' encoding.
 *
 * Like uftrace's time filter, an entry is not written when it happens: it
 * is kept pending with its ticks. At exit a call that lasted at least the
 * threshold is written, entry (with its own ticks) and exit, after the
 * pending entries of its callers; a shorter one vanishes. Any other record
 * of the thread (I/O, error, allocation, scope) first writes every pending
 * entry (ppv_filter_flush(), from ppv_ring_put()), so it stays attributed
 * to the call that made it and the thread's records stay in time order.
 * Entries pending for longer than the threshold are certain to be written:
 * they are written at the thread's next event, so that a call still open
 * when recording ends is in the trace.
 *
 * Everything here runs with the thread's in_hook raised, takes no lock,
 * makes no system call and allocates nothing; the clock is read once per
 * event.
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "native-writer.h"
#include "recorder.h"

struct ppv_filter_cfg ppv_fcfg;
int ppv_filter_on;
int ppv_rec_inline;

size_t ppv_filter_state_size(void)
{
	return (sizeof(struct ppv_filt) + 63) & ~(size_t)63;
}

static int is_old(const struct ppv_filt_frame *f, uint64_t now)
{
	/* A TSC read on another core may be a few ticks behind: not old. */
	return now >= f->ticks && now - f->ticks >= ppv_fcfg.thr_ticks;
}

/* Write the pending entries of frames [clean, top), in stack order. */
static void write_pending(struct ppv_tbuf *b, struct ppv_filt *s)
{
	for (uint32_t i = s->clean; i < s->top; i++) {
		struct ppv_filt_frame *f = &s->f[i];

		if ((f->flags & (PPV_FF_REC | PPV_FF_WRITTEN)) == PPV_FF_REC) {
			ppv_ring_put_at(b, f->ticks, f->word);
			f->flags |= PPV_FF_WRITTEN;
		}
	}
	s->clean = s->top;
	b->filt_pending = 0;
}

/* Write the pending entries that have lasted the threshold already: their
 * calls will be kept whatever happens next. Ticks grow up the stack, so
 * the walk stops at the first young frame. */
static void write_old(struct ppv_tbuf *b, struct ppv_filt *s, uint64_t now)
{
	uint32_t i = s->clean;

	for (; i < s->top && is_old(&s->f[i], now); i++) {
		struct ppv_filt_frame *f = &s->f[i];

		if ((f->flags & (PPV_FF_REC | PPV_FF_WRITTEN)) == PPV_FF_REC) {
			ppv_ring_put_at(b, f->ticks, f->word);
			f->flags |= PPV_FF_WRITTEN;
		}
	}
	s->clean = i;
	b->filt_pending = i < s->top;
}

/* Pending entries will never be written: their calls vanish. */
static void drop_pending(struct ppv_tbuf *b, struct ppv_filt *s)
{
	for (uint32_t i = s->clean; i < s->top; i++)
		if (!(s->f[i].flags & PPV_FF_WRITTEN))
			s->f[i].flags &= ~(uint32_t)PPV_FF_REC;
	s->clean = s->top;
	b->filt_pending = 0;
}

/*
 * A new session started since this stack was last used (ppv_stop() then
 * ppv_start(), or a fork child's own file). With the same settings the
 * calls in progress keep their place (an -F match stays in force); the
 * entries still pending belong to the old file and are dropped. With other
 * settings the stack starts empty.
 */
static void rebase(struct ppv_tbuf *b, struct ppv_filt *s)
{
	if (s->cfg_id != ppv_fcfg.cfg_id) {
		s->top = s->over = s->clean = 0;
		b->filt_pending = 0;
	} else {
		drop_pending(b, s);
	}
	s->gen = ppv_fcfg.gen;
	s->cfg_id = ppv_fcfg.cfg_id;
}

/* -F/-N: what @fn's name adds to the flags its caller passes down. */
static uint32_t classify(uint32_t flags, uint64_t word)
{
	unsigned int m;

	if (!ppv_fcfg.names || (flags & PPV_FF_EXCL))
		return flags;
	m = ppv_ftab_lookup(word & PPV_REC_PAYLOAD_MASK);
	if (m & PPV_FM_N)
		return flags | PPV_FF_EXCL; /* -N wins over -F */
	if (m & PPV_FM_F)
		return flags | PPV_FF_IN_F;
	return flags;
}

static void filt_enter(struct ppv_tbuf *b, struct ppv_filt *s, uint64_t word, uint64_t now)
{
	const struct ppv_filt_frame *p = s->top ? &s->f[s->top - 1] : NULL;
	uint32_t flags = p ? p->flags & (PPV_FF_IN_F | PPV_FF_EXCL)
			   : (ppv_fcfg.has_f ? 0 : PPV_FF_IN_F);
	uint32_t depth = p ? p->depth : 0;
	struct ppv_filt_frame *f;

	if (ppv_unlikely(s->over || s->top == PPV_FILT_FRAMES)) {
		s->over++;
		return;
	}
	f = &s->f[s->top++];
	f->word = word;
	f->ticks = now;
	if ((word >> PPV_REC_SHIFT) == PPV_REC_SCOPE_ENTER) {
		/* Explicit scopes are always recorded and count as a level. */
		f->flags = flags | PPV_FF_REC;
		f->depth = depth + 1;
		write_pending(b, s);
		return;
	}
	flags = classify(flags, word);
	if ((flags & (PPV_FF_IN_F | PPV_FF_EXCL)) == PPV_FF_IN_F &&
	    (!ppv_fcfg.depth || depth < ppv_fcfg.depth)) {
		flags |= PPV_FF_REC;
		depth++;
	}
	f->flags = flags;
	f->depth = depth;
	if (!(flags & PPV_FF_REC))
		return;
	if (!ppv_fcfg.thr_ticks)
		write_pending(b, s);
	else
		b->filt_pending = 1;
}

static void filt_exit(struct ppv_tbuf *b, struct ppv_filt *s, uint64_t word, uint64_t now)
{
	unsigned int kind = (unsigned int)(word >> PPV_REC_SHIFT);
	uint64_t want = PPV_REC_WORD(kind == PPV_REC_EXIT ? PPV_REC_ENTER : PPV_REC_SCOPE_ENTER,
				     word & PPV_REC_PAYLOAD_MASK);
	uint32_t i = s->top;
	struct ppv_filt_frame *f;

	if (s->over) {
		s->over--;
		return;
	}
	/* Frames above the matching one were left by longjmp(): their written
	 * entries stay open (the analyzer repairs them, as without filters)
	 * and their pending ones vanish. An exit with no frame at all entered
	 * before this stack knew of it: ignored. */
	while (i > 0 && s->f[i - 1].word != want)
		i--;
	if (i == 0)
		return;
	f = &s->f[i - 1];
	if (s->clean > i)
		s->clean = i;
	s->top = i;
	if ((f->flags & (PPV_FF_REC | PPV_FF_WRITTEN)) == PPV_FF_REC && is_old(f, now))
		write_pending(b, s); /* its callers' entries, then its own */
	s->top = i - 1;
	if (s->clean > s->top)
		s->clean = s->top;
	b->filt_pending = ppv_fcfg.thr_ticks && s->clean < s->top;
	if (f->flags & PPV_FF_WRITTEN)
		ppv_ring_put_at(b, now, word);
}

/**
 * ppv_filt_event_at() - apply the filters to an ENTER, EXIT, SCOPE_ENTER
 * or SCOPE_EXIT record @word of the thread owning @b, happening at @now.
 * The caller holds in_hook. (ppv_filter_event() with the clock read; the
 * unit tests drive this with synthetic ticks.)
 */
void ppv_filt_event_at(struct ppv_tbuf *b, uint64_t word, uint64_t now)
{
	struct ppv_filt *s = b->filt;
	unsigned int kind = (unsigned int)(word >> PPV_REC_SHIFT);

	if (ppv_unlikely(s->gen != ppv_fcfg.gen))
		rebase(b, s);
	/* The common case, a pending bottom entry still too young, needs no
	 * call (ticks grow up the stack: nothing above it is older). */
	if (b->filt_pending && s->clean < s->top && is_old(&s->f[s->clean], now))
		write_old(b, s, now);
	if (kind == PPV_REC_ENTER || kind == PPV_REC_SCOPE_ENTER)
		filt_enter(b, s, word, now);
	else
		filt_exit(b, s, word, now);
}

PPV_HOT void ppv_filter_event(struct ppv_tbuf *b, uint64_t word)
{
	ppv_filt_event_at(b, word, ppv_clock_ticks());
}

/* ppv_ring_put(): another record is about to be written. */
void ppv_filter_flush(struct ppv_tbuf *b)
{
	struct ppv_filt *s = b->filt;

	if (ppv_unlikely(s->gen != ppv_fcfg.gen))
		rebase(b, s);
	write_pending(b, s);
}

/**
 * ppv_filter_thread_end() - the thread exits, or stops recording: its
 * pending entries that have lasted the threshold are written (the analyzer
 * shows them as unfinished calls); the younger ones vanish. The caller
 * holds in_hook.
 */
void ppv_filter_thread_end(struct ppv_tbuf *b)
{
	ppv_filt_end_at(b, ppv_clock_ticks());
}

/* ppv_filter_thread_end() at @now (the unit tests' synthetic ticks). */
void ppv_filt_end_at(struct ppv_tbuf *b, uint64_t now)
{
	struct ppv_filt *s = b->filt;

	if (!s)
		return;
	if (s->gen != ppv_fcfg.gen)
		rebase(b, s);
	if (ppv_filter_on && !atomic_load_explicit(&b->stopped, memory_order_relaxed))
		write_old(b, s, now);
	drop_pending(b, s);
}

/* ppv_stop(): the calling thread ends its calls in progress as at thread
 * exit (other threads own their stacks: theirs keep only what was already
 * written, which includes every entry older than the threshold at their
 * last event). */
void ppv_filter_stop_self(void)
{
	struct ppv_tbuf *b = ppv_tls_buf;

	if (!ppv_filter_on || !b || b->in_hook)
		return;
	b->in_hook = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	ppv_filter_thread_end(b);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	b->in_hook = 0;
}

__extension__ typedef unsigned __int128 ppv_u128;

uint64_t ppv_filter_ns_to_ticks(uint64_t ns, uint64_t mult)
{
	ppv_u128 t;

	if (!ns)
		return 0;
	t = ((ppv_u128)ns << 32) / (mult ? mult : 1);
	if (t == 0)
		return 1;
	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

/**
 * ppv_filter_setup() - read the filters of ppv_cfg for a session starting
 * now; @mult is the clock's first slope (ns per tick, 32.32). Builds the
 * table of functions matching -F/-N when the patterns changed (reading the
 * loaded modules' symbol tables: malloc is allowed here). Called by
 * ppv_session_open() before any thread records.
 * Return: 0, or a negative errno if the table cannot be built.
 */
int ppv_filter_setup(uint64_t mult)
{
	static char built[sizeof(ppv_cfg.filter)];
	struct ppv_filter_cfg c = { 0 };
	struct ppv_fpat pat;
	int on, err, changed = strcmp(built, ppv_cfg.filter) != 0;

	c.thr_ns = ppv_cfg.time_filter_ns;
	if (ppv_cfg.granularity == PPV_GRAN_COARSE && ppv_cfg.threshold_ns > c.thr_ns)
		c.thr_ns = ppv_cfg.threshold_ns; /* both: the larger wins */
	c.thr_ticks = ppv_filter_ns_to_ticks(c.thr_ns, mult);
	c.depth = ppv_cfg.depth;
	ppv_fpat_init(&pat, ppv_cfg.filter);
	c.has_f = pat.has_f;
	c.names = pat.has_f || pat.has_n;
	if (c.names && changed) {
		err = ppv_ftab_build(ppv_cfg.filter);
		if (err < 0)
			return err;
		memcpy(built, ppv_cfg.filter, sizeof(built));
	} else if (!c.names) {
		ppv_ftab_clear();
		built[0] = '\0';
	}
	on = c.thr_ns || c.depth || c.names;
	c.gen = ppv_fcfg.gen + 1;
	c.cfg_id = ppv_fcfg.cfg_id;
	if (!on || !ppv_filter_on || c.thr_ns != ppv_fcfg.thr_ns || c.depth != ppv_fcfg.depth ||
	    changed)
		c.cfg_id++;
	ppv_fcfg = c;
	ppv_filter_on = on;
	ppv_rec_inline = ppv_clock_use_tsc && !on;
	return 0;
}

/* Info keys: which filters shaped this trace (readers show them). */
void ppv_filter_info(struct ppv_native_writer *w)
{
	char buf[sizeof(ppv_cfg.filter)];
	size_t n;

	if (ppv_cfg.filter[0]) {
		n = strlen(ppv_cfg.filter);
		memcpy(buf, ppv_cfg.filter, n + 1);
		while (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
		ppv_native_writer_set_info(w, "filter", buf);
		snprintf(buf, sizeof(buf), "%zu", ppv_ftab_functions());
		ppv_native_writer_set_info(w, "filter_functions", buf);
	}
	if (ppv_cfg.depth) {
		snprintf(buf, sizeof(buf), "%u", ppv_cfg.depth);
		ppv_native_writer_set_info(w, "depth", buf);
	}
	if (ppv_cfg.time_filter_ns) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ppv_cfg.time_filter_ns);
		ppv_native_writer_set_info(w, "time_filter_ns", buf);
	}
}
