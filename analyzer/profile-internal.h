/* SPDX-License-Identifier: MIT */
/*
 * profile-internal.h - the profile's private structures, shared by
 * profile.c (the streaming pass), profile-finish.c (what is derived once
 * the pass is over), func-table.c (function identity) and hist.c.
 */
#ifndef PPV_ANALYZER_PROFILE_INTERNAL_H
#define PPV_ANALYZER_PROFILE_INTERNAL_H

#include <perprovis/ppv-analyze.h>

/* Log-linear histogram: values below 128 exact, then 128 buckets per power
 * of two, allocated a group (one power of two) at a time. */
#define PPV_HIST_SUB 128
#define PPV_HIST_GROUPS 58
struct ppv_hist {
	uint64_t *group[PPV_HIST_GROUPS];
	uint64_t count;
	uint64_t min, max;
};

int ppv_hist_add(struct ppv_hist *h, uint64_t v);
void ppv_hist_release(struct ppv_hist *h);

/* A function's I/O counters per kind: ops, bytes, ns, errors, would block. */
#define PPV_FUNC_IO_N 5

/* A function or scope: the public record plus what only the pass needs.
 * During the pass pub.retained_count/bytes are its live blocks: what is
 * still live at the end is what it retained. */
struct ppv_func {
	struct ppv_func_stats pub;
	struct ppv_hist hist;
	char *name_own, *module_own, *source_own;
	uint8_t excluded;   /* matches opts->exclude */
	uint8_t focus;      /* matches opts->function */
	uint8_t resolved;   /* name matching done */
	uint64_t *io_kind;  /* [PPV_IO_KIND_COUNT * PPV_FUNC_IO_N] (see below), or NULL */
	uint64_t io_min[PPV_IO_KIND_COUNT], io_max[PPV_IO_KIND_COUNT];
};

struct ppv_func_table;

int ppv_func_table_new(struct ppv_trace *t, const struct ppv_analyze_opts *o,
		       struct ppv_func_table **out);
void ppv_func_table_free(struct ppv_func_table *ft);
/* The function at @addr in @pid, created (and symbolized) on first sight.
 * Return: its id, or -ENOMEM. */
int64_t ppv_func_table_addr(struct ppv_func_table *ft, uint32_t pid, uint64_t addr);
/* The scope called @name. Return: its id, or -ENOMEM. */
int64_t ppv_func_table_scope(struct ppv_func_table *ft, const char *name);
size_t ppv_func_table_count(const struct ppv_func_table *ft);
struct ppv_func *ppv_func_table_get(struct ppv_func_table *ft, uint32_t id);
/* The public records, moved out of the table (which keeps nothing). */
struct ppv_func **ppv_func_table_take(struct ppv_func_table *ft, size_t *n);
void ppv_func_free(struct ppv_func *f);

/* A node of the calling-context tree, with a one-entry memo of the last
 * child looked up: loops that call one function again hit it directly. */
struct ppv_cct {
	struct ppv_cct_node pub;
	struct ppv_cct *memo;
	struct ppv_cct *hash_next;
};

struct ppv_io_row {
	struct ppv_io_stats pub;
	char *name_own;
};

/* A live block of the allocation map (memory.c): open addressing keyed by
 * (pid, addr); @f NULL: allocated outside every shown frame. */
struct ppv_mem_block {
	uint64_t addr;
	uint64_t size;
	struct ppv_func *f;
	struct ppv_cct *node;
	uint32_t pid;
	uint8_t used;
	uint8_t hidden;    /* outside the -F selection: matched, never counted */
};

struct ppv_profile {
	struct ppv_profile_summary sum;
	struct ppv_trace *trace;
	struct ppv_func **funcs;
	size_t nfuncs;

	/* CCT: nodes in chunks (pointers stay valid), children found by hash. */
	struct ppv_cct *root;
	struct ppv_cct **chunks;
	size_t nchunks, chunk_used;
	struct ppv_cct **cct_hash;
	size_t cct_hash_mask, nnodes;

	struct ppv_call_edge *edges;
	size_t nedges;

	struct ppv_thread_stats *threads;
	size_t nthreads;

	struct ppv_io_stats io_kind[PPV_IO_KIND_COUNT];
	struct ppv_io_stats *io_kind_rows;
	size_t nio_kind;
	struct ppv_io_stats io_total;
	struct ppv_io_row *io_names;
	size_t nio_names, cap_io_names;
	struct ppv_io_stats *io_name_rows;
	struct ppv_io_stats *io_func_rows;
	size_t nio_func;
	struct ppv_io_stats io_class[PPV_FD_CLASS_COUNT];
	struct ppv_io_stats io_op[PPV_IO_OP_COUNT];
	struct ppv_io_stats *io_class_rows, *io_op_rows;
	size_t nio_class, nio_op;

	/* memory.c: live blocks (freed once the leaks are grouped), figures
	 * per process (by pid, in order of first sight) and in total */
	struct ppv_mem_block *blocks;
	size_t blocks_mask, nblocks;
	struct ppv_memory_stats mem_total;
	struct ppv_memory_stats *mem_procs;
	size_t nmem_procs, mem_last;
	struct ppv_leak *leaks;
	size_t nleaks;
};

/* cct.c: nodes come in chunks of PPV_CCT_CHUNK */
#define PPV_CCT_CHUNK 4096
int ppv_cct_init(struct ppv_profile *p);
struct ppv_cct *ppv_cct_child(struct ppv_profile *p, struct ppv_cct *parent, uint32_t func);

/* profile-io.c: an I/O event counted by kind, class, operation and name,
 * and against @f (the innermost shown frame's function, or NULL) and its
 * call-path @node; the rows once the pass is over. */
int ppv_profile_io_add(struct ppv_profile *p, const struct ppv_event *ev, struct ppv_func *f,
		       struct ppv_cct *node);
int ppv_profile_io_rows(struct ppv_profile *p);
void ppv_profile_io_free(struct ppv_profile *p);

/* memory.c: an allocation by @f (NULL: outside every shown frame) on call
 * path @node (the root then); @hidden: outside the -F selection. A free, a
 * resident-set sample. Leaks grouped, and the map released, at the end. */
int ppv_mem_alloc(struct ppv_profile *p, const struct ppv_event *ev, struct ppv_func *f,
		  struct ppv_cct *node, int hidden);
int ppv_mem_free(struct ppv_profile *p, const struct ppv_event *ev);
int ppv_mem_sample(struct ppv_profile *p, const struct ppv_event *ev);
int ppv_mem_finish(struct ppv_profile *p);
void ppv_mem_release(struct ppv_profile *p);

/* profile-finish.c: the summary's figures from the trace's headers; derive
 * edges, sort children, build I/O rows and memory figures. */
void ppv_profile_summary_from_trace(struct ppv_profile *p, struct ppv_trace *t);
int ppv_profile_finish(struct ppv_profile *p);

#endif
