/* SPDX-License-Identifier: MIT */
/*
 * ppv-analyze.h - the analysis library: one streaming pass over a trace
 * builds a struct ppv_profile (per-function statistics, the calling-context
 * tree, the call graph, I/O statistics), which renderers
 * (<perprovis/ppv-render.h>) turn into reports.
 *
 * Memory grows with the number of distinct functions and call paths, never
 * with the length of the trace. All times are nanoseconds.
 *
 * Result records (struct ppv_func_stats, struct ppv_cct_node, ...) are
 * read-only views borrowed from the profile: plain structs rather than
 * getters because a report reads twenty figures of each, and new fields are
 * only ever appended (see docs/architecture.md).
 */
#ifndef PERPROVIS_PPV_ANALYZE_H
#define PERPROVIS_PPV_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv-trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ppv_frame_record - one frame entered or left, handed to
 * ppv_analyze_opts.on_frame during the pass, in time order per thread (and
 * in merged time order overall). Only shown frames are reported (see -F, -N).
 * @exit:      0 when the frame is entered, 1 when it is left.
 * @func:      the function's id in the profile being built.
 * @name, @module: the function's; valid while the profile lives.
 * @depth:     shown frames below this one on its thread (0: outermost).
 * @ts:        when it was entered or left.
 * @start_ns:  on exit, when the call began.
 * @self_ns:   on exit, its self time.
 * @unfinished: on exit, 1 if the call never returned: it is closed at the
 *             end of the trace, of its thread, or of the time range, or at
 *             a pause of its process.
 */
struct ppv_frame_record {
	int exit;
	uint32_t pid;
	uint32_t tid;
	uint32_t func;
	const char *name;
	const char *module;
	uint32_t depth;
	uint64_t ts;
	uint64_t start_ns;
	uint64_t self_ns;
	int unfinished;
};

/* Return 0 to go on; a negative errno stops the pass with that error. */
typedef int (*ppv_frame_fn)(const struct ppv_frame_record *r, void *arg);
typedef int (*ppv_event_fn)(const struct ppv_event *ev, void *arg);

/**
 * struct ppv_analyze_opts - what part of the trace to analyze.
 * @sz:         sizeof(struct ppv_analyze_opts); NULL opts means defaults.
 * @pid:        only this process (0: all).
 * @tid:        only this thread (0: all).
 * @function:   fnmatch(3) pattern: only calls made inside a frame whose
 *              function matches (the frame included), as uftrace's -F.
 * @exclude:    fnmatch(3) pattern: frames of matching functions are hidden;
 *              their time is their caller's self time and their callees
 *              become the caller's, as uftrace's -N.
 * @time_start: ns from the trace's start: events before it are ignored
 *              (a frame open then is closed as if its enter was not seen).
 * @time_end:   ns from the trace's start, 0 for none: events after it are
 *              ignored and frames still open are closed at it.
 * @on_frame:   if set, called for every shown frame entered and left, as
 *              the pass goes (timelines, flame charts: renderers that need
 *              each call without the profile keeping them).
 * @on_event:   if set, called for every selected event of a thread (I/O,
 *              errors, allocations, thread start and exit included) and
 *              of a process (memory samples, pauses and resumes: tid is
 *              the pid; --thread does not hide them) before the pass
 *              applies it.
 * @cb_arg:     handed to both callbacks.
 */
struct ppv_analyze_opts {
	size_t sz;
	uint32_t pid;
	uint32_t tid;
	const char *function;
	const char *exclude;
	uint64_t time_start;
	uint64_t time_end;
	ppv_frame_fn on_frame;
	ppv_event_fn on_event;
	void *cb_arg;
};

enum ppv_frame_kind {
	PPV_FRAME_FUNCTION = 0, /* an instrumented function, by address */
	PPV_FRAME_SCOPE = 1,    /* a named scope or PPV_FUNCTION() */
};

struct ppv_hist;

/**
 * ppv_hist_percentile() - the @q quantile (0 < @q <= 1) of the recorded
 * values, within 1% relative error (log-linear buckets, 128 per power of
 * two; values below 256 are exact). 0 if the histogram is empty.
 */
PPV_API uint64_t ppv_hist_percentile(const struct ppv_hist *h, double q);

/** ppv_hist_count() - number of values recorded. */
PPV_API uint64_t ppv_hist_count(const struct ppv_hist *h);

/**
 * struct ppv_func_stats - one function or named scope, merged over every
 * process and thread analyzed (functions are identified by module and
 * symbol name, so a forked child's calls add to its parent's).
 * @id:       index of this record: ppv_profile_func(p, id) returns it.
 * @name:     demangled symbol name, scope name, or "module+0xoff".
 * @module:   path of the module, NULL for scopes and addresses outside
 *            every known module.
 * @source:   "file:line" of the function's definition, NULL if unknown.
 * @calls:    calls that entered (and completed or were closed at the end).
 * @total_ns: inclusive time; a recursive call inside another call of the
 *            same function on the same thread is counted once, by the
 *            outermost call.
 * @self_ns:  time not spent in recorded callees.
 * @sum_ns:   sum of every call's inclusive time (recursion counted at each
 *            level); @sum_ns / @calls is the average call.
 * @min_ns, @max_ns: shortest and longest call (inclusive).
 * @errors:   errors counted against this function (ppv_mark_error(), and
 *            its failed I/O).
 * @io_ops, @io_bytes, @io_ns, @io_errors: I/O it performed directly.
 * @unfinished: calls still open when the trace (or the thread) ended,
 *            closed at the last timestamp seen.
 * @hist:     distribution of call durations (for percentiles).
 * @avg_ns:   @sum_ns / @calls (0 without calls).
 *
 * Memory (traces recorded with allocation events; all 0 otherwise):
 * @alloc_count, @alloc_bytes: allocations made while it was the innermost
 *            shown frame (self); a realloc counts as an allocation of its
 *            new size.
 * @alloc_count_incl, @alloc_bytes_incl: by it and its callees; a recursive
 *            call's allocations are counted once, as @total_ns is.
 * @free_count, @freed_bytes: of the blocks it allocated, whoever freed
 *            them (sizes from the matching allocation, per process).
 * @retained_count, @retained_bytes: blocks it allocated never freed by the
 *            end of the trace (or of the --time-range).
 * @peak_bytes: the highest total of its blocks live at any one moment.
 * @io_would_block: I/O that failed with EAGAIN, EWOULDBLOCK, EINPROGRESS
 *            or EINTR: counted here, not in @errors or @io_errors.
 */
struct ppv_func_stats {
	uint32_t id;
	enum ppv_frame_kind kind;
	const char *name;
	const char *module;
	const char *source;
	uint64_t calls;
	uint64_t total_ns;
	uint64_t self_ns;
	uint64_t sum_ns;
	uint64_t min_ns;
	uint64_t max_ns;
	uint64_t errors;
	uint64_t io_ops;
	uint64_t io_bytes;
	uint64_t io_ns;
	uint64_t io_errors;
	uint64_t unfinished;
	const struct ppv_hist *hist;
	uint64_t avg_ns;
	uint64_t alloc_count;
	uint64_t alloc_bytes;
	uint64_t alloc_count_incl;
	uint64_t alloc_bytes_incl;
	uint64_t free_count;
	uint64_t freed_bytes;
	uint64_t retained_count;
	uint64_t retained_bytes;
	uint64_t peak_bytes;
	uint64_t io_would_block;
};

/**
 * struct ppv_cct_node - a node of the calling-context tree: one call path,
 * identical paths merged. The root (func == PPV_CCT_ROOT) has the threads'
 * outermost frames as children. Children are sorted by total_ns, largest
 * first.
 * @total_ns: inclusive time of the calls on this path.
 * @self_ns:  their self time.
 * @alloc_count, @alloc_bytes: allocations made by the path's last frame
 *            itself (self); on the root, those made outside every shown
 *            frame.
 */
#define PPV_CCT_ROOT UINT32_MAX
struct ppv_cct_node {
	const struct ppv_cct_node *parent;
	const struct ppv_cct_node *first_child;
	const struct ppv_cct_node *next_sibling;
	uint32_t func;
	uint32_t depth;
	uint64_t calls;
	uint64_t total_ns;
	uint64_t self_ns;
	uint64_t errors;
	uint64_t io_bytes;
	uint64_t alloc_count;
	uint64_t alloc_bytes;
};

/**
 * struct ppv_call_edge - caller → callee, summed over every call path.
 * @calls:    calls of @callee made directly by @caller.
 * @total_ns: inclusive time of those calls (a recursive edge counts each
 *            level, as uftrace graph does).
 * Caller PPV_CCT_ROOT stands for "called from no recorded function".
 */
struct ppv_call_edge {
	uint32_t caller;
	uint32_t callee;
	uint64_t calls;
	uint64_t total_ns;
};

/**
 * struct ppv_io_stats - I/O of one kind, or of one kind and name (the name
 * given to ppv_io_begin(), a file path or a peer), or of one function, or
 * of one descriptor class, or of one operation.
 * @kind:   the kind (by-kind, by-name and by-function rows; PPV_IO_OTHER
 *          in by-class and by-operation rows).
 * @func:   for ppv_profile_io_by_func() rows, the function; else
 *          PPV_CCT_ROOT.
 * @name:   NULL for per-kind and per-function rows.
 * @errors: failed operations, except those that would have blocked.
 * @avg_ns: @total_ns / @ops.
 * @mb_per_s: throughput, decimal megabytes per second of I/O time
 *          (@bytes / @total_ns * 1000); 0 when no time was spent.
 * @fdclass: for ppv_profile_io_by_class() rows, the class; else
 *          PPV_FD_UNKNOWN.
 * @op:     for ppv_profile_io_by_op() rows, the operation; else
 *          PPV_IO_OP_NONE.
 * @would_block: operations that failed with EAGAIN, EWOULDBLOCK,
 *          EINPROGRESS or EINTR (see ppv_io_would_block()): counted in
 *          @ops, not in @errors.
 */
struct ppv_io_stats {
	enum ppv_io_kind kind;
	uint32_t func;
	const char *name;
	uint64_t ops;
	uint64_t bytes;
	uint64_t total_ns;
	uint64_t min_ns;
	uint64_t max_ns;
	uint64_t errors;
	uint64_t avg_ns;
	double mb_per_s;
	enum ppv_fd_class fdclass;
	enum ppv_io_op op;
	uint64_t would_block;
};

/**
 * struct ppv_thread_stats - one recorded thread.
 * @start_ns, @end_ns: first and last event, CLOCK_MONOTONIC ns.
 * @total_ns: inclusive time of its outermost frames.
 */
struct ppv_thread_stats {
	uint32_t pid;
	uint32_t tid;
	const char *name;
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t calls;
	uint64_t total_ns;
};

/**
 * struct ppv_profile_summary - the run as a whole.
 * @start_ns, @end_ns:  first and last event analyzed (CLOCK_MONOTONIC ns).
 * @start_realtime_ns:  wall-clock time of the earliest process start.
 * @total_calls:        calls of every function and scope.
 * @total_ns:           time of all outermost frames of all threads (the sum
 *                      of every function's self time): the 100% of
 *                      "percent of run".
 * @lost:               events the recorder dropped (drop policy).
 * @unmatched_exits:    exits with no enter (recording began mid-call).
 * @unfinished_calls:   enters with no exit (a crash, a thread still running).
 * @repaired_frames:    frames skipped by longjmp or an exception, closed at
 *                      the next exit of a frame below them.
 * @truncated:          1 if a process file ended in a torn chunk.
 * @granularity:        the recording's granularity ("medium" when the trace
 *                      does not say: every instrumented call).
 * @pauses:             times recording was paused (ppv-record --signal, the
 *                      API): what ran until the resume is missing.
 * @paused_frames:      frames open when their process paused: closed at the
 *                      pause (their calls count, their time ends there).
 * @resumed_exits:      exits with no enter after a resume, or in a process
 *                      whose trace starts at a later rotated segment: the
 *                      frames were entered before; ignored, and not counted
 *                      in @unmatched_exits.
 * @io_would_block:     I/O operations that would have blocked (not errors).
 */
struct ppv_profile_summary {
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t start_realtime_ns;
	uint64_t events;
	uint64_t total_calls;
	uint64_t total_ns;
	uint64_t errors;
	uint64_t lost;
	uint64_t unmatched_exits;
	uint64_t unfinished_calls;
	uint64_t repaired_frames;
	uint64_t io_ops;
	uint64_t io_bytes;
	size_t nprocesses;
	size_t nthreads;
	int truncated;
	const char *granularity;
	const char *cmdline;
	uint64_t pauses;
	uint64_t paused_frames;
	uint64_t resumed_exits;
	uint64_t io_would_block;
};

/**
 * struct ppv_memory_stats - allocations of one process, or of all of them.
 * @pid:          the process; 0 for ppv_profile_memory_total().
 * @events:       allocation and free events analyzed (0: the trace has no
 *                allocation events; record with ppv-record -g fine).
 * @alloc_count, @alloc_bytes: allocations (a realloc's new block included).
 * @free_count, @freed_bytes:  frees of blocks allocated while recording.
 * @live_count, @live_bytes:   blocks never freed by the end (the leaks).
 * @peak_bytes:   the highest live total at any moment (the total row: of
 *                every process at the same moment).
 * @unmatched_frees: frees of an address not allocated while recording
 *                (allocated before it started, or during a pause): ignored.
 * @unseen_frees: blocks whose address was allocated again with no free in
 *                between (the free happened during a pause): counted freed.
 * @outside_count, @outside_bytes: allocations made outside every shown
 *                frame: in these totals and in the leaks, in no function.
 * @rss_samples:  resident-set samples (about every 100 ms per process).
 * @rss_bytes:    the last sample (the total row: the sum of each process's
 *                last sample).
 * @peak_rss:     the highest resident set size seen (the total row: the
 *                largest process's; peaks of processes are not simultaneous
 *                and are not added).
 */
struct ppv_memory_stats {
	uint32_t pid;
	uint64_t events;
	uint64_t alloc_count;
	uint64_t alloc_bytes;
	uint64_t free_count;
	uint64_t freed_bytes;
	uint64_t live_count;
	uint64_t live_bytes;
	uint64_t peak_bytes;
	uint64_t unmatched_frees;
	uint64_t unseen_frees;
	uint64_t outside_count;
	uint64_t outside_bytes;
	uint64_t rss_samples;
	uint64_t rss_bytes;
	uint64_t peak_rss;
};

/**
 * struct ppv_leak - blocks never freed, grouped by the call path that
 * allocated them.
 * @node:  the calling-context tree node of the allocation: the root for
 *         allocations made outside every shown frame.
 * @func:  @node's function (PPV_CCT_ROOT for the root).
 */
struct ppv_leak {
	const struct ppv_cct_node *node;
	uint32_t func;
	uint64_t count;
	uint64_t bytes;
};

struct ppv_profile;

/**
 * ppv_profile_build() - read every event of @t once and build a profile.
 * @t:    an open trace, not read yet.
 * @opts: filters; NULL for the whole trace.
 * @out:  receives the profile.
 *
 * Return: 0; -EINVAL for a bad pattern or option; -ENOMEM; the negative
 * errno of a read error (ppv_trace_last_error(@t) says where). A torn last
 * chunk is not an error: the profile covers what was read, and
 * ppv_trace_warnings(@t) says so.
 * Ownership: the caller owns *@out and frees it with ppv_profile_free(); it
 * borrows @t, which must outlive it.
 */
PPV_API int ppv_profile_build(struct ppv_trace *t, const struct ppv_analyze_opts *opts,
			      struct ppv_profile **out);

/** ppv_profile_free() - free a profile. NULL is a no-op. */
PPV_API void ppv_profile_free(struct ppv_profile *p);

/** Ownership of every getter below: borrowed from @p, valid while it lives. */
PPV_API const struct ppv_profile_summary *ppv_profile_summary(const struct ppv_profile *p);
PPV_API size_t ppv_profile_func_count(const struct ppv_profile *p);
PPV_API const struct ppv_func_stats *ppv_profile_func(const struct ppv_profile *p, uint32_t id);
PPV_API const struct ppv_cct_node *ppv_profile_cct_root(const struct ppv_profile *p);
PPV_API size_t ppv_profile_thread_count(const struct ppv_profile *p);
/** ppv_profile_process() - process @i of the trace (pid, command line, ...). */
PPV_API size_t ppv_profile_process_count(const struct ppv_profile *p);
PPV_API const struct ppv_process_info *ppv_profile_process(const struct ppv_profile *p, size_t i);
PPV_API const struct ppv_thread_stats *ppv_profile_thread(const struct ppv_profile *p, size_t i);

/**
 * ppv_profile_edges() - every caller → callee edge, sorted by caller id,
 * then by total_ns, largest first.
 */
PPV_API const struct ppv_call_edge *ppv_profile_edges(const struct ppv_profile *p, size_t *n);

/** ppv_profile_io_by_kind() - one row per kind seen, in enum order. */
PPV_API const struct ppv_io_stats *ppv_profile_io_by_kind(const struct ppv_profile *p, size_t *n);
/**
 * ppv_profile_io_total() - every kind together (kind PPV_IO_OTHER, func
 * PPV_CCT_ROOT; all zero when there was no I/O).
 */
PPV_API const struct ppv_io_stats *ppv_profile_io_total(const struct ppv_profile *p);
/** ppv_profile_io_by_name() - one row per (kind, name), by total_ns, largest first. */
PPV_API const struct ppv_io_stats *ppv_profile_io_by_name(const struct ppv_profile *p, size_t *n);
/** ppv_profile_io_by_func() - one row per (function, kind), by total_ns, largest first. */
PPV_API const struct ppv_io_stats *ppv_profile_io_by_func(const struct ppv_profile *p, size_t *n);

/**
 * ppv_profile_io_by_class() - one row per descriptor class seen (file, tcp,
 * udp, unix, pipe, tty, other; "unknown" for explicit ppv_io_begin() I/O),
 * in enum order.
 */
PPV_API const struct ppv_io_stats *ppv_profile_io_by_class(const struct ppv_profile *p,
							   size_t *n);
/** ppv_profile_io_by_op() - one row per operation seen, in enum order. */
PPV_API const struct ppv_io_stats *ppv_profile_io_by_op(const struct ppv_profile *p, size_t *n);

/**
 * ppv_io_would_block() - 1 if @err (a positive errno value) means the
 * operation would have blocked or was interrupted (EAGAIN, EWOULDBLOCK,
 * EINPROGRESS, EINTR): non-blocking code meets these by design, so reports
 * count them apart from errors.
 */
PPV_API int ppv_io_would_block(int err);

/** ppv_profile_memory_total() - every analyzed process together. */
PPV_API const struct ppv_memory_stats *ppv_profile_memory_total(const struct ppv_profile *p);
/** ppv_profile_memory_by_process() - one row per process with memory events, by pid. */
PPV_API const struct ppv_memory_stats *ppv_profile_memory_by_process(const struct ppv_profile *p,
								     size_t *n);
/**
 * ppv_profile_leaks() - blocks never freed, one row per allocating call
 * path, by bytes (largest first), then count.
 */
PPV_API const struct ppv_leak *ppv_profile_leaks(const struct ppv_profile *p, size_t *n);

enum ppv_sort_key {
	PPV_SORT_TOTAL = 0,
	PPV_SORT_SELF,
	PPV_SORT_CALLS,
	PPV_SORT_AVG,
	PPV_SORT_MAX,
	PPV_SORT_P99,
	PPV_SORT_ERRORS,
	PPV_SORT_IO,
	PPV_SORT_MEMORY,
};

/**
 * ppv_sort_key_parse() - "total", "self", "calls", "avg", "max", "p99",
 * "errors", "io", "memory" to a key. Return: 0, or -EINVAL.
 */
PPV_API int ppv_sort_key_parse(const char *s, enum ppv_sort_key *out);

/**
 * ppv_profile_sorted() - the functions that ran (calls, errors or I/O)
 * ordered by @key, largest first (ties by name), into @out, which has room
 * for ppv_profile_func_count(@p). A function known only from an exit with
 * no enter, or only from outside the -F selection, is left out.
 * PPV_SORT_MEMORY orders by bytes allocated, inclusive (alloc_bytes_incl);
 * PPV_SORT_IO by I/O bytes.
 * Return: the number written, or -EINVAL for an unknown key.
 */
PPV_API int ppv_profile_sorted(const struct ppv_profile *p, enum ppv_sort_key key,
			       const struct ppv_func_stats **out);

/**
 * ppv_profile_min_duration_for() - the shortest call duration d such that
 * at most @max_calls of the profile's calls last d or longer, to the
 * histograms' resolution (1/128 of a power of two): what a timeline keeps
 * to stay within a size. 0 when every call fits.
 */
PPV_API uint64_t ppv_profile_min_duration_for(const struct ppv_profile *p, uint64_t max_calls);

/** ppv_io_kind_name() - "file-read", "network", ...; "unknown" otherwise. */
PPV_API const char *ppv_io_kind_name(unsigned int kind);

#ifdef __cplusplus
}
#endif

#endif /* PERPROVIS_PPV_ANALYZE_H */
