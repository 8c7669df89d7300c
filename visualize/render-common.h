/* SPDX-License-Identifier: MIT */
/*
 * render-common.h - private helpers every renderer in visualize/ uses:
 * filling in default options, "percent of run", function names by id, the
 * caveats that end every text report, and the final write check.
 * Implemented in format.c. Not installed; tools never include it.
 *
 * These are stable: renderers written by different people rely on them.
 * Add a helper rather than changing what one does.
 */
#ifndef PPV_RENDER_COMMON_H
#define PPV_RENDER_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-render.h>

#define PPV_RENDER_DEFAULT_LIMIT 20
#define PPV_RENDER_DEFAULT_WIDTH 80

/*
 * Buffer sizes that always hold ppv_format_duration() and
 * ppv_format_bytes() results.
 */
#define PPV_DURATION_LEN 32
#define PPV_BYTES_LEN 32

/**
 * ppv_render_opts_fill() - a complete copy of the caller's options.
 * @in:            the caller's options, or NULL for all defaults. Only its
 *                 first @in->sz bytes are read (an older caller's shorter
 *                 struct gets defaults for the fields it does not know).
 * @default_limit: what @limit 0 becomes (e.g. PPV_RENDER_DEFAULT_LIMIT).
 * @out:           receives the options; @out->sz is sizeof(*@out).
 *
 * Defaults: @limit 0 becomes @default_limit, @width 0 becomes
 * PPV_RENDER_DEFAULT_WIDTH; every other field's default is its zero.
 *
 * Return: 0; -EINVAL if @in->sz is smaller than a size_t, @sort or
 * @chart_by is out of range, or @min_percent is negative, above 100 or NaN.
 * Ownership: @out->focus is borrowed from @in.
 */
int ppv_render_opts_fill(const struct ppv_render_opts *in, unsigned int default_limit,
			 struct ppv_render_opts *out);

/**
 * ppv_render_percent() - @ns as a percentage of the run
 * (ppv_profile_summary(@p)->total_ns, the sum of all outermost frames).
 * Return: 0.0 when the run's total is 0. May exceed 100 for a value that
 * is not part of the total (e.g. a thread's wall time).
 */
double ppv_render_percent(const struct ppv_profile *p, uint64_t ns);

/**
 * ppv_render_func_name() - the display name of function @id: "(root)" for
 * PPV_CCT_ROOT, "?" for an id the profile does not have.
 * Ownership: borrowed from @p (or static).
 */
const char *ppv_render_func_name(const struct ppv_profile *p, uint32_t id);

/**
 * ppv_render_sorted() - the functions called at least once, in
 * ppv_profile_sorted() order for @key. A function with no calls (seen only
 * in an exit without an enter, or outside an -F selection) has nothing to
 * show, so reports leave it out.
 * @out: receives a new array of *@n entries; free() it.
 *
 * Return: 0, -ENOMEM, or ppv_profile_sorted()'s error; *@out is NULL on
 * error.
 * Ownership: the array is the caller's; its entries are borrowed from @p.
 */
int ppv_render_sorted(const struct ppv_profile *p, enum ppv_sort_key key,
		      const struct ppv_func_stats ***out, size_t *n);

/**
 * ppv_render_notes() - the run's caveats, one "note: ..." line each, for
 * every nonzero one of: events lost, unfinished calls, exits without an
 * enter, repaired frames, pauses, frames closed at a pause, exits forgiven
 * after a pause, a truncated trace. When there is at least one, a blank
 * line comes first so the notes stand apart from the report. Prints
 * nothing when there are none. Every text report ends with it.
 *
 * Return: the number of notes printed (0 to 8).
 */
int ppv_render_notes(const struct ppv_profile *p, FILE *out);

/**
 * ppv_render_end() - what a renderer returns after writing: 0, or -EIO if
 * any write to @out failed (it flushes @out to find out).
 */
int ppv_render_end(FILE *out);

/**
 * ppv_render_wall_ns() - the wall-clock (CLOCK_REALTIME) ns of monotonic
 * @ns, through the process that started first (each process file records
 * its start on both clocks).
 */
uint64_t ppv_render_wall_ns(const struct ppv_profile *p, uint64_t ns);

/**
 * ppv_format_wall() - "2026-11-24T10:00:00.123Z" (UTC) for @realtime_ns,
 * with @digits (3 or 6) digits of fraction.
 * Return: @buf, or NULL if the time cannot be represented.
 */
#define PPV_WALL_LEN 48
const char *ppv_format_wall(uint64_t realtime_ns, unsigned int digits, char *buf, size_t len);

#endif /* PPV_RENDER_COMMON_H */
