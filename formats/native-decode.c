/* SPDX-License-Identifier: MIT */
/*
 * native-decode.c - the records of an EVENTS chunk (format.md, section 4)
 * into struct ppv_event.
 *
 * Owns: varints and delta coding, the string table, clock conversion of
 * ticks to ns, module records, and keeping each thread's time monotonic.
 * Does not own: files, chunk framing, CRC or zstd (native-reader.c).
 * Nothing read is trusted: every length and varint is bounds-checked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "native-reader-internal.h"
#include "varint.h"

static uint64_t to_ns(const struct ppv_native_reader *r, uint64_t ticks)
{
	if (!r->have_clock)
		return ticks;
	return (uint64_t)((i128)r->clk_ns +
			  (((i128)(int64_t)(ticks - r->clk_ticks) * (i128)r->clk_mult) >> 32));
}

static int bad(struct ppv_native_reader *r, const char *what)
{
	return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": chunk %u, record at payload offset %td: %s",
		    r->chunk_off, r->chunk_seq, r->p - r->base, what);
}

#define GET(var)                                                                            \
	do {                                                                                \
		if (!ppv_varint_get(&q, end, &(var)))                                        \
			return bad(r, "truncated or overlong varint");                       \
	} while (0)

static const char *string_of(struct ppv_native_reader *r, uint64_t id, int *ok)
{
	*ok = 1;
	if (id == 0)
		return NULL;
	if (id >= r->nstrings || !r->strings[id]) {
		*ok = 0;
		return NULL;
	}
	return r->strings[id];
}

static int take_string(struct ppv_native_reader *r, const uint8_t *q, const uint8_t *end)
{
	uint64_t id;
	char *s;

	GET(id);
	if (id == 0 || id > (1u << 28))
		return bad(r, "string id out of range");
	if (id >= r->nstrings) {
		size_t n = r->nstrings ? r->nstrings : 64;
		char **tab;

		while (n <= id)
			n *= 2;
		tab = realloc(r->strings, n * sizeof(*tab));
		if (!tab)
			return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
		memset(tab + r->nstrings, 0, (n - r->nstrings) * sizeof(*tab));
		r->strings = tab;
		r->nstrings = n;
	}
	s = ppv_native_reader_arena(r, (size_t)(end - q) + 1);
	if (!s)
		return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
	memcpy(s, q, (size_t)(end - q));
	s[end - q] = '\0';
	r->strings[id] = s;
	return 0;
}

static int take_clock(struct ppv_native_reader *r, const uint8_t *q, const uint8_t *end,
		      struct ppv_event *ev)
{
	if (end - q < 24)
		return bad(r, "CLOCK record shorter than 24 bytes");
	r->clk_ticks = ppv_le64_load(q);
	r->clk_ns = ppv_le64_load(q + 8);
	r->clk_mult = ppv_le64_load(q + 16);
	r->have_clock = 1;
	ev->type = PPV_EVENT_CLOCK;
	ev->ts = r->clk_ns;
	ev->clock.ticks = r->clk_ticks;
	ev->clock.ns = r->clk_ns;
	ev->clock.mult = r->clk_mult;
	return 1;
}

static int take_module(struct ppv_native_reader *r, unsigned int tag, const uint8_t *q,
		       const uint8_t *end, struct ppv_event *ev)
{
	uint64_t dt, sid;
	int ok;

	GET(dt);
	r->ticks += dt;
	ev->ts = to_ns(r, r->ticks);
	if (tag == PPV_TAG_MODULE_UNLOAD) {
		if (end - q < 8)
			return bad(r, "MODULE_UNLOAD record too short");
		ev->type = PPV_EVENT_MODULE_UNLOAD;
		ev->module.base = ppv_le64_load(q);
		return 1;
	}
	if (end - q < 24)
		return bad(r, "MODULE_LOAD record too short");
	ev->type = PPV_EVENT_MODULE_LOAD;
	ev->module.base = ppv_le64_load(q);
	ev->module.size = ppv_le64_load(q + 8);
	ev->module.bias = ppv_le64_load(q + 16);
	q += 24;
	GET(sid);
	ev->module.path = string_of(r, sid, &ok);
	if (!ok)
		return bad(r, "MODULE_LOAD names an undefined string");
	if (q >= end || end - q - 1 < *q)
		return bad(r, "MODULE_LOAD build-id runs past the record");
	ev->module.build_id_len = *q;
	ev->module.build_id = *q ? q + 1 : NULL;
	if (*q) { /* copy: the chunk buffer is reused */
		uint8_t *c = (uint8_t *)ppv_native_reader_arena(r, *q);

		if (!c)
			return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
		memcpy(c, q + 1, *q);
		ev->module.build_id = c;
	}
	return 1;
}

/* Decode the body of a timed, length-prefixed record. */
static int take_timed(struct ppv_native_reader *r, unsigned int tag, const uint8_t *q,
		      const uint8_t *end, struct ppv_event *ev)
{
	uint64_t dt, a, b, c, d, e;
	int ok = 1;

	GET(dt);
	r->ticks += dt;
	ev->ts = to_ns(r, r->ticks);
	switch (tag) {
	case PPV_TAG_SCOPE_ENTER:
	case PPV_TAG_SCOPE_EXIT:
		GET(a);
		ev->type = tag == PPV_TAG_SCOPE_ENTER ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT;
		ev->scope.name = string_of(r, a, &ok);
		if (ok && !ev->scope.name)
			ev->scope.name = "";
		break;
	case PPV_TAG_IO:
		GET(a);
		if (q >= end)
			return bad(r, "IO record too short");
		ev->io.kind = *q++;
		GET(b);
		GET(c);
		GET(d);
		GET(e);
		ev->type = PPV_EVENT_IO;
		ev->io.start = to_ns(r, r->ticks - a);
		ev->io.name = string_of(r, b, &ok);
		ev->io.bytes = c;
		ev->io.err = (int32_t)ppv_unzigzag(d);
		ev->io.fd = (int32_t)ppv_unzigzag(e);
		/* Format 1.2 appends the operation and descriptor class. */
		ev->io.op = q < end ? *q++ : PPV_IO_OP_NONE;
		ev->io.fdclass = q < end ? *q++ : PPV_FD_UNKNOWN;
		break;
	case PPV_TAG_ALLOC:
	case PPV_TAG_FREE:
		GET(a);
		GET(b);
		if (q >= end)
			return bad(r, "ALLOC/FREE record too short");
		ev->type = tag == PPV_TAG_ALLOC ? PPV_EVENT_ALLOC : PPV_EVENT_FREE;
		ev->alloc.addr = a;
		ev->alloc.size = b;
		ev->alloc.kind = *q++;
		break;
	case PPV_TAG_MEMSTAT:
		GET(a);
		GET(b);
		ev->type = PPV_EVENT_MEMSTAT;
		ev->memstat.rss = a;
		ev->memstat.peak_rss = b;
		break;
	case PPV_TAG_PAUSE:
	case PPV_TAG_RESUME:
		ev->type = tag == PPV_TAG_PAUSE ? PPV_EVENT_PAUSE : PPV_EVENT_RESUME;
		break;
	case PPV_TAG_ERROR:
		GET(a);
		ev->type = PPV_EVENT_ERROR;
		ev->error.code = ppv_unzigzag(a);
		break;
	case PPV_TAG_THREAD_START:
		GET(a);
		ev->type = PPV_EVENT_THREAD_START;
		ev->thread.name = string_of(r, a, &ok);
		break;
	case PPV_TAG_THREAD_EXIT:
		ev->type = PPV_EVENT_THREAD_EXIT;
		ev->thread.name = NULL;
		break;
	default: /* PPV_TAG_LOSS */
		GET(a);
		ev->type = PPV_EVENT_LOSS;
		ev->loss.count = a;
		r->stats.lost += a;
		break;
	}
	return ok ? 1 : bad(r, "record names an undefined string");
}

/* Decode a length-prefixed record; return 1 with @ev, 0 to continue. */
int ppv_native_decode_long(struct ppv_native_reader *r, unsigned int tag, struct ppv_event *ev)
{
	const uint8_t *q = r->p + 1, *end = r->end;
	uint64_t len;
	const uint8_t *body;

	GET(len);
	if (len > (uint64_t)(end - q))
		return bad(r, "record length runs past the chunk");
	body = q;
	end = q + len;
	r->p = end;
	if (tag == PPV_TAG_STRING)
		return take_string(r, body, end);
	if (tag == PPV_TAG_CLOCK)
		return take_clock(r, body, end, ev);
	if (tag == PPV_TAG_SYNC) {
		q = body;
		GET(len);
		ev->type = PPV_EVENT_SYNC;
		ev->ts = to_ns(r, len);
		return 1;
	}
	if (tag > PPV_TAG_TIMED_LAST && tag != PPV_TAG_MODULE_LOAD && tag != PPV_TAG_MODULE_UNLOAD)
		return 0; /* unknown: skipped, as the format allows */
	if (!r->in_segment)
		return bad(r, "timed record outside a THREAD segment");
	if (tag == PPV_TAG_MODULE_LOAD || tag == PPV_TAG_MODULE_UNLOAD)
		return take_module(r, tag, body, end, ev);
	return take_timed(r, tag, body, end, ev);
}

int ppv_native_decode_fixed(struct ppv_native_reader *r, unsigned int tag, struct ppv_event *ev)
{
	const uint8_t *q = r->p + 1, *end = r->end;
	uint64_t a, b;

	GET(a);
	GET(b);
	if (tag == PPV_TAG_THREAD) {
		r->p = q;
		if (a > UINT32_MAX)
			return bad(r, "thread id out of range");
		r->in_segment = 1;
		r->tid = (uint32_t)a;
		r->ticks = b;
		r->addr = 0;
		return 0;
	}
	if (tag != PPV_TAG_ENTER && tag != PPV_TAG_EXIT)
		return bad(r, "unknown fixed-layout record tag");
	if (!r->in_segment)
		return bad(r, "ENTER/EXIT outside a THREAD segment");
	r->p = q;
	r->ticks += a;
	r->addr += (uint64_t)ppv_unzigzag(b);
	ev->type = tag == PPV_TAG_ENTER ? PPV_EVENT_ENTER : PPV_EVENT_EXIT;
	ev->ts = to_ns(r, r->ticks);
	ev->func.addr = r->addr;
	return 1;
}

/*
 * A thread's events are recorded in order (one ring per thread), so its
 * time never goes backwards. Converted times can, by a few ns: a CLOCK
 * record starts a new line at the previous calibration point, and events
 * recorded after that point but drained before the record were converted
 * by extrapolating the old line. Hold such an event at its thread's last
 * time, so that no merge can put an exit before its enter.
 */
int ppv_native_decode_thread_order(struct ppv_native_reader *r, struct ppv_event *ev)
{
	struct thread_time *t = r->ntt ? &r->tt[r->tt_last] : NULL;

	if (!t || t->tid != ev->tid) {
		size_t i;

		for (i = 0; i < r->ntt && r->tt[i].tid != ev->tid; i++)
			;
		if (i == r->ntt) {
			if (r->ntt == r->tt_cap) {
				size_t cap = r->tt_cap ? 2 * r->tt_cap : 16;
				struct thread_time *v = realloc(r->tt, cap * sizeof(*v));

				if (!v)
					return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
				r->tt = v;
				r->tt_cap = cap;
			}
			r->tt[r->ntt++] = (struct thread_time){ ev->tid, 0 };
		}
		r->tt_last = i;
		t = &r->tt[i];
	}
	if (ev->ts < t->ts)
		ev->ts = t->ts;
	t->ts = ev->ts;
	return 0;
}
