/* SPDX-License-Identifier: MIT */
/*
 * native-writer-internal.h - the native writer's state, shared by its two
 * files: native-writer.c (the file, its chunks, open/close/restart) and
 * native-encode.c (EVENTS records and string interning). Private to
 * formats/.
 */
#ifndef PPV_FORMATS_NATIVE_WRITER_INTERNAL_H
#define PPV_FORMATS_NATIVE_WRITER_INTERNAL_H

#define ZSTD_STATIC_LINKING_ONLY
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "byteorder.h"
#include "module-index.h"
#include "native-reader.h"

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

static inline uint8_t *put_u64(uint8_t *p, uint64_t v)
{
	ppv_le64_store(p, v);
	return p + 8;
}

/* native-writer.c */
int ppv_nw_chunk_end(struct ppv_native_writer *w);
void ppv_nw_emit_clock(struct ppv_native_writer *w);
int ppv_nw_reserve(struct ppv_native_writer *w, size_t need);

#endif
