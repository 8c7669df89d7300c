/* SPDX-License-Identifier: MIT */
/*
 * native-writer.c - encoder for one process file of the native format v1.
 *
 * Owns: the file header, chunk framing (CRC-32C, zstd), the delta coding of
 * EVENTS records, string interning, the INFO and END chunks. Does not own:
 * when to flush (the caller) or where events come from.
 *
 * Every allocation happens in ppv_native_writer_open(): the recorder's
 * writer thread calls append/flush while the traced program may hold its
 * allocator's lock, so nothing here may call malloc afterwards.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "native-format.h"
#include "native-reader.h"
#include "module-index.h"
#include "native-writer.h"
#include "varint.h"

#define DEFAULT_CHUNK (1u << 20)
#define DEFAULT_STRINGS 16384u
#define STRING_ARENA_PER_ENTRY 64u
#define INFO_MAX (64u << 10)
#define MAX_STRING 4096u
/* Room for the largest fixed part of a record plus a chunk's CLOCK and
 * THREAD preamble. */
#define RECORD_SLACK 256u

struct str_ent {
	uint64_t hash;
	uint32_t id;   /* 0: empty slot */
	uint32_t len;
	size_t off;    /* of the copy in the arena */
};

struct ppv_native_writer {
	int fd;
	int err;
	int finished;  /* END written by ppv_native_writer_finish() */
	struct ppv_native_header hdr; /* repeated by ppv_native_writer_restart() */
	uint8_t *raw;
	size_t raw_len, chunk_size;
	uint8_t *comp;
	size_t comp_cap;
	void *zws;
	ZSTD_CCtx *cctx;
	int level;
	uint32_t seq;
	uint64_t bytes, events, lost, chunks;

	/* Delta state of the current segment; reset at every chunk. */
	int in_segment;
	uint32_t seg_tid;
	uint64_t prev_ticks, prev_addr;

	/* The calibration in force, repeated at the start of every chunk. */
	int have_clock, chunk_has_clock;
	uint64_t clk_ticks, clk_ns, clk_mult;

	struct str_ent *strs;
	size_t str_cap, str_count;
	char *arena;
	size_t arena_cap, arena_len;
	uint32_t next_id;

	uint8_t *info;
	size_t info_len;
	int info_dirty;

	struct ppv_module_index modules; /* written as MODULES before END */
};

static int write_all(struct ppv_native_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return w->err = n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		w->bytes += (uint64_t)n;
	}
	return 0;
}

/* Frame @len bytes of @payload as a chunk; compress when @zstd. */
static int write_chunk(struct ppv_native_writer *w, unsigned int type, const uint8_t *payload,
		       size_t len, int zstd)
{
	uint8_t hdr[PPV_CHUNK_HDR];
	const uint8_t *stored = payload;
	size_t stored_len = len;
	uint32_t crc;
	int err;

	if (w->err)
		return w->err;
	if (zstd) {
		size_t n = ZSTD_compressCCtx(w->cctx, w->comp, w->comp_cap, payload, len, w->level);

		if (ZSTD_isError(n))
			return w->err = -EIO;
		stored = w->comp;
		stored_len = n;
	}
	ppv_le32_store(hdr, PPV_CHUNK_MAGIC);
	ppv_le16_store(hdr + PPV_CHUNK_TYPE, (uint16_t)type);
	ppv_le16_store(hdr + PPV_CHUNK_FLAGS, zstd ? PPV_CHUNK_F_ZSTD : 0);
	ppv_le32_store(hdr + PPV_CHUNK_STORED, (uint32_t)stored_len);
	ppv_le32_store(hdr + PPV_CHUNK_RAW, (uint32_t)len);
	ppv_le32_store(hdr + PPV_CHUNK_SEQ, w->seq++);
	crc = ppv_crc32c(0, hdr, PPV_CHUNK_CRC);
	crc = ppv_crc32c(crc, stored, stored_len);
	ppv_le32_store(hdr + PPV_CHUNK_CRC, crc);
	err = write_all(w, hdr, sizeof(hdr));
	if (!err)
		err = write_all(w, stored, stored_len);
	if (!err)
		w->chunks++;
	return err;
}

void ppv_native_header_encode(uint8_t *h, const struct ppv_native_header *hdr)
{
	memset(h, 0, PPV_HEADER_SIZE);
	memcpy(h, PPV_MAGIC, PPV_MAGIC_LEN);
	ppv_le16_store(h + PPV_HDR_MAJOR, PPV_MAJOR);
	ppv_le16_store(h + PPV_HDR_MINOR, PPV_MINOR);
	ppv_le16_store(h + PPV_HDR_SIZE, PPV_HEADER_SIZE);
	ppv_le16_store(h + PPV_HDR_KIND, hdr->file_kind);
	ppv_le32_store(h + PPV_HDR_PID, hdr->pid);
	ppv_le32_store(h + PPV_HDR_PPID, hdr->ppid);
	ppv_le64_store(h + PPV_HDR_START_NS, hdr->start_ns);
	ppv_le64_store(h + PPV_HDR_START_RT, hdr->start_realtime_ns);
	ppv_le16_store(h + PPV_HDR_CLOCK, hdr->clock_source);
	ppv_le32_store(h + PPV_HDR_CRC, ppv_crc32c(0, h, PPV_HDR_CRC));
}

static int write_header(struct ppv_native_writer *w)
{
	uint8_t h[PPV_HEADER_SIZE];

	ppv_native_header_encode(h, &w->hdr);
	return write_all(w, h, sizeof(h));
}

static int alloc_buffers(struct ppv_native_writer *w, size_t max_strings)
{
	size_t ws = ZSTD_estimateCCtxSize(w->level);

	w->raw = malloc(w->chunk_size + RECORD_SLACK + MAX_STRING);
	w->comp_cap = ZSTD_compressBound(w->chunk_size + RECORD_SLACK + MAX_STRING);
	w->comp = malloc(w->comp_cap);
	w->zws = malloc(ws);
	w->str_cap = 16;
	while (w->str_cap < max_strings * 2)
		w->str_cap <<= 1;
	w->strs = calloc(w->str_cap, sizeof(*w->strs));
	w->arena_cap = max_strings * STRING_ARENA_PER_ENTRY;
	w->arena = malloc(w->arena_cap);
	w->info = malloc(INFO_MAX);
	if (!w->raw || !w->comp || !w->zws || !w->strs || !w->arena || !w->info ||
	    ppv_module_index_init(&w->modules))
		return -ENOMEM;
	w->cctx = ZSTD_initStaticCCtx(w->zws, ws);
	return w->cctx ? 0 : -ENOMEM;
}

static void writer_free(struct ppv_native_writer *w)
{
	free(w->raw);
	free(w->comp);
	free(w->zws);
	free(w->strs);
	free(w->arena);
	free(w->info);
	ppv_module_index_release(&w->modules);
	free(w);
}

int ppv_native_writer_open(const struct ppv_writer_opts *opts, struct ppv_native_writer **out)
{
	struct ppv_native_writer *w;
	size_t max_strings = DEFAULT_STRINGS;
	int err;

	*out = NULL;
	if (!opts || opts->sz < offsetof(struct ppv_writer_opts, chunk_size) || opts->fd < 0)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = opts->fd;
	w->hdr = (struct ppv_native_header){
		.file_kind = PPV_FILE_PROCESS,
		.clock_source = (uint16_t)opts->clock_source,
		.pid = opts->pid,
		.ppid = opts->ppid,
		.start_ns = opts->start_ns,
		.start_realtime_ns = opts->start_realtime_ns,
	};
	w->chunk_size = DEFAULT_CHUNK;
	w->level = 1;
	w->next_id = 1;
	if (opts->sz >= sizeof(*opts)) {
		if (opts->chunk_size)
			w->chunk_size = opts->chunk_size < 4096 ? 4096 : opts->chunk_size;
		if (opts->chunk_size > PPV_CHUNK_MAX_RAW / 2)
			w->chunk_size = PPV_CHUNK_MAX_RAW / 2;
		if (opts->zstd_level)
			w->level = opts->zstd_level;
		if (opts->max_strings)
			max_strings = opts->max_strings;
	}
	err = alloc_buffers(w, max_strings);
	if (!err)
		err = write_header(w);
	if (err) {
		writer_free(w);
		return err;
	}
	*out = w;
	return 0;
}

/* Remove @key's pair, if present: a key is set once per INFO chunk, since
 * readers take the first pair of a key. */
static void info_remove(struct ppv_native_writer *w, const char *key)
{
	size_t off = 0;

	while (off < w->info_len) {
		size_t k = strlen((char *)w->info + off) + 1;
		size_t v = strlen((char *)w->info + off + k) + 1;

		if (strcmp((char *)w->info + off, key) == 0) {
			memmove(w->info + off, w->info + off + k + v, w->info_len - off - k - v);
			w->info_len -= k + v;
			return;
		}
		off += k + v;
	}
}

int ppv_native_writer_set_info(struct ppv_native_writer *w, const char *key, const char *value)
{
	size_t k = strlen(key) + 1, v = strlen(value) + 1;

	info_remove(w, key);
	if (w->info_len + k + v > INFO_MAX)
		return -ENOSPC;
	memcpy(w->info + w->info_len, key, k);
	memcpy(w->info + w->info_len + k, value, v);
	w->info_len += k + v;
	w->info_dirty = 1;
	return 0;
}

/* ---- EVENTS encoding ---------------------------------------------------- */

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
	ppv_le64_store(p, v);
	return p + 8;
}

static int chunk_end(struct ppv_native_writer *w)
{
	int err = 0;

	if (w->info_dirty) {
		err = write_chunk(w, PPV_CHUNK_INFO, w->info, w->info_len, 0);
		w->info_dirty = 0;
	}
	if (!err && w->raw_len)
		err = write_chunk(w, PPV_CHUNK_EVENTS, w->raw, w->raw_len, 1);
	w->raw_len = 0;
	w->in_segment = 0;
	w->chunk_has_clock = 0;
	return err;
}

static void emit_clock(struct ppv_native_writer *w)
{
	uint8_t *p = w->raw + w->raw_len;

	*p++ = PPV_TAG_CLOCK;
	*p++ = 24;
	p = put_u64(p, w->clk_ticks);
	p = put_u64(p, w->clk_ns);
	p = put_u64(p, w->clk_mult);
	w->raw_len = (size_t)(p - w->raw);
	w->chunk_has_clock = 1;
}

/* Make room for a record of at most @need bytes, and the chunk preamble. */
static int reserve(struct ppv_native_writer *w, size_t need)
{
	int err = 0;

	if (w->raw_len + need > w->chunk_size)
		err = chunk_end(w);
	if (!w->chunk_has_clock && w->have_clock)
		emit_clock(w);
	return err;
}

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
	err = reserve(w, len + 2 * PPV_VARINT_MAX + 1);
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
		int err = w->err ? w->err : w->finished ? -EBADF : reserve(w, 32);

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
		err = reserve(w, 96);
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
		err = reserve(w, 64 + bid);
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
		err = chunk_end(w);
	if (!err)
		emit_clock(w);
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
	return chunk_end(w);
}

/* The last chunks of a file: pending events, the module index, END. */
static int finish(struct ppv_native_writer *w)
{
	const uint8_t *index;
	uint8_t end[24];
	size_t len;
	int err = chunk_end(w);

	index = ppv_module_index_payload(&w->modules, &len);
	if (!err && index)
		err = write_chunk(w, PPV_CHUNK_MODULES, index, len, 0);
	ppv_le64_store(end, w->events);
	ppv_le64_store(end + 8, w->lost);
	ppv_le64_store(end + 16, w->chunks);
	if (!err)
		err = write_chunk(w, PPV_CHUNK_END, end, sizeof(end), 0);
	w->finished = 1;
	return err;
}

int ppv_native_writer_close(struct ppv_native_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->finished ? w->err : finish(w);
	if (close(w->fd) < 0 && !err)
		err = -errno;
	writer_free(w);
	return err;
}

int ppv_native_writer_finish(struct ppv_native_writer *w, struct ppv_native_totals *tot)
{
	int err = w->finished ? -EINVAL : w->err ? w->err : finish(w);

	tot->bytes = w->bytes;
	tot->events = w->events;
	tot->lost = w->lost;
	return err;
}

int ppv_native_writer_restart(struct ppv_native_writer *w, int fd)
{
	if (!w->finished || fd < 0)
		return -EINVAL;
	w->fd = fd;
	w->err = 0;
	w->finished = 0;
	w->seq = 0;
	w->bytes = w->events = w->lost = w->chunks = 0;
	w->raw_len = 0;
	w->in_segment = 0;
	w->have_clock = w->chunk_has_clock = 0;
	/* Strings are defined per file. */
	memset(w->strs, 0, w->str_cap * sizeof(*w->strs));
	w->str_count = 0;
	w->arena_len = 0;
	w->next_id = 1;
	w->info_dirty = w->info_len > 0;
	w->modules.len = 4; /* the count, as ppv_module_index_init() leaves it */
	w->modules.count = 0;
	w->modules.overflow = 0;
	return write_header(w);
}

void ppv_native_writer_abandon(struct ppv_native_writer *w)
{
	if (w)
		writer_free(w);
}

uint64_t ppv_native_writer_bytes(const struct ppv_native_writer *w)
{
	return w->bytes;
}

uint64_t ppv_native_writer_events(const struct ppv_native_writer *w)
{
	return w->events;
}
