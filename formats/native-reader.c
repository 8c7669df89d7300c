/* SPDX-License-Identifier: MIT */
/*
 * native-reader.c - streaming reader of one native-format file.
 *
 * Owns: header validation, chunk framing (bounds, CRC-32C, zstd), decoding
 * EVENTS records into struct ppv_event, the file's string table, INFO keys
 * and END totals, and every error and warning message about the file.
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
#include <zstd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "native-format.h"
#include "native-reader.h"
#include "varint.h"

__extension__ typedef __int128 i128;

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct ppv_native_reader {
	char *path;
	int fd;
	uint64_t file_size;
	uint64_t off;            /* offset of the next chunk */
	struct ppv_native_header hdr;
	struct ppv_native_stats stats;

	uint8_t *stored, *raw;
	size_t stored_cap, raw_cap;
	ZSTD_DCtx *dctx;

	/* The EVENTS chunk being decoded. */
	const uint8_t *p, *end, *base;
	uint64_t chunk_off;
	uint32_t chunk_seq;

	int in_segment;
	uint32_t tid;
	uint64_t ticks, addr;
	uint64_t clk_ticks, clk_ns, clk_mult;
	int have_clock;

	/* Last time returned per thread, see keep_thread_order(). */
	struct thread_time {
		uint32_t tid;
		uint64_t ts;
	} *tt;
	size_t ntt, tt_cap, tt_last;

	char **strings;          /* by id */
	size_t nstrings;
	struct arena_block *arena;

	char *info;              /* last INFO chunk: key\0value\0... */
	size_t info_len;

	int done;
	char err[768];
	char warn[768];
};

static _Thread_local char open_error[768];

const char *ppv_native_reader_open_error(void)
{
	return open_error;
}

static int fail(struct ppv_native_reader *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof(r->err), "%s: ", r->path);

	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
	r->done = 1;
	return err;
}

static char *arena_alloc(struct ppv_native_reader *r, size_t len)
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
		return fail(r, -EINVAL, "offset 0: empty file, expected a PerProVis trace header");
	if (n < PPV_MAGIC_LEN || memcmp(h, PPV_MAGIC, PPV_MAGIC_LEN) != 0)
		return fail(r, -EINVAL, "offset 0: not a PerProVis trace (bad magic)");
	if (n < PPV_HEADER_SIZE)
		return fail(r, -EINVAL, "offset %zd: truncated header, expected %d bytes", n,
			    PPV_HEADER_SIZE);
	r->hdr.major = ppv_le16_load(h + PPV_HDR_MAJOR);
	r->hdr.minor = ppv_le16_load(h + PPV_HDR_MINOR);
	if (r->hdr.major != PPV_MAJOR)
		return fail(r, r->hdr.major > PPV_MAJOR ? -ENOTSUP : -EINVAL,
			    "offset %d: format version %u.%u, this reader supports %d.x",
			    PPV_HDR_MAJOR, r->hdr.major, r->hdr.minor, PPV_MAJOR);
	crc = ppv_crc32c(0, h, PPV_HDR_CRC);
	if (crc != ppv_le32_load(h + PPV_HDR_CRC))
		return fail(r, -EINVAL, "offset %d: header checksum mismatch (expected 0x%08x, "
			    "computed 0x%08x)", PPV_HDR_CRC, ppv_le32_load(h + PPV_HDR_CRC), crc);
	if (ppv_le16_load(h + PPV_HDR_SIZE) < PPV_HEADER_SIZE)
		return fail(r, -EINVAL, "offset %d: header size %u, expected at least %d",
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
		return fail(r, (int)n, "offset %" PRIu64 ": read error", r->off);
	if (n == 0) {
		r->done = 1;
		return 0;
	}
	if (n < PPV_CHUNK_HDR) {
		torn(r, PPV_CHUNK_HDR, (uint64_t)n);
		return 0;
	}
	if (ppv_le32_load(h) != PPV_CHUNK_MAGIC)
		return fail(r, -EINVAL, "offset %" PRIu64 ": bad chunk magic 0x%08x, expected "
			    "0x%08x (\"PPVC\")", r->off, ppv_le32_load(h), PPV_CHUNK_MAGIC);
	*type = ppv_le16_load(h + PPV_CHUNK_TYPE);
	flags = ppv_le16_load(h + PPV_CHUNK_FLAGS);
	stored = ppv_le32_load(h + PPV_CHUNK_STORED);
	raw = ppv_le32_load(h + PPV_CHUNK_RAW);
	if (raw > PPV_CHUNK_MAX_RAW || stored > PPV_CHUNK_MAX_RAW)
		return fail(r, -EINVAL, "offset %" PRIu64 ": chunk size %u/%u exceeds the %u-byte "
			    "limit", r->off, stored, raw, PPV_CHUNK_MAX_RAW);
	if (grow(&r->stored, &r->stored_cap, stored + 1))
		return fail(r, -ENOMEM, "out of memory");
	n = read_at(r, r->stored, stored, r->off + PPV_CHUNK_HDR);
	if (n < 0)
		return fail(r, (int)n, "offset %" PRIu64 ": read error", r->off);
	if ((size_t)n < stored) {
		torn(r, PPV_CHUNK_HDR + (uint64_t)stored, PPV_CHUNK_HDR + (uint64_t)n);
		return 0;
	}
	crc = ppv_crc32c(ppv_crc32c(0, h, PPV_CHUNK_CRC), r->stored, stored);
	if (crc != ppv_le32_load(h + PPV_CHUNK_CRC))
		return fail(r, -EINVAL, "offset %" PRIu64 ": chunk checksum mismatch (expected "
			    "0x%08x, computed 0x%08x)", r->off, ppv_le32_load(h + PPV_CHUNK_CRC), crc);
	r->chunk_off = r->off;
	r->chunk_seq = ppv_le32_load(h + PPV_CHUNK_SEQ);
	r->off += PPV_CHUNK_HDR + (uint64_t)stored;
	r->stats.chunks++;
	if (!(flags & PPV_CHUNK_F_ZSTD)) {
		if (raw != stored)
			return fail(r, -EINVAL, "offset %" PRIu64 ": uncompressed chunk of %u bytes "
				    "claims %u", r->chunk_off, stored, raw);
		*data = r->stored;
		*len = stored;
		return 1;
	}
	if (grow(&r->raw, &r->raw_cap, raw + 1))
		return fail(r, -ENOMEM, "out of memory");
	if (!r->dctx && !(r->dctx = ZSTD_createDCtx()))
		return fail(r, -ENOMEM, "out of memory");
	{
		size_t got = ZSTD_decompressDCtx(r->dctx, r->raw, raw, r->stored, stored);

		if (ZSTD_isError(got) || got != raw)
			return fail(r, -EINVAL, "offset %" PRIu64 ": chunk does not decompress to "
				    "its %u bytes (%s)", r->chunk_off, raw,
				    ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size mismatch");
	}
	*data = r->raw;
	*len = raw;
	return 1;
}

static int take_info(struct ppv_native_reader *r, const uint8_t *d, size_t len)
{
	char *copy = arena_alloc(r, len + 1);

	if (!copy)
		return fail(r, -ENOMEM, "out of memory");
	memcpy(copy, d, len);
	copy[len] = '\0';
	r->info = copy;
	r->info_len = len;
	return 0;
}

static int take_end(struct ppv_native_reader *r, const uint8_t *d, size_t len)
{
	if (len < 24)
		return fail(r, -EINVAL, "offset %" PRIu64 ": END chunk of %zu bytes, expected 24",
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
	err = n < 0 ? fail(r, (int)n, "offset 0: read error") : check_header(r, h, n);
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

static uint64_t to_ns(const struct ppv_native_reader *r, uint64_t ticks)
{
	if (!r->have_clock)
		return ticks;
	return (uint64_t)((i128)r->clk_ns +
			  (((i128)(int64_t)(ticks - r->clk_ticks) * (i128)r->clk_mult) >> 32));
}

static int bad(struct ppv_native_reader *r, const char *what)
{
	return fail(r, -EINVAL, "offset %" PRIu64 ": chunk %u, record at payload offset %td: %s",
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
			return fail(r, -ENOMEM, "out of memory");
		memset(tab + r->nstrings, 0, (n - r->nstrings) * sizeof(*tab));
		r->strings = tab;
		r->nstrings = n;
	}
	s = arena_alloc(r, (size_t)(end - q) + 1);
	if (!s)
		return fail(r, -ENOMEM, "out of memory");
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
		uint8_t *c = (uint8_t *)arena_alloc(r, *q);

		if (!c)
			return fail(r, -ENOMEM, "out of memory");
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
static int take_long(struct ppv_native_reader *r, unsigned int tag, struct ppv_event *ev)
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
	if (tag > PPV_TAG_LOSS && tag != PPV_TAG_MODULE_LOAD && tag != PPV_TAG_MODULE_UNLOAD)
		return 0; /* unknown: skipped, as the format allows */
	if (!r->in_segment)
		return bad(r, "timed record outside a THREAD segment");
	if (tag == PPV_TAG_MODULE_LOAD || tag == PPV_TAG_MODULE_UNLOAD)
		return take_module(r, tag, body, end, ev);
	return take_timed(r, tag, body, end, ev);
}

static int take_fixed(struct ppv_native_reader *r, unsigned int tag, struct ppv_event *ev)
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
static int keep_thread_order(struct ppv_native_reader *r, struct ppv_event *ev)
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
					return fail(r, -ENOMEM, "out of memory");
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
			rc = take_fixed(r, tag, ev);
		else
			rc = take_long(r, tag, ev);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			ev->pid = r->hdr.pid;
			ev->tid = ev->type == PPV_EVENT_CLOCK || ev->type == PPV_EVENT_SYNC ? 0 : r->tid;
			if (ev->tid && ev->type <= PPV_EVENT_THREAD_EXIT &&
			    keep_thread_order(r, ev) < 0)
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
