/* SPDX-License-Identifier: MIT */
/*
 * trace-internal.h - struct ppv_trace and its per-process state, shared by
 * trace.c (opening, process files, symbolization) and trace-merge.c (the
 * time-order merge). Private to analyzer/.
 */
#ifndef PPV_ANALYZER_TRACE_INTERNAL_H
#define PPV_ANALYZER_TRACE_INTERNAL_H

#include <perprovis/ppv-trace.h>

#include "native-reader.h"
#include "symbolizer.h"

struct pending {
	struct ppv_event ev;
	uint64_t seq;
};

/* A segment's reader that is finished but may still lend strings to
 * events read before @seq. */
struct retired_reader {
	struct ppv_native_reader *r;
	uint64_t seq;
};

struct seen_module {
	uint64_t base, size, bias;
};

struct proc {
	struct ppv_native_reader *r;
	struct ppv_process_info info;
	struct ppv_module_map *mods;
	char *file;
	char *exe, *cmdline;
	struct pending *buf;
	struct pending *tmp; /* merge scratch, as large as buf */
	size_t *runs;        /* run starts found by sort_waiting() */
	size_t nruns_cap;
	/* The writer's own records (clock, modules, losses) are stamped when
	 * it writes them, behind the threads' events: they wait here, sorted,
	 * so that the main buffer stays in order. Few at a time. */
	struct pending *side;
	size_t nside, side_cap;
	uint64_t watermark;  /* events below it may be returned */
	size_t head, ready, len, cap; /* released [head, ready), waiting [ready, len) */
	uint64_t seq, max_ts;
	int sorted, eof;

	/* The files of a process image split into segments (BASE.ppv,
	 * BASE.s1.ppv, ... see docs/format.md), read as one stream by
	 * ppv_trace_proc_read(): r reads segs[seg]. The first segment's reader
	 * stays open for its INFO; finished ones wait in @retired. A segment
	 * repeats the threads and modules known when it began: @tids and
	 * @mods tell which to skip. */
	char **segs;
	size_t nsegs, seg;
	struct ppv_native_reader *first_r;
	struct retired_reader *retired;
	size_t nretired;
	uint32_t *tids;
	size_t ntids, tids_cap;
	struct seen_module *mods_seen;
	size_t nmods_seen, mods_seen_cap;
	unsigned int reads;
	char seg_err[512];   /* why the next segment could not be read */
};

struct ppv_trace_ctf;

struct ppv_trace {
	struct proc *procs;
	size_t nprocs;
	struct ppv_symbolizer *sym;
	char err[1024];
	char *warnings;
	size_t wlen;
	int failed;
	struct ppv_event side_out; /* a side-queue event lent by _next_borrow() */
	struct ppv_trace_ctf *ctf; /* a CTF trace (trace-ctf.c), or NULL: native */
};

/* Append a line to the trace's warnings (trace.c). */
void ppv_trace_add_warning(struct ppv_trace *t, const char *msg);

/*
 * The next event of @p's files (trace.c): ppv_native_reader_next()
 * across the segments of a process image, without the threads and modules
 * a later segment announces again. Return: as ppv_native_reader_next();
 * ppv_trace_proc_error() describes an error.
 */
int ppv_trace_proc_read(struct ppv_trace *t, struct proc *p, struct ppv_event *ev);
const char *ppv_trace_proc_error(const struct proc *p);
void ppv_trace_proc_segments_free(struct proc *p);

/*
 * CTF traces (trace-ctf.c). ppv_trace_ctf_open() makes @t read the CTF
 * traces at or under @path: -ENOENT if there is none (@err untouched),
 * else 0 or an error described in @err (-ENOTSUP when built without
 * babeltrace2). Processes appear in t->procs as their first events are
 * read (with r == NULL). ppv_trace_ctf_next() is ppv_trace_next_borrow()
 * for such a trace; ppv_trace_ctf_close() frees what _open() made, if any.
 */
int ppv_trace_ctf_open(struct ppv_trace *t, const char *path, char *err, size_t errlen);
int ppv_trace_ctf_next(struct ppv_trace *t, const struct ppv_event **out);
void ppv_trace_ctf_close(struct ppv_trace *t);

#endif
