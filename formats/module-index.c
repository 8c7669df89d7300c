/* SPDX-License-Identifier: MIT */
/*
 * module-index.c - the MODULES chunk of a process file (format.md, 3).
 *
 * Owns: collecting module announcements as they are written, the chunk's
 * payload encoding, and finding it again by walking chunk headers only.
 * Does not own: writing or validating chunks in general (native-writer.c,
 * native-reader.c), or what the modules are used for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "module-index.h"
#include "native-format.h"

int ppv_module_index_init(struct ppv_module_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	ix->buf = malloc(PPV_MODULE_INDEX_CAP);
	if (!ix->buf)
		return -ENOMEM;
	ix->cap = PPV_MODULE_INDEX_CAP;
	ix->len = 4; /* the count, stored last */
	return 0;
}

void ppv_module_index_release(struct ppv_module_index *ix)
{
	free(ix->buf);
	ix->buf = NULL;
}

void ppv_module_index_add(struct ppv_module_index *ix, const struct ppv_event *ev)
{
	const char *path = ev->module.path ? ev->module.path : "";
	size_t plen = strlen(path), bid = ev->module.build_id_len;
	uint8_t *p;

	if (ev->type != PPV_EVENT_MODULE_LOAD || !ix->buf)
		return;
	if (bid > 255 || plen > 0xffff || ix->len + 3 + bid + plen > ix->cap) {
		ix->overflow = 1;
		return;
	}
	p = ix->buf + ix->len;
	*p++ = (uint8_t)bid;
	if (bid)
		memcpy(p, ev->module.build_id, bid);
	ppv_le16_store(p + bid, (uint16_t)plen);
	memcpy(p + bid + 2, path, plen);
	ix->len += 3 + bid + plen;
	ix->count++;
}

const uint8_t *ppv_module_index_payload(struct ppv_module_index *ix, size_t *len)
{
	if (!ix->buf || ix->overflow)
		return NULL;
	ppv_le32_store(ix->buf, ix->count);
	*len = ix->len;
	return ix->buf;
}

static int parse(const uint8_t *p, const uint8_t *end, ppv_module_ref_fn fn, void *arg)
{
	uint32_t n;
	char path[0x10000];

	if (end - p < 4)
		return -EINVAL;
	n = ppv_le32_load(p);
	p += 4;
	for (uint32_t i = 0; i < n; i++) {
		struct ppv_module_ref m;
		size_t plen;

		if (end - p < 1 || end - p < 3 + p[0])
			return -EINVAL;
		m.build_id_len = p[0];
		m.build_id = m.build_id_len ? p + 1 : NULL;
		p += 1 + m.build_id_len;
		plen = ppv_le16_load(p);
		if ((size_t)(end - p) < 2 + plen)
			return -EINVAL;
		memcpy(path, p + 2, plen);
		path[plen] = '\0';
		m.path = path;
		fn(&m, arg);
		p += 2 + plen;
	}
	return p == end ? 0 : -EINVAL;
}

/* Read chunk @hdr's payload (uncompressed chunks only) and check its CRC. */
static int read_payload(int fd, off_t off, const uint8_t *hdr, uint8_t **out, size_t *len)
{
	size_t n = ppv_le32_load(hdr + PPV_CHUNK_STORED);
	uint8_t *buf;
	uint32_t crc;

	if (ppv_le16_load(hdr + PPV_CHUNK_FLAGS) & PPV_CHUNK_F_ZSTD || n > PPV_CHUNK_MAX_RAW)
		return -EINVAL;
	buf = malloc(n ? n : 1);
	if (!buf)
		return -ENOMEM;
	if (pread(fd, buf, n, off + PPV_CHUNK_HDR) != (ssize_t)n) {
		free(buf);
		return -ENOENT; /* torn: the process did not finish writing it */
	}
	crc = ppv_crc32c(ppv_crc32c(0, hdr, PPV_CHUNK_CRC), buf, n);
	if (crc != ppv_le32_load(hdr + PPV_CHUNK_CRC)) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int walk(int fd, ppv_module_ref_fn fn, void *arg, struct ppv_file_totals *tot)
{
	uint8_t h[PPV_CHUNK_HDR], *pl;
	off_t off;
	size_t len;
	int rc = -ENOENT, have_index = 0;

	if (pread(fd, h, PPV_HDR_SIZE + 2, 0) != PPV_HDR_SIZE + 2)
		return -ENOENT;
	off = ppv_le16_load(h + PPV_HDR_SIZE);
	while (pread(fd, h, sizeof(h), off) == (ssize_t)sizeof(h)) {
		unsigned int type = ppv_le16_load(h + PPV_CHUNK_TYPE);

		if (ppv_le32_load(h) != PPV_CHUNK_MAGIC)
			return -EINVAL;
		if (type == PPV_CHUNK_MODULES || type == PPV_CHUNK_END) {
			rc = read_payload(fd, off, h, &pl, &len);
			if (rc)
				return rc;
			if (type == PPV_CHUNK_MODULES) {
				rc = parse(pl, pl + len, fn, arg);
				have_index = !rc;
			} else if (len >= 16) {
				tot->events = ppv_le64_load(pl);
				tot->lost = ppv_le64_load(pl + 8);
			}
			free(pl);
			if (rc || type == PPV_CHUNK_END)
				return rc ? rc : have_index ? 0 : -ENOENT;
		}
		off += PPV_CHUNK_HDR + (off_t)ppv_le32_load(h + PPV_CHUNK_STORED);
	}
	return -ENOENT;
}

int ppv_module_index_read(const char *path, ppv_module_ref_fn fn, void *arg,
			  struct ppv_file_totals *tot)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	off_t size;

	if (fd < 0)
		return -errno;
	memset(tot, 0, sizeof(*tot));
	size = lseek(fd, 0, SEEK_END);
	rc = walk(fd, fn, arg, tot);
	tot->bytes = size > 0 ? (uint64_t)size : 0;
	close(fd);
	return rc;
}
