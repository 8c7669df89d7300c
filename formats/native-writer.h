/* SPDX-License-Identifier: MIT */
/*
 * native-writer.h - encoder for one process file of the native trace format
 * (docs/format.md). Private to the project: used by the recorder's writer
 * thread and by tests.
 *
 * The writer does all its allocation in ppv_native_writer_open(): appending
 * and flushing never call malloc (the recorder's writer thread must not
 * contend with the traced program's allocator) and only write(2) to the fd.
 * It is not thread-safe: callers serialize access.
 */
#ifndef PPV_FORMATS_NATIVE_WRITER_H
#define PPV_FORMATS_NATIVE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv-trace.h>

enum ppv_clock_source {
	PPV_CLOCK_TSC = 0,       /* raw ticks are TSC values, see PPV_EVENT_CLOCK */
	PPV_CLOCK_MONOTONIC = 1, /* raw ticks are CLOCK_MONOTONIC ns */
};

/**
 * struct ppv_writer_opts - options of ppv_native_writer_open().
 * @sz:             sizeof(struct ppv_writer_opts).
 * @fd:             open, writable file descriptor; the writer owns it from
 *                  open on and closes it in ppv_native_writer_close().
 * @pid, @ppid:     process recorded.
 * @start_ns:       CLOCK_MONOTONIC at recorder start.
 * @start_realtime_ns: CLOCK_REALTIME at recorder start.
 * @clock_source:   enum ppv_clock_source.
 * @chunk_size:     raw (uncompressed) bytes that trigger a chunk (default 1 MiB).
 * @zstd_level:     compression level (default 1).
 * @max_strings:    capacity of the string table (default 16384).
 */
struct ppv_writer_opts {
	size_t sz;
	int fd;
	uint32_t pid;
	uint32_t ppid;
	uint64_t start_ns;
	uint64_t start_realtime_ns;
	uint32_t clock_source;
	size_t chunk_size;
	int zstd_level;
	size_t max_strings;
};

struct ppv_native_writer;

/**
 * ppv_native_writer_open() - write the file header and prepare buffers.
 *
 * Return: 0, -EINVAL for bad options, -ENOMEM, or -errno of write(2).
 * Ownership: caller owns *@out; free with ppv_native_writer_close().
 */
int ppv_native_writer_open(const struct ppv_writer_opts *opts, struct ppv_native_writer **out);

/**
 * ppv_native_writer_set_info() - add a key/value pair to the process-info
 * chunk ("exe", "cmdline", "hostname", "mode", ...). Pairs are written with
 * the first chunk after the call. Both strings are copied; setting a key
 * again replaces its value.
 *
 * Return: 0, -ENOSPC if the info area (64 KiB) is full.
 */
int ppv_native_writer_set_info(struct ppv_native_writer *w, const char *key, const char *value);

/**
 * ppv_native_writer_append() - encode one event into the current chunk,
 * compressing and writing the chunk first if it is full.
 * @ev: the event; ev->ts in the raw clock; ev->pid is ignored.
 *
 * Return: 0, -EINVAL for an unknown type, or -errno of write(2).
 */
int ppv_native_writer_append(struct ppv_native_writer *w, const struct ppv_event *ev);

/**
 * ppv_native_writer_append_call() - ppv_native_writer_append() for an
 * ENTER (@exit == 0) or EXIT event, without building a struct ppv_event:
 * the recorder's writer thread spends most of its time here.
 *
 * Return: as ppv_native_writer_append().
 */
int ppv_native_writer_append_call(struct ppv_native_writer *w, uint32_t tid, uint64_t ticks,
				  uint64_t addr, int exit);

/**
 * ppv_native_writer_flush() - compress and write the current chunk, if any.
 * Ends the chunk with a SYNC watermark of @watermark (raw clock): every event
 * appended after this call must have ts >= @watermark. Pass 0 for none.
 *
 * Return: 0 or -errno of write(2).
 */
int ppv_native_writer_flush(struct ppv_native_writer *w, uint64_t watermark);

/**
 * ppv_native_writer_close() - flush, write the END chunk with the totals,
 * close the fd and free the writer. NULL is a no-op.
 *
 * Return: 0 or the first write error met.
 */
int ppv_native_writer_close(struct ppv_native_writer *w);

/**
 * ppv_native_writer_abandon() - free the writer without writing anything
 * more and without closing the fd (the child side of fork()). NULL is a no-op.
 */
void ppv_native_writer_abandon(struct ppv_native_writer *w);

/* What one file holds, for ppv_native_writer_finish(). */
struct ppv_native_totals {
	uint64_t bytes;  /* on disk, END included */
	uint64_t events; /* events appended */
	uint64_t lost;   /* sum of the LOSS events appended */
};

/**
 * ppv_native_writer_finish() - end the file as ppv_native_writer_close()
 * does (pending events, module index, END) but keep the fd open and the
 * writer allocated, for ppv_native_writer_restart(). Appending in between
 * fails. ppv_native_writer_close() after it writes nothing more.
 * @tot: receives the file's totals (filled on error too).
 *
 * Return: 0, -EINVAL if already finished, or the first write error met.
 */
int ppv_native_writer_finish(struct ppv_native_writer *w, struct ppv_native_totals *tot);

/**
 * ppv_native_writer_restart() - start a new file on @fd, which the writer
 * owns from now on (the caller closes the finished file's fd): the same
 * header, the INFO pairs written again (change them with
 * ppv_native_writer_set_info() before the first event), strings, module
 * index, calibration and totals started afresh. Allocates nothing, so a
 * trace can be split into segments by a thread that must not call malloc.
 * Append a CLOCK event before the first timed event.
 *
 * Return: 0, -EINVAL if the writer is not finished, or -errno of write(2).
 */
int ppv_native_writer_restart(struct ppv_native_writer *w, int fd);

/** ppv_native_writer_bytes() - bytes written to the file so far. */
uint64_t ppv_native_writer_bytes(const struct ppv_native_writer *w);

/** ppv_native_writer_events() - events appended so far. */
uint64_t ppv_native_writer_events(const struct ppv_native_writer *w);

#endif
