/* SPDX-License-Identifier: MIT */
/*
 * timeline-internal.h - what the two timeline formats share: a buffered
 * output sink (plain or gzip through zlib) with JSON helpers, implemented
 * in render-timeline.c, and the speedscope writer that render-timeline.c
 * dispatches to, implemented in render-speedscope.c. Private to
 * visualize/; not installed.
 */
#ifndef PPV_TIMELINE_INTERNAL_H
#define PPV_TIMELINE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include <perprovis/ppv-render.h>

#define PPV_TL_SINK_BUF (64 * 1024)

/*
 * struct ppv_tl_sink - buffered writer to a FILE *, optionally through
 * gzip. Writes never fail one by one: the first failure is kept in @err
 * (-EIO, -ENOMEM) and every later write is dropped, so a renderer checks
 * once per event.
 * @raw: bytes written before compression.
 */
struct ppv_tl_sink {
	FILE *out;
	int gzip;
	int z_ready;
	int err;
	uint64_t raw;
	size_t len;
	z_stream z;
	char buf[PPV_TL_SINK_BUF];
	unsigned char zbuf[PPV_TL_SINK_BUF];
};

/* Return: 0, or -ENOMEM if zlib cannot start. */
int ppv_tl_sink_init(struct ppv_tl_sink *s, FILE *out, int gzip);
void ppv_tl_sink_write(struct ppv_tl_sink *s, const char *p, size_t n);
/* @v in decimal. */
void ppv_tl_sink_u64(struct ppv_tl_sink *s, uint64_t v);
void ppv_tl_sink_i64(struct ppv_tl_sink *s, int64_t v);
/* @ns as microseconds with three decimals: 1234567 -> "1234.567". */
void ppv_tl_sink_usec(struct ppv_tl_sink *s, uint64_t ns);
/* @str as a JSON string (quoted; invalid UTF-8 bytes become '?'); null if NULL. */
void ppv_tl_sink_json_str(struct ppv_tl_sink *s, const char *str);
/* Flush everything (ending the gzip stream) and @out. Return: s->err. */
int ppv_tl_sink_end(struct ppv_tl_sink *s);
/* Free zlib's state; safe after ppv_tl_sink_end() and on a failed init. */
void ppv_tl_sink_release(struct ppv_tl_sink *s);

static inline void ppv_tl_sink_puts(struct ppv_tl_sink *s, const char *str)
{
	ppv_tl_sink_write(s, str, strlen(str));
}

/*
 * ppv_tl_json_quote() - @str as a quoted, escaped JSON string in a new
 * buffer (free() it), or NULL without memory.
 */
char *ppv_tl_json_quote(const char *str);

/* ppv_tl_basename() - what follows the last '/' of @path. */
const char *ppv_tl_basename(const char *path);

/*
 * The speedscope writer (render-speedscope.c): evented profiles, one per
 * thread. Each thread's events are buffered in a small block and spilled
 * to one shared tmpfile(), so memory grows with threads, not calls; all of
 * the document is written at finish.
 * @base: CLOCK_MONOTONIC ns that becomes "at" 0.
 */
struct ppv_speedscope;
int ppv_speedscope_new(struct ppv_tl_sink *s, struct ppv_speedscope **out);
int ppv_speedscope_on_frame(struct ppv_speedscope *ss, const struct ppv_frame_record *r,
			    uint64_t base);
int ppv_speedscope_finish(struct ppv_speedscope *ss, const struct ppv_profile *p);
void ppv_speedscope_free(struct ppv_speedscope *ss);

#endif /* PPV_TIMELINE_INTERNAL_H */
