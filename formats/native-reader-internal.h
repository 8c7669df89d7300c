/* SPDX-License-Identifier: MIT */
/*
 * native-reader-internal.h - struct ppv_native_reader, shared by
 * native-reader.c (files, chunks, framing) and native-decode.c (records).
 * Private to formats/.
 */
#ifndef PPV_FORMATS_NATIVE_READER_INTERNAL_H
#define PPV_FORMATS_NATIVE_READER_INTERNAL_H

#include <zstd.h>

#include "native-format.h"
#include "native-reader.h"

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

/* Record @err with a message naming the file; return @err. */
int ppv_native_reader_fail(struct ppv_native_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* @len bytes that live as long as the reader. */
char *ppv_native_reader_arena(struct ppv_native_reader *r, size_t len);

/* native-decode.c: the record at r->p. Return: 1 with @ev filled, 0 for a
 * record that is not an event (a string, a segment start), or -errno. */
int ppv_native_decode_fixed(struct ppv_native_reader *r, unsigned int tag, struct ppv_event *ev);
int ppv_native_decode_long(struct ppv_native_reader *r, unsigned int tag, struct ppv_event *ev);
/* Hold @ev at its thread's last time if it would go backwards. */
int ppv_native_decode_thread_order(struct ppv_native_reader *r, struct ppv_event *ev);

#endif
