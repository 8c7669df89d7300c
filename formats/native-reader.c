/* SPDX-License-Identifier: MIT */
/*
 * native-reader.c - streaming reader of one native-format file.
 *
 * Owns: header validation, chunk framing (bounds, CRC-32C, zstd), INFO
 * keys and END totals, and every error and warning message about the file.
 * Decoding EVENTS records is native-decode.c's.
 * Does not own: merging files or threads (analyzer/) or symbols
 * (symbols-file.c uses ppv_native_reader_chunk()).
 *
 * Memory is one chunk (stored and decompressed) plus the strings. Nothing
 * read from the file is trusted: every length and varint is bounds-checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "native-reader-internal.h"
#include "varint.h"

static _Thread_local char open_error[768];

const char *ppv_native_reader_open_error(void)
{
	return open_error;
}

int ppv_native_reader_fail(struct ppv_native_reader *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof(r->err), "%s: ", r->path);

	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
	r->done = 1;
	return err;
}

char *ppv_native_reader_arena(struct ppv_native_reader *r, size_t len)
{
	struct arena_block *b = r->arena;

	if (!b || b->cap - b->used < len) {
		size_t cap = len > 65536 ? len : 65536;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = r->arena;
		b->used = 0;
		b->cap = cap;
		r->arena = b;
	}
	b->used += len;
	return b->data + b->used - len;
}

/* Read exactly @len bytes at @off; return bytes read (short at EOF). */
static ssize_t read_at(struct ppv_native_reader *r, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(r->fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int check_header(struct ppv_native_reader *r, const uint8_t *h, ssize_t n)
{
	uint32_t crc;

	if (n == 0)
		return ppv_native_reader_fail(r, -EINVAL, "offset 0: empty file, expected a PerProVis trace header");
	if (n < PPV_MAGIC_LEN || memcmp(h, PPV_MAGIC, PPV_MAGIC_LEN) != 0)
		return ppv_native_reader_fail(r, -EINVAL, "offset 0: not a PerProVis trace (bad magic)");
	if (n < PPV_HEADER_SIZE)
		return ppv_native_reader_fail(r, -EINVAL, "offset %zd: truncated header, expected %d bytes", n,
			    PPV_HEADER_SIZE);
	r->hdr.major = ppv_le16_load(h + PPV_HDR_MAJOR);
	r->hdr.minor = ppv_le16_load(h + PPV_HDR_MINOR);
	if (r->hdr.major != PPV_MAJOR)
		return ppv_native_reader_fail(r, r->hdr.major > PPV_MAJOR ? -ENOTSUP : -EINVAL,
			    "offset %d: format version %u.%u, this reader supports %d.x",
			    PPV_HDR_MAJOR, r->hdr.major, r->hdr.minor, PPV_MAJOR);
	crc = ppv_crc32c(0, h, PPV_HDR_CRC);
	if (crc != ppv_le32_load(h + PPV_HDR_CRC))
		return ppv_native_reader_fail(r, -EINVAL, "offset %d: header checksum mismatch (expected 0x%08x, "
			    "computed 0x%08x)", PPV_HDR_CRC, ppv_le32_load(h + PPV_HDR_CRC), crc);
	if (ppv_le16_load(h + PPV_HDR_SIZE) < PPV_HEADER_SIZE)
		return ppv_native_reader_fail(r, -EINVAL, "offset %d: header size %u, expected at least %d",
			    PPV_HDR_SIZE, ppv_le16_load(h + PPV_HDR_SIZE), PPV_HEADER_SIZE);
	r->hdr.file_kind = ppv_le16_load(h + PPV_HDR_KIND);
	r->hdr.clock_source = ppv_le16_load(h + PPV_HDR_CLOCK);
	r->hdr.pid = ppv_le32_load(h + PPV_HDR_PID);
	r->hdr.ppid = ppv_le32_load(h + PPV_HDR_PPID);
	r->hdr.start_ns = ppv_le64_load(h + PPV_HDR_START_NS);
	r->hdr.start_realtime_ns = ppv_le64_load(h + PPV_HDR_START_RT);
	r->off = ppv_le16_load(h + PPV_HDR_SIZE);
	return 0;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *n;

	if (*cap >= need)
		return 0;
	n = realloc(*buf, need);
	if (!n)
		return -ENOMEM;
	*buf = n;
	*cap = need;
	return 0;
}

static void torn(struct ppv_native_reader *r, uint64_t want, uint64_t have)
{
	r->stats.torn = 1;
	r->done = 1;
	snprintf(r->warn, sizeof(r->warn), "%s: torn chunk at offset %" PRIu64 " (expected %"
		 PRIu64 " bytes, found %" PRIu64 "); trace ends early", r->path, r->off, want, have);
}

/*
 * ppv_native_reader_chunk() - load the next chunk of any type.
 * Return: 1 with *@type, *@data, *@len set (data valid until the next call),
 * 0 at the end (clean or torn), negative errno on corruption.
 */
int ppv_native_reader_chunk(struct ppv_native_reader *r, unsigned int *type,
			    const uint8_t **data, size_t *len)
{
	uint8_t h[PPV_CHUNK_HDR];
	uint32_t stored, raw, crc, flags;
	ssize_t n;

	if (r->done)
		return 0;
	n = read_at(r, h, sizeof(h), r->off);
	if (n < 0)
		return ppv_native_reader_fail(r, (int)n, "offset %" PRIu64 ": read error", r->off);
	if (n == 0) {
		r->done = 1;
		return 0;
	}
	if (n < PPV_CHUNK_HDR) {
		torn(r, PPV_CHUNK_HDR, (uint64_t)n);
		return 0;
	}
	if (ppv_le32_load(h) != PPV_CHUNK_MAGIC)
		return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": bad chunk magic 0x%08x, expected "
			    "0x%08x (\"PPVC\")", r->off, ppv_le32_load(h), PPV_CHUNK_MAGIC);
	*type = ppv_le16_load(h + PPV_CHUNK_TYPE);
	flags = ppv_le16_load(h + PPV_CHUNK_FLAGS);
	stored = ppv_le32_load(h + PPV_CHUNK_STORED);
	raw = ppv_le32_load(h + PPV_CHUNK_RAW);
	if (raw > PPV_CHUNK_MAX_RAW || stored > PPV_CHUNK_MAX_RAW)
		return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": chunk size %u/%u exceeds the %u-byte "
			    "limit", r->off, stored, raw, PPV_CHUNK_MAX_RAW);
	if (grow(&r->stored, &r->stored_cap, stored + 1))
		return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
	n = read_at(r, r->stored, stored, r->off + PPV_CHUNK_HDR);
	if (n < 0)
		return ppv_native_reader_fail(r, (int)n, "offset %" PRIu64 ": read error", r->off);
	if ((size_t)n < stored) {
		torn(r, PPV_CHUNK_HDR + (uint64_t)stored, PPV_CHUNK_HDR + (uint64_t)n);
		return 0;
	}
	crc = ppv_crc32c(ppv_crc32c(0, h, PPV_CHUNK_CRC), r->stored, stored);
	if (crc != ppv_le32_load(h + PPV_CHUNK_CRC))
		return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": chunk checksum mismatch (expected "
			    "0x%08x, computed 0x%08x)", r->off, ppv_le32_load(h + PPV_CHUNK_CRC), crc);
	r->chunk_off = r->off;
	r->chunk_seq = ppv_le32_load(h + PPV_CHUNK_SEQ);
	r->off += PPV_CHUNK_HDR + (uint64_t)stored;
	r->stats.chunks++;
	if (!(flags & PPV_CHUNK_F_ZSTD)) {
		if (raw != stored)
			return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": uncompressed chunk of %u bytes "
				    "claims %u", r->chunk_off, stored, raw);
		*data = r->stored;
		*len = stored;
		return 1;
	}
	if (grow(&r->raw, &r->raw_cap, raw + 1))
		return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
	if (!r->dctx && !(r->dctx = ZSTD_createDCtx()))
		return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
	{
		size_t got = ZSTD_decompressDCtx(r->dctx, r->raw, raw, r->stored, stored);

		if (ZSTD_isError(got) || got != raw)
			return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": chunk does not decompress to "
				    "its %u bytes (%s)", r->chunk_off, raw,
				    ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size mismatch");
	}
	*data = r->raw;
	*len = raw;
	return 1;
}

static int take_info(struct ppv_native_reader *r, const uint8_t *d, size_t len)
{
	char *copy = ppv_native_reader_arena(r, len + 1);

	if (!copy)
		return ppv_native_reader_fail(r, -ENOMEM, "out of memory");
	memcpy(copy, d, len);
	copy[len] = '\0';
	r->info = copy;
	r->info_len = len;
	return 0;
}

static int take_end(struct ppv_native_reader *r, const uint8_t *d, size_t len)
{
	if (len < 24)
		return ppv_native_reader_fail(r, -EINVAL, "offset %" PRIu64 ": END chunk of %zu bytes, expected 24",
			    r->chunk_off, len);
	r->stats.complete = 1;
	return 0;
}

/* Writers put the INFO chunk first: take it now so that callers know the
 * process's command line before reading events. Anything else is left for
 * next(), including a torn or corrupt first chunk. */
static void read_ahead_info(struct ppv_native_reader *r)
{
	uint64_t off = r->off;
	const uint8_t *d;
	size_t len;
	unsigned int type;

	if (ppv_native_reader_chunk(r, &type, &d, &len) == 1 && type == PPV_CHUNK_INFO &&
	    take_info(r, d, len) == 0)
		return;
	r->off = off;
	memset(&r->stats, 0, sizeof(r->stats));
	r->done = 0;
	r->err[0] = r->warn[0] = '\0';
}

int ppv_native_reader_open(const char *path, struct ppv_native_reader **out)
{
	struct ppv_native_reader *r = calloc(1, sizeof(*r));
	uint8_t h[PPV_HEADER_SIZE];
	struct stat st;
	ssize_t n;
	int err;

	*out = NULL;
	if (!r || !(r->path = strdup(path))) {
		free(r);
		snprintf(open_error, sizeof(open_error), "%s: out of memory", path);
		return -ENOMEM;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		err = -errno;
		snprintf(open_error, sizeof(open_error), "%s: cannot open: %s", path, strerror(-err));
		ppv_native_reader_close(r);
		return err;
	}
	if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(open_error, sizeof(open_error), "%s: is a directory, expected a trace file",
			 path);
		ppv_native_reader_close(r);
		return -EISDIR;
	}
	r->file_size = (uint64_t)st.st_size;
	n = read_at(r, h, sizeof(h), 0);
	err = n < 0 ? ppv_native_reader_fail(r, (int)n, "offset 0: read error") : check_header(r, h, n);
	if (err) {
		snprintf(open_error, sizeof(open_error), "%s", r->err);
		ppv_native_reader_close(r);
		return err;
	}
	read_ahead_info(r);
	*out = r;
	return 0;
}

/* Load the next EVENTS chunk, taking INFO/END and skipping others. */
static int next_events_chunk(struct ppv_native_reader *r)
{
	for (;;) {
		const uint8_t *d;
		size_t len;
		unsigned int type;
		int rc = ppv_native_reader_chunk(r, &type, &d, &len);

		if (rc <= 0)
			return rc;
		switch (type) {
		case PPV_CHUNK_EVENTS:
			r->base = r->p = d;
			r->end = d + len;
			r->in_segment = 0;
			return 1;
		case PPV_CHUNK_INFO:
			rc = take_info(r, d, len);
			break;
		case PPV_CHUNK_END:
			rc = take_end(r, d, len);
			break;
		default:
			r->stats.skipped_chunks++;
			break;
		}
		if (rc < 0)
			return rc;
	}
}

int ppv_native_reader_next(struct ppv_native_reader *r, struct ppv_event *ev)
{
	if (r->err[0])
		return -EINVAL;
	for (;;) {
		unsigned int tag;
		int rc;

		if (r->p >= r->end) {
			rc = next_events_chunk(r);
			if (rc == 0 && !r->stats.complete && !r->warn[0])
				snprintf(r->warn, sizeof(r->warn), "%s: trace ends without its END "
					 "chunk at offset %" PRIu64 ": the process did not exit "
					 "normally", r->path, r->off);
			if (rc <= 0)
				return rc;
			continue;
		}
		tag = *r->p;
		memset(ev, 0, sizeof(*ev));
		if (tag < PPV_TAG_FIXED_END)
			rc = ppv_native_decode_fixed(r, tag, ev);
		else
			rc = ppv_native_decode_long(r, tag, ev);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			ev->pid = r->hdr.pid;
			ev->tid = ev->type == PPV_EVENT_CLOCK || ev->type == PPV_EVENT_SYNC ? 0 : r->tid;
			if (ev->tid && ev->type <= PPV_EVENT_THREAD_EXIT &&
			    ppv_native_decode_thread_order(r, ev) < 0)
				return -ENOMEM;
			r->stats.events++;
			return 1;
		}
	}
}

const char *ppv_native_reader_info(const struct ppv_native_reader *r, const char *key)
{
	const char *p = r->info, *end = r->info + r->info_len;

	while (p && p < end) {
		const char *v = p + strlen(p) + 1;

		if (v >= end)
			break;
		if (strcmp(p, key) == 0)
			return v;
		p = v + strlen(v) + 1;
	}
	return NULL;
}

const struct ppv_native_header *ppv_native_reader_header(const struct ppv_native_reader *r)
{
	return &r->hdr;
}

const struct ppv_native_stats *ppv_native_reader_stats(const struct ppv_native_reader *r)
{
	return &r->stats;
}

const char *ppv_native_reader_last_error(const struct ppv_native_reader *r)
{
	return r->err[0] ? r->err : NULL;
}

const char *ppv_native_reader_warning(const struct ppv_native_reader *r)
{
	return r->warn[0] ? r->warn : NULL;
}

const char *ppv_native_reader_path(const struct ppv_native_reader *r)
{
	return r->path;
}

void ppv_native_reader_close(struct ppv_native_reader *r)
{
	if (!r)
		return;
	while (r->arena) {
		struct arena_block *b = r->arena;

		r->arena = b->next;
		free(b);
	}
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	free(r->strings);
	free(r->tt);
	free(r->stored);
	free(r->raw);
	free(r->path);
	free(r);
}
