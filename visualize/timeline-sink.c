/* SPDX-License-Identifier: MIT */
/*
 * timeline-sink.c - the timelines' output: a 64 KiB buffer drained to a
 * FILE *, either as is or through a zlib gzip stream, plus the number and
 * JSON-string formatting the timeline writers need on their hot path
 * (one call per event, so no printf).
 * Owns: buffering, compression, error stickiness, JSON escaping. Does not
 * own: what the documents contain (render-timeline.c, render-speedscope.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "timeline-internal.h"

/* zlib level 3: JSON still shrinks ~15x, at several times level 6's speed */
#define TL_GZIP_LEVEL 3

int ppv_tl_sink_init(struct ppv_tl_sink *s, FILE *out, int gzip)
{
	s->out = out;
	s->gzip = gzip;
	s->err = 0;
	s->raw = 0;
	s->len = 0;
	s->z_ready = 0;
	if (!gzip)
		return 0;
	memset(&s->z, 0, sizeof(s->z));
	/* windowBits 15 + 16: a gzip header and trailer instead of zlib's */
	if (deflateInit2(&s->z, TL_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	s->z_ready = 1;
	return 0;
}

/* Compress @n bytes of @p (or finish the stream) and write what comes out. */
static void deflate_out(struct ppv_tl_sink *s, const char *p, size_t n, int flush)
{
	int zr;

	s->z.next_in = (unsigned char *)(uintptr_t)p;
	s->z.avail_in = (uInt)n;
	do {
		size_t have;

		s->z.next_out = s->zbuf;
		s->z.avail_out = sizeof(s->zbuf);
		zr = deflate(&s->z, flush);
		if (zr == Z_STREAM_ERROR) {
			s->err = -EIO;
			return;
		}
		have = sizeof(s->zbuf) - s->z.avail_out;
		if (have && fwrite(s->zbuf, 1, have, s->out) != have) {
			s->err = -EIO;
			return;
		}
	} while (s->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
}

/* After a failure the buffer is still emptied: later writes are dropped. */
static void drain(struct ppv_tl_sink *s, int finish)
{
	if (!s->err && s->gzip)
		deflate_out(s, s->buf, s->len, finish ? Z_FINISH : Z_NO_FLUSH);
	else if (!s->err && s->len && fwrite(s->buf, 1, s->len, s->out) != s->len)
		s->err = -EIO;
	s->len = 0;
}

void ppv_tl_sink_write(struct ppv_tl_sink *s, const char *p, size_t n)
{
	s->raw += n;
	while (n) {
		size_t room = sizeof(s->buf) - s->len, k = n < room ? n : room;

		memcpy(s->buf + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
		if (s->len == sizeof(s->buf))
			drain(s, 0);
	}
}

void ppv_tl_sink_u64(struct ppv_tl_sink *s, uint64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *c = e;

	do {
		*--c = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ppv_tl_sink_write(s, c, (size_t)(e - c));
}

void ppv_tl_sink_i64(struct ppv_tl_sink *s, int64_t v)
{
	if (v < 0) {
		ppv_tl_sink_write(s, "-", 1);
		ppv_tl_sink_u64(s, 0 - (uint64_t)v);
		return;
	}
	ppv_tl_sink_u64(s, (uint64_t)v);
}

void ppv_tl_sink_usec(struct ppv_tl_sink *s, uint64_t ns)
{
	unsigned int frac = (unsigned int)(ns % 1000);
	char f[4] = { '.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
		      (char)('0' + frac % 10) };

	ppv_tl_sink_u64(s, ns / 1000);
	ppv_tl_sink_write(s, f, sizeof(f));
}

/* Length of the valid UTF-8 sequence at @c (1 to 4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *c)
{
	size_t n;

	if (c[0] < 0x80)
		return 1;
	if (c[0] >= 0xc2 && c[0] <= 0xdf)
		n = 2;
	else if (c[0] >= 0xe0 && c[0] <= 0xef)
		n = 3;
	else if (c[0] >= 0xf0 && c[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((c[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
	if ((c[0] == 0xe0 && c[1] < 0xa0) || (c[0] == 0xed && c[1] > 0x9f) ||
	    (c[0] == 0xf0 && c[1] < 0x90) || (c[0] == 0xf4 && c[1] > 0x8f))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	return n;
}

/*
 * Escape @str into @dst (room for 6 bytes per input byte plus 3), quoted.
 * Return: the length written.
 */
static size_t escape(char *dst, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *c = (const unsigned char *)str;
	char *d = dst;

	*d++ = '"';
	while (*c) {
		size_t n = utf8_len(c);

		if (n > 1) {
			memcpy(d, c, n);
			d += n;
			c += n;
			continue;
		}
		if (!n) {
			*d++ = '?';
		} else if (*c == '"' || *c == '\\') {
			*d++ = '\\';
			*d++ = (char)*c;
		} else if (*c < 0x20) {
			memcpy(d, "\\u00", 4);
			d[4] = hex[*c >> 4];
			d[5] = hex[*c & 15];
			d += 6;
		} else {
			*d++ = (char)*c;
		}
		c++;
	}
	*d++ = '"';
	*d = '\0';
	return (size_t)(d - dst);
}

char *ppv_tl_json_quote(const char *str)
{
	char *q = malloc(strlen(str) * 6 + 3);

	if (q)
		escape(q, str);
	return q;
}

void ppv_tl_sink_json_str(struct ppv_tl_sink *s, const char *str)
{
	char small[256], *q;

	if (!str) {
		ppv_tl_sink_write(s, "null", 4);
		return;
	}
	if (strlen(str) < (sizeof(small) - 3) / 6) {
		ppv_tl_sink_write(s, small, escape(small, str));
		return;
	}
	q = ppv_tl_json_quote(str);
	if (!q) {
		s->err = s->err ? s->err : -ENOMEM;
		return;
	}
	ppv_tl_sink_puts(s, q);
	free(q);
}

const char *ppv_tl_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int ppv_tl_sink_end(struct ppv_tl_sink *s)
{
	drain(s, 1);
	if (fflush(s->out) != 0 || ferror(s->out))
		s->err = s->err ? s->err : -EIO;
	return s->err;
}

void ppv_tl_sink_release(struct ppv_tl_sink *s)
{
	if (s->z_ready)
		deflateEnd(&s->z);
	s->z_ready = 0;
}
