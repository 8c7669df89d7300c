/* SPDX-License-Identifier: MIT */
/*
 * ppv-diff.h - comparing two runs: per-function change in total and self
 * time, bytes allocated (inclusive and self), calls and I/O bytes, each
 * with its share of its run, and a verdict (which functions regressed past
 * the thresholds) for CI.
 *
 * A run is a struct ppv_diff_input: built from a profile
 * (<perprovis/ppv-analyze.h>) or loaded from a JSON report saved earlier by
 * `ppv-analyze json` (docs/report-schema.md), so a CI job can keep a small
 * baseline file instead of a trace. Functions are matched by kind, name and
 * module path; those left unmatched are then matched by kind, name and the
 * module's file name (the same program built in another directory).
 *
 * The verdict rule (struct ppv_diff_opts): a function present in both runs
 * REGRESSES when its metric (total or self time, or bytes allocated
 * inclusive or self) grew
 *   - by more than @threshold_percent of its base value, and
 *   - by more than the minimum delta: @min_delta_ns for the time metrics,
 *     @min_delta_bytes for the memory metrics, and
 *   - it is not below the noise floor: its metric is at least
 *     @noise_floor_percent of its run's total (the run's total time, or
 *     the bytes the whole run allocated) in at least one run.
 * IMPROVED is the mirror image: the base value exceeds the new one by more
 * than @threshold_percent of the new value (and by more than the minimum
 * delta, above the floor), so swapping the runs turns every regression
 * into an improvement. A function present only in the
 * new run is ADDED and one only in the base REMOVED; neither is a
 * regression unless @new_regresses (then an added function that passes
 * the min-delta and noise-floor tests regresses), because with the total
 * metric a new callee's time already shows in its callers' total.
 *
 * The renderers (text, Markdown, JSON) are declared here too, not in
 * <perprovis/ppv-render.h>: they render a diff, not a profile.
 */
#ifndef PERPROVIS_PPV_DIFF_H
#define PERPROVIS_PPV_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One run's per-function figures, from a profile or a saved JSON report. */
struct ppv_diff_input;

/**
 * ppv_diff_input_from_profile() - the figures of every function that ran
 * in @p (as ppv_profile_sorted() lists them) and the run's totals.
 * Return: 0 or -ENOMEM.
 * Ownership: the caller frees *@out with ppv_diff_input_free(); it copies
 * what it needs, so @p may be freed first.
 */
PPV_API int ppv_diff_input_from_profile(const struct ppv_profile *p,
					struct ppv_diff_input **out);

/**
 * ppv_diff_input_is_report() - whether @path looks like a saved JSON report
 * rather than a trace: a regular file whose first byte other than white
 * space is '{'. ppv_diff_input_load() then checks that it really is one.
 * Return: 1 if so, 0 if not (a directory, a .ppv file), or the negative
 * errno of a failed stat or open.
 */
PPV_API int ppv_diff_input_is_report(const char *path);

/**
 * ppv_diff_input_load() - read a JSON report written by `ppv-analyze json`
 * (its "function_profiles", "summary", "caveats" and "command").
 * Return: 0; -ENOENT or another negative errno if it cannot be read;
 * -EINVAL if it is not JSON or not a PerProVis report, or lacks a figure;
 * -ENOTSUP for a schema_version other than 1; -ENOMEM.
 * ppv_diff_load_error() says what and where.
 * Ownership: the caller frees *@out with ppv_diff_input_free().
 */
PPV_API int ppv_diff_input_load(const char *path, struct ppv_diff_input **out);

/**
 * ppv_diff_load_error() - message of the last failed ppv_diff_input_load()
 * in this thread, naming the file.
 * Ownership: static thread-local storage, valid until the next load.
 */
PPV_API const char *ppv_diff_load_error(void);

/** ppv_diff_input_free() - free an input. NULL is a no-op. */
PPV_API void ppv_diff_input_free(struct ppv_diff_input *in);

enum ppv_diff_metric {
	PPV_DIFF_METRIC_TOTAL = 0,  /* inclusive time */
	PPV_DIFF_METRIC_SELF,       /* self time */
	PPV_DIFF_METRIC_ALLOC,      /* bytes allocated, inclusive (alloc_bytes_incl) */
	PPV_DIFF_METRIC_ALLOC_SELF, /* bytes allocated, self (alloc_bytes) */
};

/**
 * ppv_diff_metric_parse() - "total", "self", "alloc" or "alloc-self".
 * Return: 0, or -EINVAL.
 */
PPV_API int ppv_diff_metric_parse(const char *s, enum ppv_diff_metric *out);

/** ppv_diff_metric_name() - the name ppv_diff_metric_parse() takes, or "?". */
PPV_API const char *ppv_diff_metric_name(enum ppv_diff_metric m);

/**
 * ppv_diff_metric_is_memory() - 1 for the metrics measured in bytes
 * allocated (PPV_DIFF_METRIC_ALLOC, PPV_DIFF_METRIC_ALLOC_SELF), else 0.
 */
PPV_API int ppv_diff_metric_is_memory(enum ppv_diff_metric m);

/**
 * struct ppv_diff_opts - the verdict rule (see the top of this header).
 * @sz:                  sizeof(struct ppv_diff_opts).
 * @metric:              what must grow for a regression.
 * @threshold_percent:   growth relative to the base value, in percent.
 * @min_delta_ns:        time metrics: growth must also exceed this many
 *                       ns (ignored by the memory metrics).
 * @noise_floor_percent: functions whose metric is below this share of
 *                       their run's total (time, or bytes allocated) in
 *                       both runs never flag.
 * @new_regresses:       functions only in the new run can regress.
 * @min_delta_bytes:     memory metrics: growth must also exceed this many
 *                       bytes (ignored by the time metrics). A field of
 *                       its own rather than @min_delta_ns in another
 *                       unit, so a value is never read in the wrong one.
 * NULL options mean the defaults of ppv_diff_opts_init(). A non-NULL
 * struct is taken as it is: a zero threshold means "any growth".
 */
struct ppv_diff_opts {
	size_t sz;
	enum ppv_diff_metric metric;
	double threshold_percent;
	uint64_t min_delta_ns;
	double noise_floor_percent;
	int new_regresses;
	uint64_t min_delta_bytes;
};

#define PPV_DIFF_DEFAULT_THRESHOLD 10.0 /* percent */
#define PPV_DIFF_DEFAULT_NOISE_FLOOR 0.5 /* percent of the run */

/**
 * ppv_diff_opts_init() - fill @o with the defaults: total time, 10%
 * growth, no minimum delta (of time or bytes), a 0.5% noise floor, added
 * functions never regress.
 */
PPV_API void ppv_diff_opts_init(struct ppv_diff_opts *o);

enum ppv_diff_status {
	PPV_DIFF_UNCHANGED = 0, /* in both, within the thresholds */
	PPV_DIFF_REGRESSED,     /* grew past every threshold */
	PPV_DIFF_IMPROVED,      /* shrank past every threshold */
	PPV_DIFF_ADDED,         /* only in the new run */
	PPV_DIFF_REMOVED,       /* only in the base run */
};
#define PPV_DIFF_NSTATUS 5

/** ppv_diff_status_name() - "unchanged", "regressed", "improved", "added", "removed". */
PPV_API const char *ppv_diff_status_name(enum ppv_diff_status s);

/**
 * struct ppv_diff_figures - one function in one run; all zero when it is
 * absent from that run.
 * @total_percent, @self_percent: @total_ns and @self_ns as a percentage of
 *                the run's total time (struct ppv_diff_run.total_ns).
 * @alloc_bytes, @alloc_bytes_incl: bytes it allocated itself, and with its
 *                callees (struct ppv_func_stats); 0 when the run has no
 *                allocation events or is a report saved before they were.
 * @alloc_incl_percent, @alloc_self_percent: @alloc_bytes_incl and
 *                @alloc_bytes as a percentage of the bytes the run
 *                allocated (struct ppv_diff_run.alloc_bytes).
 *
 * Appending fields here moves the fields of struct ppv_diff_row after
 * @base: programs that read rows must be rebuilt (soversion 0).
 */
struct ppv_diff_figures {
	uint64_t calls;
	uint64_t total_ns;
	uint64_t self_ns;
	uint64_t io_bytes;
	double total_percent;
	double self_percent;
	uint64_t alloc_bytes;
	uint64_t alloc_bytes_incl;
	double alloc_incl_percent;
	double alloc_self_percent;
};

/**
 * struct ppv_diff_row - one function of either run.
 * @module:         NULL for scopes and unknown modules (the new run's
 *                  path when both runs know it).
 * @in_base, @in_new: whether each run has it.
 * @base, @cur:     its figures in the base and the new run.
 * @delta_ns:       a time metric's change, new minus base (0 under a
 *                  memory metric).
 * @change_percent: the metric's change relative to the base value;
 *                  INFINITY when the base value is 0 and the new one is
 *                  not, 0 when both are 0.
 * @below_floor:    under the noise floor in both runs (never flagged).
 * @delta_bytes:    a memory metric's change in bytes, new minus base (0
 *                  under a time metric).
 * A function ADDED with @new_regresses set can be REGRESSED with @in_base 0.
 */
struct ppv_diff_row {
	const char *name;
	const char *module;
	enum ppv_frame_kind kind;
	enum ppv_diff_status status;
	int in_base;
	int in_new;
	struct ppv_diff_figures base;
	struct ppv_diff_figures cur;
	int64_t delta_ns;
	double change_percent;
	int below_floor;
	int64_t delta_bytes;
};

/**
 * struct ppv_diff_run - one run as a whole.
 * @from_report: 1 if it came from a saved JSON report, 0 from a trace.
 * @command:     command line of its first process, NULL if unknown.
 * @total_ns:    time of all outermost frames: the 100% of the time shares.
 * @functions:   functions that ran.
 * @lost_events, @unfinished_calls, @truncated: its caveats.
 * @alloc_bytes:  bytes allocated by the whole run, outside every function
 *                included: the 100% of the memory metrics' noise floor.
 * @alloc_events: allocation and free events analyzed; 0 when it was
 *                recorded without them (or is a report saved before
 *                reports had them): the memory metrics need them.
 */
struct ppv_diff_run {
	int from_report;
	const char *command;
	uint64_t total_ns;
	uint64_t calls;
	uint64_t io_bytes;
	size_t functions;
	uint64_t lost_events;
	uint64_t unfinished_calls;
	int truncated;
	uint64_t alloc_bytes;
	uint64_t alloc_events;
};

/**
 * ppv_diff_input_run() - the totals and caveats of one run (to tell, for
 * example, whether it has allocation events before comparing bytes).
 * Ownership: borrowed from @in, valid while it lives.
 */
PPV_API const struct ppv_diff_run *ppv_diff_input_run(const struct ppv_diff_input *in);

struct ppv_diff;

/**
 * ppv_diff_new() - compare two runs.
 * @base, @cur: the runs; they must outlive the diff.
 * @o:          the verdict rule, NULL for the defaults.
 * @out:        receives the diff.
 * Return: 0; -EINVAL for a bad option (a negative or NaN threshold, a
 * noise floor outside 0..100, an unknown metric); -ENODATA for a memory
 * metric when either run has no allocation events (a comparison of zeros
 * would pass for "no regression"); -ENOMEM.
 * Ownership: the caller frees *@out with ppv_diff_free(); it borrows
 * @base and @cur (names in rows point into them).
 */
PPV_API int ppv_diff_new(const struct ppv_diff_input *base, const struct ppv_diff_input *cur,
			 const struct ppv_diff_opts *o, struct ppv_diff **out);

/**
 * ppv_diff_new_from_profiles() - ppv_diff_new() on two profiles.
 * Return: as ppv_diff_new().
 * Ownership: the caller frees *@out with ppv_diff_free(); the diff keeps
 * its own copy of the figures, so the profiles may be freed first.
 */
PPV_API int ppv_diff_new_from_profiles(const struct ppv_profile *base,
				       const struct ppv_profile *cur,
				       const struct ppv_diff_opts *o, struct ppv_diff **out);

/** ppv_diff_free() - free a diff. NULL is a no-op. */
PPV_API void ppv_diff_free(struct ppv_diff *d);

/*
 * Getters. Ownership: everything is borrowed from @d (and its inputs) and
 * valid while they live.
 *
 * Rows are in report order: regressions first, largest growth first; then
 * every other function by the size of its change in the metric (growth or
 * shrinking), largest first; ties by name.
 */
PPV_API size_t ppv_diff_row_count(const struct ppv_diff *d);
PPV_API const struct ppv_diff_row *ppv_diff_row(const struct ppv_diff *d, size_t i);
/** ppv_diff_regressions() - rows REGRESSED: nonzero means the check fails. */
PPV_API size_t ppv_diff_regressions(const struct ppv_diff *d);
/** ppv_diff_count() - rows with status @s. */
PPV_API size_t ppv_diff_count(const struct ppv_diff *d, enum ppv_diff_status s);
/** ppv_diff_base_run(), ppv_diff_new_run() - the two runs' totals. */
PPV_API const struct ppv_diff_run *ppv_diff_base_run(const struct ppv_diff *d);
PPV_API const struct ppv_diff_run *ppv_diff_new_run(const struct ppv_diff *d);
/** ppv_diff_opts() - the rule applied (defaults filled in). */
PPV_API const struct ppv_diff_opts *ppv_diff_opts(const struct ppv_diff *d);

/**
 * struct ppv_diff_render_opts - presentation of a diff; NULL: defaults.
 * @sz:         sizeof(struct ppv_diff_render_opts).
 * @limit:      text and Markdown: rows of the table (0: 20). Regressions
 *              are always shown, even past the limit; JSON has every row.
 * @base_label, @new_label: how the runs are named (e.g. their paths);
 *              NULL: "base" and "new".
 * @pretty:     JSON: indent.
 */
struct ppv_diff_render_opts {
	size_t sz;
	unsigned int limit;
	const char *base_label;
	const char *new_label;
	int pretty;
};

#define PPV_DIFF_DEFAULT_LIMIT 20

/*
 * Renderers (visualize/render-diff.c, render-diff-json.c).
 * text:     an aligned table with a status column (REGRESSED, improved,
 *           added, removed), the rule, the new and removed functions, the
 *           runs' caveats and a summary line.
 * markdown: a GitHub-flavoured table for a pull-request comment, headed by
 *           a verdict line.
 *           Under a memory metric, both tables show bytes allocated
 *           (inclusive and self) instead of times
 *           (visualize/render-diff-memory.c).
 * json:     every row with raw figures ("format": "perprovis-diff", see
 *           docs/ci.md); under a memory metric, "metric_delta_bytes"
 *           replaces "metric_delta_ns".
 * Return: 0, -EINVAL for bad options, -ENOMEM, or -EIO when writing to
 * @out failed.
 * Ownership: nothing is taken; @d is only read.
 */
PPV_API int ppv_render_diff_text(const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
				 FILE *out);
PPV_API int ppv_render_diff_markdown(const struct ppv_diff *d,
				     const struct ppv_diff_render_opts *o, FILE *out);
PPV_API int ppv_render_diff_json(const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
				 FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* PERPROVIS_PPV_DIFF_H */
