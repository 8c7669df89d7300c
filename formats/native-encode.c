/* SPDX-License-Identifier: MIT */
/*
 * native-encode.c - the EVENTS records of the native format: delta-coded
 * enter/exit, the length-prefixed records of every other event, string
 * interning, and the SYNC watermark that ends a flushed chunk.
 *
 * Owns: the bytes of each record (docs/format.md, section 4). Does not
 * own: chunks, compression or the file (native-writer.c). Like the rest
 * of the writer, it never allocates: the buffers come from
 * ppv_native_writer_open().
 */
#include <errno.h>
#include <string.h>

#include "native-format.h"
#include "native-writer.h"
#include "native-writer-internal.h"
#include "varint.h"

/* Start a segment for @tid at @ticks if needed; return the delta. */
static uint64_t segment_dt(struct ppv_native_writer *w, uint32_t tid, uint64_t ticks)
{
	uint8_t *p;

	if (w->in_segment && w->seg_tid == tid && ticks >= w->prev_ticks) {
		uint64_t dt = ticks - w->prev_ticks;

		w->prev_ticks = ticks;
		return dt;
	}
	/* A new thread, or time went backwards (a late LOSS): re-base. */
	p = w->raw + w->raw_len;
	*p++ = PPV_TAG_THREAD;
	p = ppv_varint_put(p, tid);
	p = ppv_varint_put(p, ticks);
	w->raw_len = (size_t)(p - w->raw);
	w->in_segment = 1;
	w->seg_tid = tid;
	w->prev_ticks = ticks;
	w->prev_addr = 0;
	return 0;
}

static uint64_t hash_str(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3u;
	return h;
}

static void emit_string(struct ppv_native_writer *w, uint32_t id, const char *s, size_t len)
{
	uint8_t *p = w->raw + w->raw_len;
	uint8_t body[PPV_VARINT_MAX];
	size_t blen = (size_t)(ppv_varint_put(body, id) - body);

	*p++ = PPV_TAG_STRING;
	p = ppv_varint_put(p, blen + len);
	memcpy(p, body, blen);
	memcpy(p + blen, s, len);
	w->raw_len = (size_t)(p + blen + len - w->raw);
}

/*
 * The id of string @s, defined in the file before its first use. Strings
 * are interned by content; once the table or its arena is full, new
 * strings are defined again, under a fresh id, at every use.
 */
static int intern(struct ppv_native_writer *w, const char *s, uint32_t *id)
{
	size_t len = strnlen(s, MAX_STRING);
	uint64_t h = hash_str(s, len);
	size_t i = h & (w->str_cap - 1);
	int err;

	for (; w->strs[i].id; i = (i + 1) & (w->str_cap - 1)) {
		const struct str_ent *e = &w->strs[i];

		if (e->hash == h && e->len == len && memcmp(w->arena + e->off, s, len) == 0) {
			*id = e->id;
			return 0;
		}
	}
	err = ppv_nw_reserve(w, len + 2 * PPV_VARINT_MAX + 1);
	if (err)
		return err;
	*id = w->next_id++;
	emit_string(w, *id, s, len);
	if (w->str_count * 2 < w->str_cap && w->arena_len + len <= w->arena_cap) {
		w->strs[i] = (struct str_ent){ h, *id, (uint32_t)len, w->arena_len };
		memcpy(w->arena + w->arena_len, s, len);
		w->arena_len += len;
		w->str_count++;
	}
	return 0;
}

/* Begin a length-prefixed record: returns where the body goes. The body
 * length is patched by end_body(); one byte of length covers bodies < 128,
 * which is every record except STRING and MODULE_LOAD, written directly. */
static uint8_t *begin_body(struct ppv_native_writer *w, unsigned int tag)
{
	uint8_t *p = w->raw + w->raw_len;

	p[0] = (uint8_t)tag;
	return p + 2;
}

static void end_body(struct ppv_native_writer *w, uint8_t *end)
{
	uint8_t *start = w->raw + w->raw_len;

	start[1] = (uint8_t)(end - start - 2);
	w->raw_len = (size_t)(end - w->raw);
}

int ppv_native_writer_append_call(struct ppv_native_writer *w, uint32_t tid, uint64_t ticks,
				  uint64_t addr, int exit)
{
	uint8_t *p;
	uint64_t dt;

	if (__builtin_expect(w->raw_len + 32 > w->chunk_size || !w->chunk_has_clock, 0)) {
		int err = w->err ? w->err : w->finished ? -EBADF : ppv_nw_reserve(w, 32);

		if (err)
			return err;
	}
	if (__builtin_expect(w->in_segment && w->seg_tid == tid && ticks >= w->prev_ticks, 1)) {
		dt = ticks - w->prev_ticks;
		w->prev_ticks = ticks;
	} else {
		dt = segment_dt(w, tid, ticks);
	}
	p = w->raw + w->raw_len;
	*p++ = exit ? PPV_TAG_EXIT : PPV_TAG_ENTER;
	p = ppv_varint_put(p, dt);
	p = ppv_varint_put(p, ppv_zigzag((int64_t)(addr - w->prev_addr)));
	w->prev_addr = addr;
	w->raw_len = (size_t)(p - w->raw);
	w->events++;
	return 0;
}

static int append_timed(struct ppv_native_writer *w, const struct ppv_event *ev)
{
	uint32_t sid = 0;
	uint8_t *p;
	uint64_t dt;
	int err = 0;

	if (ev->type == PPV_EVENT_SCOPE_ENTER || ev->type == PPV_EVENT_SCOPE_EXIT)
		err = intern(w, ev->scope.name ? ev->scope.name : "", &sid);
	else if (ev->type == PPV_EVENT_IO && ev->io.name)
		err = intern(w, ev->io.name, &sid);
	else if (ev->type == PPV_EVENT_THREAD_START && ev->thread.name)
		err = intern(w, ev->thread.name, &sid);
	if (!err)
		err = ppv_nw_reserve(w, 96);
	if (err)
		return err;
	dt = segment_dt(w, ev->tid, ev->ts);
	switch (ev->type) {
	case PPV_EVENT_SCOPE_ENTER:
	case PPV_EVENT_SCOPE_EXIT:
		p = begin_body(w, ev->type == PPV_EVENT_SCOPE_ENTER ? PPV_TAG_SCOPE_ENTER
								   : PPV_TAG_SCOPE_EXIT);
		p = ppv_varint_put(ppv_varint_put(p, dt), sid);
		break;
	case PPV_EVENT_IO:
		p = begin_body(w, PPV_TAG_IO);
		p = ppv_varint_put(p, dt);
		p = ppv_varint_put(p, ev->ts >= ev->io.start ? ev->ts - ev->io.start : 0);
		*p++ = (uint8_t)ev->io.kind;
		p = ppv_varint_put(p, sid);
		p = ppv_varint_put(p, ev->io.bytes);
		p = ppv_varint_put(p, ppv_zigzag(ev->io.err));
		p = ppv_varint_put(p, ppv_zigzag(ev->io.fd));
		*p++ = ev->io.op;
		*p++ = ev->io.fdclass;
		break;
	case PPV_EVENT_ALLOC:
	case PPV_EVENT_FREE:
		p = begin_body(w, ev->type == PPV_EVENT_ALLOC ? PPV_TAG_ALLOC : PPV_TAG_FREE);
		p = ppv_varint_put(p, dt);
		p = ppv_varint_put(ppv_varint_put(p, ev->alloc.addr), ev->alloc.size);
		*p++ = (uint8_t)ev->alloc.kind;
		break;
	case PPV_EVENT_MEMSTAT:
		p = begin_body(w, PPV_TAG_MEMSTAT);
		p = ppv_varint_put(p, dt);
		p = ppv_varint_put(ppv_varint_put(p, ev->memstat.rss), ev->memstat.peak_rss);
		break;
	case PPV_EVENT_PAUSE:
	case PPV_EVENT_RESUME:
		p = begin_body(w, ev->type == PPV_EVENT_PAUSE ? PPV_TAG_PAUSE : PPV_TAG_RESUME);
		p = ppv_varint_put(p, dt);
		break;
	case PPV_EVENT_ERROR:
		p = begin_body(w, PPV_TAG_ERROR);
		p = ppv_varint_put(ppv_varint_put(p, dt), ppv_zigzag(ev->error.code));
		break;
	case PPV_EVENT_THREAD_START:
		p = begin_body(w, PPV_TAG_THREAD_START);
		p = ppv_varint_put(ppv_varint_put(p, dt), sid);
		break;
	case PPV_EVENT_THREAD_EXIT:
		p = begin_body(w, PPV_TAG_THREAD_EXIT);
		p = ppv_varint_put(p, dt);
		break;
	default: /* PPV_EVENT_LOSS */
		p = begin_body(w, PPV_TAG_LOSS);
		p = ppv_varint_put(ppv_varint_put(p, dt), ev->loss.count);
		w->lost += ev->loss.count;
		break;
	}
	end_body(w, p);
	return 0;
}

static int append_module(struct ppv_native_writer *w, const struct ppv_event *ev)
{
	uint32_t sid = 0, bid = ev->module.build_id_len > PPV_MAX_BUILD_ID ? PPV_MAX_BUILD_ID
									: ev->module.build_id_len;
	uint8_t *p;
	uint64_t dt;
	int err = 0;

	if (ev->type == PPV_EVENT_MODULE_LOAD)
		err = intern(w, ev->module.path ? ev->module.path : "", &sid);
	if (!err)
		err = ppv_nw_reserve(w, 64 + bid);
	if (err)
		return err;
	dt = segment_dt(w, ev->tid, ev->ts);
	if (ev->type == PPV_EVENT_MODULE_UNLOAD) {
		p = begin_body(w, PPV_TAG_MODULE_UNLOAD);
		p = put_u64(ppv_varint_put(p, dt), ev->module.base);
		end_body(w, p);
		return 0;
	}
	ppv_module_index_add(&w->modules, ev);
	p = begin_body(w, PPV_TAG_MODULE_LOAD);
	p = ppv_varint_put(p, dt);
	p = put_u64(p, ev->module.base);
	p = put_u64(p, ev->module.size);
	p = put_u64(p, ev->module.bias);
	p = ppv_varint_put(p, sid);
	*p++ = (uint8_t)bid;
	if (bid)
		memcpy(p, ev->module.build_id, bid);
	end_body(w, p + bid);
	return 0;
}

/* A new calibration applies to the records after it: written in place,
 * and repeated at the start of every later chunk. */
static int append_clock(struct ppv_native_writer *w, const struct ppv_event *ev)
{
	int err = 0;

	w->have_clock = 1;
	w->clk_ticks = ev->clock.ticks;
	w->clk_ns = ev->clock.ns;
	w->clk_mult = ev->clock.mult;
	if (w->raw_len + 32 > w->chunk_size)
		err = ppv_nw_chunk_end(w);
	if (!err)
		ppv_nw_emit_clock(w);
	return err;
}

int ppv_native_writer_append(struct ppv_native_writer *w, const struct ppv_event *ev)
{
	int err;

	if (w->err)
		return w->err;
	if (w->finished)
		return -EBADF;
	switch (ev->type) {
	case PPV_EVENT_ENTER:
	case PPV_EVENT_EXIT:
		return ppv_native_writer_append_call(w, ev->tid, ev->ts, ev->func.addr,
						     ev->type == PPV_EVENT_EXIT);
	case PPV_EVENT_SCOPE_ENTER:
	case PPV_EVENT_SCOPE_EXIT:
	case PPV_EVENT_IO:
	case PPV_EVENT_ERROR:
	case PPV_EVENT_THREAD_START:
	case PPV_EVENT_THREAD_EXIT:
	case PPV_EVENT_LOSS:
	case PPV_EVENT_ALLOC:
	case PPV_EVENT_FREE:
	case PPV_EVENT_MEMSTAT:
	case PPV_EVENT_PAUSE:
	case PPV_EVENT_RESUME:
		err = append_timed(w, ev);
		break;
	case PPV_EVENT_MODULE_LOAD:
	case PPV_EVENT_MODULE_UNLOAD:
		err = append_module(w, ev);
		break;
	case PPV_EVENT_CLOCK:
		err = append_clock(w, ev);
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		w->events++;
	return err;
}

int ppv_native_writer_flush(struct ppv_native_writer *w, uint64_t watermark)
{
	if (w->err)
		return w->err;
	if (w->finished)
		return -EBADF;
	if (watermark && w->raw_len) {
		uint8_t *p = begin_body(w, PPV_TAG_SYNC);

		end_body(w, ppv_varint_put(p, watermark));
	}
	return ppv_nw_chunk_end(w);
}
