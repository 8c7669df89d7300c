/* SPDX-License-Identifier: MIT */
/*
 * ctf-internal.h - struct ppv_ctf_reader, shared by ctf-reader.c (finding
 * traces, the babeltrace2 graph, the queue) and ctf-events.c (turning
 * babeltrace2 messages into struct ppv_event). Private to formats/.
 */
#ifndef PPV_FORMATS_CTF_INTERNAL_H
#define PPV_FORMATS_CTF_INTERNAL_H

#include <babeltrace2/babeltrace.h>

#include "ctf-reader.h"

enum ctf_kind {
	K_UNKNOWN,
	K_PPV_ENTRY,
	K_PPV_EXIT,
	K_PPV_SCOPE_ENTRY,
	K_PPV_SCOPE_EXIT,
	K_PPV_IO,
	K_PPV_ERROR,
	K_CYG_ENTRY,      /* lttng_ust_cyg_profile{,_fast}:func_entry {addr} */
	K_CYG_EXIT,       /* lttng_ust_cyg_profile:func_exit {addr} */
	K_CYG_FAST_EXIT,  /* lttng_ust_cyg_profile_fast:func_exit {} */
	K_BIN_INFO,       /* lttng_ust_statedump:bin_info */
	K_DL_OPEN,        /* lttng_ust_dl:dlopen, dlmopen */
	K_BUILD_ID,       /* lttng_ust_statedump:build_id, lttng_ust_dl:build_id */
	K_PROCNAME,       /* lttng_ust_statedump:procname */
	K_DL_CLOSE,       /* lttng_ust_dl:dlclose */
	K_IGNORED,        /* understood, nothing to emit (statedump start/end, debug_link) */
};

#define MAX_CLASSES 256 /* event classes cached by address */
#define MAX_SKIPPED_NAMES 4
#define MAX_BUILD_ID 64

struct blob {
	struct blob *next;
	uint32_t hash, len;
	uint8_t data[];
};

struct pending_mod {
	struct ppv_event ev;  /* MODULE_LOAD waiting for its build_id event */
};

struct proc_rec {
	struct ppv_ctf_process pub;
	int name_rank; /* where pub.procname came from: 1 a thread's context,
			* 2 the main thread's, 3 the statedump */
};

struct stream_pid {
	const bt_stream *stream;
	uint32_t pid;
};

struct ppv_ctf_reader {
	bt_graph *graph;
	const bt_plugin *ctf_plugin, *utils_plugin;
	bt_value *dirs;      /* array of trace directories, one source each */
	size_t ntraces;

	struct ppv_event *q; /* decoded, not yet handed out: [qhead, qlen) */
	size_t qhead, qlen, qcap;
	int ended;
	int failed;          /* sticky negative errno */
	char err[1024];

	struct blob **pool;  /* interned strings and build-ids */
	size_t pool_cap, pool_len;

	struct proc_rec *procs;
	size_t nprocs;
	uint64_t *threads;   /* (pid << 32 | tid) + 1 seen; open addressing */
	size_t threads_cap, nthreads;

	struct pending_mod *pend;
	size_t npend, pend_cap;

	struct {
		const bt_event_class *ec;
		enum ctf_kind kind;
	} classes[MAX_CLASSES];
	size_t nclasses;
	uint64_t skipped;
	const char *skipped_names[MAX_SKIPPED_NAMES];
	size_t nskipped_names;
	uint64_t discarded_packets;

	struct stream_pid *streams;
	size_t nstreams;
	uint64_t pending_loss; /* discarded before any process was seen */
	uint64_t last_ts;
	uint32_t last_pid;
	int have_pid;
	int unix_epoch;

	char *warnings;
};

/* ctf-reader.c: record @err with a message (and babeltrace2's causes). */
int ppv_ctf_fail(struct ppv_ctf_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ctf-events.c */
struct proc_rec *ppv_ctf_proc_of(struct ppv_ctf_reader *r, uint32_t pid);
/* Emit the module loads of @pid held for their build-id (all pids: @all). */
int ppv_ctf_flush_modules(struct ppv_ctf_reader *r, uint32_t pid, int all);
/* One babeltrace2 event or discarded-events message into the queue. */
int ppv_ctf_on_event_msg(struct ppv_ctf_reader *r, const bt_message *m);
int ppv_ctf_on_discarded(struct ppv_ctf_reader *r, const bt_message *m);

#endif
