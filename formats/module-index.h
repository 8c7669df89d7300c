/* SPDX-License-Identifier: MIT */
/*
 * module-index.h - the MODULES chunk: every module a process file
 * announced, written just before END so that a tool that needs only the
 * module list (ppv-record embedding symbols) reads chunk headers and two
 * small payloads instead of decompressing every event.
 */
#ifndef PPV_FORMATS_MODULE_INDEX_H
#define PPV_FORMATS_MODULE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv-trace.h>

/* Writer side: a buffer allocated once, at open (the recorder's writer
 * thread allocates nothing after start). A full buffer marks the index
 * incomplete; it is then not written and readers fall back to the events. */
struct ppv_module_index {
	uint8_t *buf;
	size_t len, cap;
	uint32_t count;
	int overflow;
};

#define PPV_MODULE_INDEX_CAP (64u << 10)

int ppv_module_index_init(struct ppv_module_index *ix);
void ppv_module_index_release(struct ppv_module_index *ix);
/* Note a MODULE_LOAD event (others are ignored). Never allocates. */
void ppv_module_index_add(struct ppv_module_index *ix, const struct ppv_event *ev);
/* The chunk payload: u32 count, then per module u8 build-id length, the
 * build-id, u16 path length, the path (no NUL). NULL if incomplete. */
const uint8_t *ppv_module_index_payload(struct ppv_module_index *ix, size_t *len);

/* Reader side. */
struct ppv_module_ref {
	const char *path;   /* NUL-terminated copy, valid until the callback returns */
	const uint8_t *build_id;
	uint32_t build_id_len;
};

struct ppv_file_totals {
	uint64_t events, lost, bytes;
};

typedef void (*ppv_module_ref_fn)(const struct ppv_module_ref *m, void *arg);

/**
 * ppv_module_index_read() - walk @path's chunk headers (payloads are
 * skipped, not read) to its MODULES and END chunks; call @fn for each
 * module and fill @tot from END.
 *
 * Return: 0; -ENOENT if the file has no complete index (a process that
 * did not exit normally, an older writer, too many modules): read the
 * events instead; -EINVAL if what it read is corrupt; -errno on I/O.
 */
int ppv_module_index_read(const char *path, ppv_module_ref_fn fn, void *arg,
			  struct ppv_file_totals *tot);

#endif
