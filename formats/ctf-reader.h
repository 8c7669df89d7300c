/* SPDX-License-Identifier: MIT */
/*
 * ctf-reader.h - CTF traces (LTTng-UST) read through libbabeltrace2 and
 * decoded into struct ppv_event values.
 *
 * The only code that includes <babeltrace2/babeltrace.h> is ctf-reader.c
 * and ctf-events.c (through ctf-internal.h);
 * callers see decoded, host-endian events. Every CTF trace found under the
 * directory (any directory holding a `metadata` file) is read through one
 * source.ctf.fs -> filter.utils.muxer -> sink graph, so events come out in
 * time order across traces, processes and threads.
 *
 * Event classes understood: perprovis:* (ppv-record --backend lttng),
 * lttng_ust_cyg_profile:func_entry/func_exit,
 * lttng_ust_cyg_profile_fast:func_entry/func_exit (exit without address),
 * lttng_ust_statedump:bin_info/build_id and lttng_ust_dl:dlopen/dlmopen/
 * build_id/dlclose (module maps). Others are skipped and counted. Every
 * understood event needs the vpid and vtid contexts.
 */
#ifndef PPV_FORMATS_CTF_READER_H
#define PPV_FORMATS_CTF_READER_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv-trace.h>

struct ppv_ctf_reader;

/**
 * struct ppv_ctf_process - a process seen so far (by its vpid).
 * @procname: the statedump's procname, else the main thread's procname
 *            context, else the first thread's; NULL if none was recorded.
 * @first_ns, @last_ns: timestamps of its first and last events handed out.
 * @events: its events handed out by ppv_ctf_reader_next().
 * @lost: events the tracer discarded, attributed to it (LOSS events).
 */
struct ppv_ctf_process {
	uint32_t pid;
	const char *procname;
	uint64_t first_ns, last_ns;
	uint64_t events, lost;
};

/**
 * ppv_ctf_reader_open() - build the reading graph for every CTF trace under
 * @dir (searched recursively).
 * @dir: a directory (or a `metadata` file's directory).
 * @out: receives the reader; NULL on failure.
 *
 * Return: 0; -ENOENT if there is no CTF trace under @dir; -EINVAL if
 * babeltrace2 cannot read one (corrupt metadata...); -ENOMEM.
 * ppv_ctf_reader_open_error() says why.
 * Ownership: the caller owns *@out and frees it with ppv_ctf_reader_close().
 */
int ppv_ctf_reader_open(const char *dir, struct ppv_ctf_reader **out);

/** ppv_ctf_reader_open_error() - thread-local message of the last failed open. */
const char *ppv_ctf_reader_open_error(void);

/**
 * ppv_ctf_reader_next() - the next decoded event, in time order.
 *
 * Return: 1 when @ev was filled, 0 at the end, -EINVAL for a trace that
 * cannot be read or lacks the vpid/vtid contexts, -ENOMEM.
 * ppv_ctf_reader_last_error() says why. Errors are sticky.
 * Ownership: strings and build-ids in @ev are borrowed from @r and stay
 * valid until ppv_ctf_reader_close().
 */
int ppv_ctf_reader_next(struct ppv_ctf_reader *r, struct ppv_event *ev);

/** ppv_ctf_reader_last_error() - message of the last error, or "no error". */
const char *ppv_ctf_reader_last_error(const struct ppv_ctf_reader *r);

/**
 * ppv_ctf_reader_warnings() - newline-separated warnings (skipped event
 * classes, discarded packets), complete once _next() returned 0; "" if none.
 * Ownership: borrowed from @r; valid until the next call on @r.
 */
const char *ppv_ctf_reader_warnings(const struct ppv_ctf_reader *r);

/** ppv_ctf_reader_trace_count() - CTF traces (metadata directories) read. */
size_t ppv_ctf_reader_trace_count(const struct ppv_ctf_reader *r);

/** ppv_ctf_reader_process_count() - processes seen so far, in order of appearance. */
size_t ppv_ctf_reader_process_count(const struct ppv_ctf_reader *r);

/**
 * ppv_ctf_reader_process() - process @i (0 <= @i < count), or NULL.
 * Ownership: borrowed from @r; valid until the next ppv_ctf_reader_next().
 */
const struct ppv_ctf_process *ppv_ctf_reader_process(const struct ppv_ctf_reader *r, size_t i);

/**
 * ppv_ctf_reader_unix_epoch() - 1 if timestamps count from the Unix epoch
 * (LTTng's clocks), 0 if from an unknown origin or nothing was read yet.
 */
int ppv_ctf_reader_unix_epoch(const struct ppv_ctf_reader *r);

/** ppv_ctf_reader_close() - free @r. NULL is a no-op. */
void ppv_ctf_reader_close(struct ppv_ctf_reader *r);

#endif
