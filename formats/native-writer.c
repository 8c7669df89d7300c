/* SPDX-License-Identifier: MIT */
/*
 * native-writer.c - encoder for one process file of the native format v1.
 *
 * Owns: the file header, chunk framing (CRC-32C, zstd), the INFO,
 * MODULES and END chunks, and a file's life (open, finish, restart for a
 * new segment, close). The records inside EVENTS chunks are
 * native-encode.c's. Does not own: when to flush (the caller) or where
 * events come from.
 *
 * Every allocation happens in ppv_native_writer_open(): the recorder's
 * writer thread calls append/flush while the traced program may hold its
 * allocator's lock, so nothing here may call malloc afterwards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "native-format.h"
#include "native-reader.h"
#include "module-index.h"
#include "native-writer.h"
#include "native-writer-internal.h"
#include "varint.h"

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

/* ---- chunks -------------------------------------------------------------- */

int ppv_nw_chunk_end(struct ppv_native_writer *w)
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

void ppv_nw_emit_clock(struct ppv_native_writer *w)
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
int ppv_nw_reserve(struct ppv_native_writer *w, size_t need)
{
	int err = 0;

	if (w->raw_len + need > w->chunk_size)
		err = ppv_nw_chunk_end(w);
	if (!w->chunk_has_clock && w->have_clock)
		ppv_nw_emit_clock(w);
	return err;
}

/* The last chunks of a file: pending events, the module index, END. */
static int finish(struct ppv_native_writer *w)
{
	const uint8_t *index;
	uint8_t end[24];
	size_t len;
	int err = ppv_nw_chunk_end(w);

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
