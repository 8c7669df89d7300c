/* SPDX-License-Identifier: MIT */
/*
 * render-speedscope.c - timelines in speedscope's own JSON (INTEROP.md
 * 3.3): shared frames (one per function of the profile, with its source
 * file and line) and one evented profile per thread, "O" and "C" events in
 * the thread's time order.
 *
 * Owns: per-thread event buffering and the speedscope document. A thread's
 * events must be contiguous in the file while the pass delivers threads
 * interleaved, so each thread fills a small block that is spilled to one
 * shared tmpfile(); finish copies every thread's blocks out in order.
 * Memory grows with threads (one block each) and spilled blocks (an offset
 * each), not with calls. Does not own: the output sink (timeline-sink.c)
 * or the public API (render-timeline.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

#include "timeline-internal.h"

#define SS_BLOCK (16 * 1024)
#define SS_EVENT_MAX 80 /* ,{"type":"O","at":<20>,"frame":<10>} */

struct ss_block {
	off_t off;
	size_t len;
};

struct ss_thread {
	uint32_t pid, tid;
	int any;
	uint64_t first, last; /* "at" of its first and last event */
	size_t len;
	struct ss_block *blocks;
	size_t nblocks, cap;
	char buf[SS_BLOCK];
};

struct ppv_speedscope {
	struct ppv_tl_sink *sink;
	FILE *tmp;
	off_t tmp_end;
	struct ss_thread **threads;
	size_t nthreads, cap;
	struct ss_thread *last;
};

int ppv_speedscope_new(struct ppv_tl_sink *s, struct ppv_speedscope **out)
{
	struct ppv_speedscope *ss = calloc(1, sizeof(*ss));

	*out = NULL;
	if (!ss)
		return -ENOMEM;
	ss->sink = s;
	ss->tmp = tmpfile();
	if (!ss->tmp) {
		int err = -errno;

		free(ss);
		return err;
	}
	*out = ss;
	return 0;
}

static struct ss_thread *thread_of(struct ppv_speedscope *ss, uint32_t pid, uint32_t tid)
{
	struct ss_thread *t;

	if (ss->last && ss->last->tid == tid && ss->last->pid == pid)
		return ss->last;
	for (size_t i = 0; i < ss->nthreads; i++)
		if (ss->threads[i]->tid == tid && ss->threads[i]->pid == pid)
			return ss->last = ss->threads[i];
	if (ss->nthreads == ss->cap) {
		size_t cap = ss->cap ? 2 * ss->cap : 16;
		struct ss_thread **v = realloc(ss->threads, cap * sizeof(*v));

		if (!v)
			return NULL;
		ss->threads = v;
		ss->cap = cap;
	}
	t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	memset(t, 0, offsetof(struct ss_thread, buf));
	t->pid = pid;
	t->tid = tid;
	ss->threads[ss->nthreads++] = t;
	return ss->last = t;
}

/* Move @t's block to the end of the tmpfile. */
static int spill(struct ppv_speedscope *ss, struct ss_thread *t)
{
	if (t->nblocks == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		struct ss_block *v = realloc(t->blocks, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->blocks = v;
		t->cap = cap;
	}
	if (fwrite(t->buf, 1, t->len, ss->tmp) != t->len)
		return -EIO;
	t->blocks[t->nblocks++] = (struct ss_block){ ss->tmp_end, t->len };
	ss->tmp_end += (off_t)t->len;
	t->len = 0;
	return 0;
}

static size_t put_u64(char *d, uint64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *c = e;

	do {
		*--c = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(d, c, (size_t)(e - c));
	return (size_t)(e - c);
}

static size_t put_str(char *d, const char *s)
{
	size_t n = strlen(s);

	memcpy(d, s, n);
	return n;
}

int ppv_speedscope_on_frame(struct ppv_speedscope *ss, const struct ppv_frame_record *r,
			    uint64_t base)
{
	struct ss_thread *t = thread_of(ss, r->pid, r->tid);
	uint64_t at = r->ts > base ? r->ts - base : 0;
	char *d;
	int rc;

	if (!t)
		return -ENOMEM;
	if (t->len + SS_EVENT_MAX > SS_BLOCK && (rc = spill(ss, t)))
		return rc;
	/* per thread the pass reports in time order; keep "at" monotonic anyway */
	if (t->any && at < t->last)
		at = t->last;
	d = t->buf + t->len;
	d += put_str(d, t->any ? ",{\"type\":\"" : "{\"type\":\"");
	d += put_str(d, r->exit ? "C\",\"at\":" : "O\",\"at\":");
	d += put_u64(d, at);
	d += put_str(d, ",\"frame\":");
	d += put_u64(d, r->func);
	*d++ = '}';
	t->len = (size_t)(d - t->buf);
	if (!t->any)
		t->first = at;
	t->any = 1;
	t->last = at;
	return 0;
}

/* {"name":..,"file":..,"line":N}: file and line from "file:line", else the module. */
static void frame_write(struct ppv_tl_sink *s, const struct ppv_func_stats *f)
{
	const char *colon = f->source ? strrchr(f->source, ':') : NULL;
	char *end = NULL;
	unsigned long line = colon ? strtoul(colon + 1, &end, 10) : 0;

	ppv_tl_sink_puts(s, "{\"name\":");
	ppv_tl_sink_json_str(s, f->name ? f->name : "?");
	if (colon && end && !*end && colon > f->source) {
		char *file = strndup(f->source, (size_t)(colon - f->source));

		ppv_tl_sink_puts(s, ",\"file\":");
		ppv_tl_sink_json_str(s, file ? file : "?");
		ppv_tl_sink_puts(s, ",\"line\":");
		ppv_tl_sink_u64(s, line);
		free(file);
	} else if (f->module) {
		ppv_tl_sink_puts(s, ",\"file\":");
		ppv_tl_sink_json_str(s, f->module);
	}
	ppv_tl_sink_puts(s, "}");
}

static const char *thread_name(const struct ppv_profile *p, const struct ss_thread *t)
{
	for (size_t i = 0; i < ppv_profile_thread_count(p); i++) {
		const struct ppv_thread_stats *st = ppv_profile_thread(p, i);

		if (st->pid == t->pid && st->tid == t->tid)
			return st->name;
	}
	return NULL;
}

/* One evented profile: its header, then its blocks copied from the tmpfile. */
static int profile_write(struct ppv_speedscope *ss, const struct ppv_profile *p,
			 struct ss_thread *t, char *io)
{
	const char *name = thread_name(p, t);
	char label[256];

	if (name)
		snprintf(label, sizeof(label), "%s (%u/%u)", name, t->pid, t->tid);
	else
		snprintf(label, sizeof(label), "%u/%u", t->pid, t->tid);
	ppv_tl_sink_puts(ss->sink, "{\"type\":\"evented\",\"name\":");
	ppv_tl_sink_json_str(ss->sink, label);
	ppv_tl_sink_puts(ss->sink, ",\"unit\":\"nanoseconds\",\"startValue\":");
	ppv_tl_sink_u64(ss->sink, t->first);
	ppv_tl_sink_puts(ss->sink, ",\"endValue\":");
	ppv_tl_sink_u64(ss->sink, t->last);
	ppv_tl_sink_puts(ss->sink, ",\"events\":[");
	for (size_t i = 0; i < t->nblocks; i++) {
		const struct ss_block *b = &t->blocks[i];

		if (fseeko(ss->tmp, b->off, SEEK_SET) != 0 || fread(io, 1, b->len, ss->tmp) != b->len)
			return -EIO;
		ppv_tl_sink_write(ss->sink, io, b->len);
	}
	ppv_tl_sink_write(ss->sink, t->buf, t->len);
	ppv_tl_sink_puts(ss->sink, "]}");
	return ss->sink->err;
}

int ppv_speedscope_finish(struct ppv_speedscope *ss, const struct ppv_profile *p)
{
	char *io = malloc(SS_BLOCK);
	int rc = 0;

	if (!io)
		return -ENOMEM;
	if (fflush(ss->tmp) != 0) {
		free(io);
		return -EIO;
	}
	ppv_tl_sink_puts(ss->sink, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
			 "\"exporter\":\"ppv-analyze (perprovis " PPV_VERSION_STRING ")\",\"name\":");
	ppv_tl_sink_json_str(ss->sink, ppv_profile_summary(p)->cmdline);
	ppv_tl_sink_puts(ss->sink, ",\"activeProfileIndex\":0,\n\"shared\":{\"frames\":[");
	for (uint32_t i = 0; i < ppv_profile_func_count(p); i++) {
		ppv_tl_sink_puts(ss->sink, i ? ",\n" : "\n");
		frame_write(ss->sink, ppv_profile_func(p, i));
	}
	ppv_tl_sink_puts(ss->sink, "\n]},\n\"profiles\":[");
	for (size_t i = 0; i < ss->nthreads && !rc; i++) {
		ppv_tl_sink_puts(ss->sink, i ? ",\n" : "\n");
		rc = profile_write(ss, p, ss->threads[i], io);
	}
	free(io);
	ppv_tl_sink_puts(ss->sink, "\n]}\n");
	return rc ? rc : ppv_tl_sink_end(ss->sink);
}

void ppv_speedscope_free(struct ppv_speedscope *ss)
{
	if (!ss)
		return;
	for (size_t i = 0; i < ss->nthreads; i++) {
		free(ss->threads[i]->blocks);
		free(ss->threads[i]);
	}
	free(ss->threads);
	if (ss->tmp)
		fclose(ss->tmp);
	free(ss);
}
