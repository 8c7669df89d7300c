/* SPDX-License-Identifier: MIT */
/*
 * native-format.h - constants of the native trace format v1
 * (docs/format.md). Private to formats/.
 */
#ifndef PPV_FORMATS_NATIVE_FORMAT_H
#define PPV_FORMATS_NATIVE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define PPV_MAGIC "\x89PPV\r\n\x1a\n"
#define PPV_MAGIC_LEN 8
#define PPV_MAJOR 1
#define PPV_MINOR 2
#define PPV_HEADER_SIZE 64

/* File header offsets. */
#define PPV_HDR_MAJOR 8
#define PPV_HDR_MINOR 10
#define PPV_HDR_SIZE 12
#define PPV_HDR_KIND 14
#define PPV_HDR_PID 16
#define PPV_HDR_PPID 20
#define PPV_HDR_START_NS 24
#define PPV_HDR_START_RT 32
#define PPV_HDR_CLOCK 40
#define PPV_HDR_FLAGS 42
#define PPV_HDR_CRC 60

/* Chunk header. */
#define PPV_CHUNK_MAGIC 0x43565050u /* "PPVC" little-endian */
#define PPV_CHUNK_HDR 24
#define PPV_CHUNK_TYPE 4
#define PPV_CHUNK_FLAGS 6
#define PPV_CHUNK_STORED 8
#define PPV_CHUNK_RAW 12
#define PPV_CHUNK_SEQ 16
#define PPV_CHUNK_CRC 20
#define PPV_CHUNK_F_ZSTD 1u
#define PPV_CHUNK_MAX_RAW (64u << 20)

enum ppv_chunk_type {
	PPV_CHUNK_INFO = 1,
	PPV_CHUNK_EVENTS = 2,
	PPV_CHUNK_SYMTAB = 3,
	PPV_CHUNK_END = 4,
	PPV_CHUNK_MODULES = 5, /* format 1.1: module index before END */
};

/* EVENTS record tags. 0x00-0x3f: fixed layouts; 0x40-0xff: tag, varint
 * body length, body (readers skip unknown ones). */
enum ppv_tag {
	PPV_TAG_THREAD = 0x01,
	PPV_TAG_ENTER = 0x02,
	PPV_TAG_EXIT = 0x03,
	PPV_TAG_FIXED_END = 0x40,
	PPV_TAG_SCOPE_ENTER = 0x40,
	PPV_TAG_SCOPE_EXIT = 0x41,
	PPV_TAG_IO = 0x42,
	PPV_TAG_ERROR = 0x43,
	PPV_TAG_THREAD_START = 0x44,
	PPV_TAG_THREAD_EXIT = 0x45,
	PPV_TAG_LOSS = 0x46,
	PPV_TAG_ALLOC = 0x47,   /* format 1.2 */
	PPV_TAG_FREE = 0x48,    /* format 1.2 */
	PPV_TAG_MEMSTAT = 0x49, /* format 1.2 */
	PPV_TAG_PAUSE = 0x4a,   /* format 1.2 */
	PPV_TAG_RESUME = 0x4b,  /* format 1.2 */
	PPV_TAG_TIMED_LAST = 0x4b,
	PPV_TAG_STRING = 0x50,
	PPV_TAG_MODULE_LOAD = 0x51,
	PPV_TAG_MODULE_UNLOAD = 0x52,
	PPV_TAG_CLOCK = 0x53,
	PPV_TAG_SYNC = 0x54,
};

/* Every length-prefixed record the writer emits, except STRING, has a body
 * under 128 bytes (one length byte); build-ids are capped to keep it so. */
#define PPV_MAX_BUILD_ID 64

struct ppv_native_header;
/* Encode a 64-byte file header (native-writer.c). */
void ppv_native_header_encode(uint8_t *h, const struct ppv_native_header *hdr);

struct ppv_native_reader;
/* Load the next chunk of any type (native-reader.c); used by the symbol
 * file. Return: 1 with the decompressed payload (valid until the next
 * call), 0 at the end, negative errno on corruption. */
int ppv_native_reader_chunk(struct ppv_native_reader *r, unsigned int *type,
			    const uint8_t **data, size_t *len);

#endif
