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
