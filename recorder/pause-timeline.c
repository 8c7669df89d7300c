/* SPDX-License-Identifier: MIT */
/*
 * pause-timeline.c - the writer thread's record of when this process
 * paused and resumed: the transitions it has taken from pause.c's queue,
 * in time order, and whether an event stamped at a given time was recorded
 * while recording was on.
 *
 * Owns: struct ppv_pause_timeline. Only the writer thread touches one, so
 * nothing here is atomic. The writer writes each mark as a PAUSE or RESUME
 * event and drops every ring record stamped inside a paused interval: a
 * thread that had passed its stopped check just before a pause may still
 * store one, and it must not appear after the PAUSE the trace shows.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "pause.h"

/* An entry whose controller was interrupted between numbering it and
 * storing it is waited for this many times (sched_yield each). */
#define PPV_ENTRY_SPINS 1000

void ppv_timeline_init(struct ppv_pause_timeline *tl, uint64_t state)
{
	memset(tl, 0, sizeof(*tl));
	tl->done = PPV_ST_SEQ(state);
	tl->active = tl->base_active = PPV_ST_RECORDING(PPV_ST_BITS(state));
}

static const struct ppv_pause_mark *mark(const struct ppv_pause_timeline *tl, size_t i)
{
	return &tl->marks[(tl->first + i) % PPV_TIMELINE_CAP];
}

uint64_t ppv_timeline_last_ts(const struct ppv_pause_timeline *tl)
{
	return tl->n ? mark(tl, tl->n - 1)->ts : 0;
}

/* Record that recording is @active from @ts on. Marks stay in time order
 * (two controllers may have read the clock in the other order than they
 * changed the state) and alternate. */
void ppv_timeline_add(struct ppv_pause_timeline *tl, uint64_t ts, int active)
{
	struct ppv_pause_mark *m;

	active = !!active;
	if (active == tl->active)
		return;
	if (ts < ppv_timeline_last_ts(tl))
		ts = ppv_timeline_last_ts(tl);
	if (tl->n == PPV_TIMELINE_CAP) {
		tl->base_active = mark(tl, 0)->active;
		tl->first = (tl->first + 1) % PPV_TIMELINE_CAP;
		tl->n--;
	}
	m = &tl->marks[(tl->first + tl->n) % PPV_TIMELINE_CAP];
	m->ts = ts;
	m->active = active;
	tl->n++;
	tl->total++;
	tl->active = active;
}

/**
 * ppv_timeline_collect() - take the queued transitions up to @upto.
 * Return: 0; -EAGAIN if one is still being stored after waiting (the
 * caller must not judge events this cycle; the next cycle retries).
 * Transitions overwritten in the queue (more than PPV_PAUSE_QUEUE between
 * two cycles) are skipped: the marks still alternate and the final state
 * is right, only the times of the lost ones are unknown.
 */
int ppv_timeline_collect(struct ppv_pause_timeline *tl, uint64_t upto)
{
	while (tl->done < upto) {
		uint64_t seq = tl->done + 1, ticks = 0;
		int active = 0, rc = 0;

		if (upto - seq >= PPV_PAUSE_QUEUE) { /* long overwritten */
			tl->done = upto - PPV_PAUSE_QUEUE;
			continue;
		}
		for (int i = 0; i < PPV_ENTRY_SPINS && (rc = ppv_pause_entry(seq, &ticks,
									    &active)) == 0; i++)
			sched_yield();
		if (rc == 0)
			return -EAGAIN;
		if (rc > 0)
			ppv_timeline_add(tl, ticks, active);
		tl->done = seq;
	}
	return 0;
}

/* Whether recording was on at @ts: a mark applies from its own time on. */
int ppv_timeline_active_at(const struct ppv_pause_timeline *tl, uint64_t ts)
{
	size_t lo = 0, hi = tl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mark(tl, mid)->ts <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? mark(tl, lo - 1)->active : tl->base_active;
}

/* The next mark not yet written as an event. Return: 1 with @out, or 0. */
int ppv_timeline_next_new(struct ppv_pause_timeline *tl, struct ppv_pause_mark *out)
{
	uint64_t oldest = tl->total - tl->n;

	if (tl->emitted >= tl->total)
		return 0;
	if (tl->emitted < oldest) /* pushed out before it was written */
		tl->emitted = oldest;
	*out = *mark(tl, (size_t)(tl->emitted - oldest));
	tl->emitted++;
	return 1;
}
