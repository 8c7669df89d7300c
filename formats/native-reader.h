/* SPDX-License-Identifier: MIT */
/*
 * native-reader.h - streaming reader of one native process file
 * (docs/format.md). Private to the project: used by analyzer/ and tests.
 *
 * Events come back in file order with timestamps converted to CLOCK_MONOTONIC
 * nanoseconds. Memory is bounded by one chunk plus the string table.
 */
#ifndef PPV_FORMATS_NATIVE_READER_H
#define PPV_FORMATS_NATIVE_READER_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv-trace.h>

enum ppv_file_kind {
	PPV_FILE_PROCESS = 1, /* events of one process */
	PPV_FILE_SYMBOLS = 2, /* symbol tables written by ppv-record */
};

struct ppv_native_header {
	uint16_t major, minor;
	uint16_t file_kind;      /* enum ppv_file_kind */
	uint16_t clock_source;   /* enum ppv_clock_source */
	uint32_t pid, ppid;
	uint64_t start_ns;
	uint64_t start_realtime_ns;
};

struct ppv_native_stats {
	uint64_t chunks;          /* chunks read */
	uint64_t events;          /* events returned */
	uint64_t lost;            /* sum of LOSS events */
	uint64_t skipped_chunks;  /* chunks of unknown type skipped */
	int complete;             /* the END chunk was read */
	int torn;                 /* reading stopped at a torn last chunk */
};

struct ppv_native_reader;

/**
 * ppv_native_reader_open() - open @path and validate its header.
 *
 * Return: 0; -ENOENT/-EACCES/...; -EINVAL if it is empty, not a PerProVis
 * file, or its header is corrupt; -ENOTSUP for a newer major version.
 * On failure *@out is NULL and ppv_native_reader_open_error() says why.
 * Ownership: caller owns *@out; free with ppv_native_reader_close().
 */
int ppv_native_reader_open(const char *path, struct ppv_native_reader **out);

/** ppv_native_reader_open_error() - thread-local message of the last failed open. */
const char *ppv_native_reader_open_error(void);

/** ppv_native_reader_header() - the validated header. Borrowed. */
const struct ppv_native_header *ppv_native_reader_header(const struct ppv_native_reader *r);

/**
 * ppv_native_reader_next() - the next event.
 *
 * Return: 1 when @ev was filled, 0 at the end of the file (including a torn
 * last chunk, reported through the stats and ppv_native_reader_warning()),
 * -EINVAL for corruption (bad checksum, bad record), -ENOTSUP, -ENOMEM or
 * -errno of read(2). After an error, ppv_native_reader_last_error() names
 * the file, the byte offset and what was expected.
 * Ownership: strings in @ev are borrowed from @r until it is closed.
 */
int ppv_native_reader_next(struct ppv_native_reader *r, struct ppv_event *ev);

/**
 * ppv_native_reader_info() - value of a process-info key, or NULL.
 * Info chunks are written first, so keys are known once the first event or
 * the end has been read; ppv_native_reader_open() reads ahead to them.
 */
const char *ppv_native_reader_info(const struct ppv_native_reader *r, const char *key);

const struct ppv_native_stats *ppv_native_reader_stats(const struct ppv_native_reader *r);
const char *ppv_native_reader_last_error(const struct ppv_native_reader *r);
/** ppv_native_reader_warning() - the last warning (torn chunk...), or NULL. */
const char *ppv_native_reader_warning(const struct ppv_native_reader *r);
const char *ppv_native_reader_path(const struct ppv_native_reader *r);

/** ppv_native_reader_close() - NULL is a no-op. */
void ppv_native_reader_close(struct ppv_native_reader *r);

#endif
