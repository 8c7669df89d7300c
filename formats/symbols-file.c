/* SPDX-License-Identifier: MIT */
/*
 * symbols-file.c - the trace's symbol file (symbols.ppvsym): a native
 * header of kind PPV_FILE_SYMBOLS, one zstd SYMTAB chunk per module, END.
 *
 * Owns: the SYMTAB payload layout (docs/format.md, "Symbol file"), writing
 * it, and loading a whole file into one arena. Does not own: reading ELF
 * (elf-symtab.c) or looking symbols up (analyzer/).
 *
 * Payload: u8 build_id_len, build-id, varint path_len, path, varint count,
 * then per symbol sorted by address: varint (addr - previous addr), varint
 * size, varint name_len, name.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "native-format.h"
#include "native-reader.h"
#include "symbols-file.h"
#include "varint.h"

struct ppv_symbols_file {
	struct ppv_symtab *tabs;
	size_t count;
	void **blocks; /* one allocation per table */
};

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_chunk(int fd, unsigned int type, uint32_t seq, const uint8_t *raw, size_t len,
		       int compress)
{
	uint8_t h[PPV_CHUNK_HDR];
	uint8_t *comp = NULL;
	const uint8_t *stored = raw;
	size_t stored_len = len;
	int err;

	if (compress) {
		size_t cap = ZSTD_compressBound(len);

		comp = malloc(cap);
		if (!comp)
			return -ENOMEM;
		stored_len = ZSTD_compress(comp, cap, raw, len, 3);
		if (ZSTD_isError(stored_len)) {
			free(comp);
			return -EIO;
		}
		stored = comp;
	}
	ppv_le32_store(h, PPV_CHUNK_MAGIC);
	ppv_le16_store(h + PPV_CHUNK_TYPE, (uint16_t)type);
	ppv_le16_store(h + PPV_CHUNK_FLAGS, compress ? PPV_CHUNK_F_ZSTD : 0);
	ppv_le32_store(h + PPV_CHUNK_STORED, (uint32_t)stored_len);
	ppv_le32_store(h + PPV_CHUNK_RAW, (uint32_t)len);
	ppv_le32_store(h + PPV_CHUNK_SEQ, seq);
	ppv_le32_store(h + PPV_CHUNK_CRC,
		       ppv_crc32c(ppv_crc32c(0, h, PPV_CHUNK_CRC), stored, stored_len));
	err = write_all(fd, h, sizeof(h));
	if (!err)
		err = write_all(fd, stored, stored_len);
	free(comp);
	return err;
}

static size_t table_bound(const struct ppv_symtab *t)
{
	size_t n = 1 + t->build_id_len + PPV_VARINT_MAX + strlen(t->path ? t->path : "") +
		   PPV_VARINT_MAX;

	for (size_t i = 0; i < t->count; i++)
		n += 3 * PPV_VARINT_MAX + strlen(t->syms[i].name);
	return n;
}

static uint8_t *put_str(uint8_t *p, const char *s)
{
	size_t len = strlen(s ? s : "");

	p = ppv_varint_put(p, len);
	memcpy(p, s ? s : "", len);
	return p + len;
}

static int write_table(int fd, uint32_t seq, const struct ppv_symtab *t)
{
	uint8_t *buf = malloc(table_bound(t)), *p;
	uint32_t bid = t->build_id_len > 255 ? 255 : t->build_id_len;
	uint64_t prev = 0;
	int err;

	if (!buf)
		return -ENOMEM;
	p = buf;
	*p++ = (uint8_t)bid;
	if (bid) /* a module without a build-id may have none at all */
		memcpy(p, t->build_id, bid);
	p = put_str(p + bid, t->path);
	p = ppv_varint_put(p, t->count);
	for (size_t i = 0; i < t->count; i++) {
		p = ppv_varint_put(p, t->syms[i].addr - prev);
		p = ppv_varint_put(p, t->syms[i].size);
		p = put_str(p, t->syms[i].name);
		prev = t->syms[i].addr;
	}
	err = write_chunk(fd, PPV_CHUNK_SYMTAB, seq, buf, (size_t)(p - buf), 1);
	free(buf);
	return err;
}

int ppv_symbols_file_write(const char *path, const struct ppv_symtab *tabs, size_t n)
{
	struct ppv_native_header hdr = { .file_kind = PPV_FILE_SYMBOLS };
	uint8_t h[PPV_HEADER_SIZE], end[24] = { 0 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int err;

	if (fd < 0)
		return -errno;
	ppv_native_header_encode(h, &hdr);
	err = write_all(fd, h, sizeof(h));
	for (size_t i = 0; !err && i < n; i++) {
		for (size_t k = 1; k < tabs[i].count; k++)
			if (tabs[i].syms[k].addr < tabs[i].syms[k - 1].addr)
				err = -EINVAL; /* the delta coding needs sorted symbols */
		if (!err)
			err = write_table(fd, (uint32_t)i, &tabs[i]);
	}
	ppv_le64_store(end + 16, n + 1);
	if (!err)
		err = write_chunk(fd, PPV_CHUNK_END, (uint32_t)n, end, sizeof(end), 0);
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/* ---- reading -------------------------------------------------------- */

static int get_str(const uint8_t **q, const uint8_t *end, char *dst, size_t *len)
{
	uint64_t n;

	if (!ppv_varint_get(q, end, &n) || n > (uint64_t)(end - *q))
		return -EINVAL;
	memcpy(dst, *q, n);
	dst[n] = '\0';
	*q += n;
	*len = (size_t)n + 1;
	return 0;
}

/* Decode one SYMTAB payload into a single block: [syms][strings]. */
static int parse_table(const uint8_t *d, size_t len, struct ppv_symtab *t, void **block)
{
	const uint8_t *q = d, *end = d + len;
	uint64_t count, addr = 0;
	struct ppv_sym *syms;
	char *str;
	size_t used;

	if (len < 1 || (size_t)d[0] + 1 > len)
		return -EINVAL;
	q = d + 1 + d[0];
	/* Symbols take at least 3 bytes each; strings never exceed the payload. */
	*block = malloc(len / 3 * sizeof(struct ppv_sym) + sizeof(struct ppv_sym) + 2 * len + 64);
	if (!*block)
		return -ENOMEM;
	syms = *block;
	str = (char *)(syms + len / 3 + 1);
	memcpy(str, d + 1, d[0]);
	t->build_id = (const uint8_t *)str;
	t->build_id_len = d[0];
	str += d[0];
	if (get_str(&q, end, str, &used))
		return -EINVAL;
	t->path = str;
	str += used;
	if (!ppv_varint_get(&q, end, &count) || count > len / 3)
		return -EINVAL;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t delta, size;

		if (!ppv_varint_get(&q, end, &delta) || !ppv_varint_get(&q, end, &size) ||
		    get_str(&q, end, str, &used))
			return -EINVAL;
		addr += delta;
		syms[i] = (struct ppv_sym){ addr, size, str };
		str += used;
	}
	t->syms = syms;
	t->count = (size_t)count;
	return 0;
}

static int add_table(struct ppv_symbols_file *f, const uint8_t *d, size_t len)
{
	struct ppv_symtab *tabs = realloc(f->tabs, (f->count + 1) * sizeof(*tabs));
	void **blocks = realloc(f->blocks, (f->count + 1) * sizeof(*blocks));
	int err;

	if (tabs)
		f->tabs = tabs;
	if (blocks)
		f->blocks = blocks;
	if (!tabs || !blocks)
		return -ENOMEM;
	memset(&f->tabs[f->count], 0, sizeof(*tabs));
	f->blocks[f->count] = NULL;
	err = parse_table(d, len, &f->tabs[f->count], &f->blocks[f->count]);
	f->count++; /* counted even on failure so that free() releases the block */
	return err;
}

int ppv_symbols_file_read(const char *path, struct ppv_symbols_file **out)
{
	struct ppv_native_reader *r;
	struct ppv_symbols_file *f;
	const uint8_t *d;
	size_t len;
	unsigned int type;
	int rc = ppv_native_reader_open(path, &r);

	*out = NULL;
	if (rc)
		return rc;
	if (ppv_native_reader_header(r)->file_kind != PPV_FILE_SYMBOLS) {
		ppv_native_reader_close(r);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		ppv_native_reader_close(r);
		return -ENOMEM;
	}
	while ((rc = ppv_native_reader_chunk(r, &type, &d, &len)) > 0) {
		if (type == PPV_CHUNK_SYMTAB && (rc = add_table(f, d, len)) < 0)
			break;
	}
	if (rc < 0) {
		ppv_symbols_file_free(f);
		ppv_native_reader_close(r);
		return rc;
	}
	ppv_native_reader_close(r);
	*out = f;
	return 0;
}

size_t ppv_symbols_file_count(const struct ppv_symbols_file *f)
{
	return f->count;
}

const struct ppv_symtab *ppv_symbols_file_borrow(const struct ppv_symbols_file *f, size_t i)
{
	return i < f->count ? &f->tabs[i] : NULL;
}

void ppv_symbols_file_free(struct ppv_symbols_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->count; i++)
		free(f->blocks[i]);
	free(f->blocks);
	free(f->tabs);
	free(f);
}
