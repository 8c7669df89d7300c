/* SPDX-License-Identifier: MIT */
/*
 * ppv-render.h - renderers: a built profile (<perprovis/ppv-analyze.h>) to
 * text reports, bar charts, a call tree, a call graph, an I/O report and
 * JSON, written to a FILE *. Renderers never open traces and never compute
 * statistics; they choose, order and format.
 *
 * Every text report ends with the run's caveats (events lost, calls left
 * unfinished, exits without enters, repaired frames, a truncated trace)
 * when there are any, so a number is never shown without them.
 */
#ifndef PERPROVIS_PPV_RENDER_H
#define PERPROVIS_PPV_RENDER_H

#include <stdio.h>

#include <perprovis/ppv-analyze.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ppv_flame_by {
	PPV_FLAME_TIME = 0, /* self time, ns */
	PPV_FLAME_CALLS,    /* calls */
	PPV_FLAME_MEMORY,   /* bytes allocated (self) */
	PPV_FLAME_IO,       /* I/O bytes */
};

enum ppv_chart_by {
	PPV_CHART_TIME = 0, /* total (inclusive) time */
	PPV_CHART_SELF,
	PPV_CHART_CALLS,
	PPV_CHART_MEMORY,   /* bytes allocated, inclusive */
	PPV_CHART_ERRORS,
	PPV_CHART_IO,       /* I/O bytes */
};

/* The I/O report's tables (ppv_render_io()). */
enum ppv_io_by {
	PPV_IO_BY_ALL = 0, /* every table (class and operation: when automatic I/O was recorded) */
	PPV_IO_BY_KIND,
	PPV_IO_BY_CLASS,   /* descriptor class: file, tcp, udp, unix, pipe, tty, other, unknown */
	PPV_IO_BY_OP,      /* operation: read, write, open, ..., explicit */
	PPV_IO_BY_NAME,    /* file path or peer address */
	PPV_IO_BY_FUNCTION,
};

/**
 * struct ppv_render_opts - presentation choices; NULL means defaults.
 * @sz:          sizeof(struct ppv_render_opts).
 * @limit:       rows to show (0: the renderer's default, e.g. 20).
 * @sort:        hotspots order.
 * @chart_by:    what a chart measures.
 * @width:       output columns (0: 80).
 * @ascii:       plain ASCII instead of Unicode block characters.
 * @max_depth:   tree depth limit (0: none).
 * @min_percent: tree: hide nodes below this share of the run.
 * @focus:       callgraph: only the function(s) of this exact name (NULL: all).
 * @pretty:      json: indent.
 * @flame_by:    flame graphs: the weight of a stack.
 * @title:       SVG and HTML: the title (NULL: a default naming the command).
 * @icicle:      SVG: roots at the top, growing down.
 * @io_by:       I/O report: one table, or all of them.
 */
struct ppv_render_opts {
	size_t sz;
	unsigned int limit;
	enum ppv_sort_key sort;
	enum ppv_chart_by chart_by;
	unsigned int width;
	int ascii;
	unsigned int max_depth;
	double min_percent;
	const char *focus;
	int pretty;
	enum ppv_flame_by flame_by;
	const char *title;
	int icicle;
	enum ppv_io_by io_by;
};

/*
 * Every renderer returns 0, -EINVAL for bad options, -ENOENT when @focus
 * names no function, or -EIO when writing to @out failed.
 * Ownership: nothing is taken; @p is only read.
 */
PPV_API int ppv_render_summary(const struct ppv_profile *p, const struct ppv_render_opts *o,
			       FILE *out);
PPV_API int ppv_render_hotspots(const struct ppv_profile *p, const struct ppv_render_opts *o,
				FILE *out);
PPV_API int ppv_render_chart(const struct ppv_profile *p, const struct ppv_render_opts *o,
			     FILE *out);
PPV_API int ppv_render_tree(const struct ppv_profile *p, const struct ppv_render_opts *o,
			    FILE *out);
PPV_API int ppv_render_callgraph(const struct ppv_profile *p, const struct ppv_render_opts *o,
				 FILE *out);
PPV_API int ppv_render_io(const struct ppv_profile *p, const struct ppv_render_opts *o,
			  FILE *out);
PPV_API int ppv_render_json(const struct ppv_profile *p, const struct ppv_render_opts *o,
			    FILE *out);
/*
 * ppv_render_memory() - the memory report: per function (calls, allocated
 * self and inclusive, freed, retained, peak), totals per process with the
 * resident set size, then blocks never freed by call path, largest first
 * (@o->limit rows each). Says so when the trace has no allocation events.
 */
PPV_API int ppv_render_memory(const struct ppv_profile *p, const struct ppv_render_opts *o,
			      FILE *out);

/** ppv_io_by_parse() - "kind", "class", "op", "name", "function" (or "all"). */
PPV_API int ppv_io_by_parse(const char *s, enum ppv_io_by *out);

/*
 * Flame graphs (render-folded.c, render-svg.c). Folded stacks are one line
 * per distinct call path, "root;child;leaf WEIGHT", the weight an integer
 * (self ns, calls or bytes, by @o->flame_by), ';' and newlines in names
 * replaced; flamegraph.pl, inferno and speedscope read them. The SVG is
 * self-contained and interactive (click to zoom, search, tooltips).
 * The _diff forms compare two profiles: folded lines carry "stack BEFORE
 * AFTER", and the SVG is drawn from the second profile, coloured red where a
 * stack grew and blue where it shrank.
 */
PPV_API int ppv_flame_by_parse(const char *s, enum ppv_flame_by *out);
PPV_API int ppv_render_folded(const struct ppv_profile *p, const struct ppv_render_opts *o,
			      FILE *out);
PPV_API int ppv_render_folded_diff(const struct ppv_profile *base, const struct ppv_profile *cur,
				   const struct ppv_render_opts *o, FILE *out);
PPV_API int ppv_render_svg(const struct ppv_profile *p, const struct ppv_render_opts *o,
			   FILE *out);
PPV_API int ppv_render_svg_diff(const struct ppv_profile *base, const struct ppv_profile *cur,
				const struct ppv_render_opts *o, FILE *out);

/*
 * Flame charts (render-flamechart.c): stacks in time order, fed during the
 * pass by ppv_flamechart_on_frame() as ppv_analyze_opts.on_frame with the
 * chart as cb_arg; adjacent equal stacks are merged. @svg: an SVG chart
 * instead of folded lines in time order (for flamegraph.pl --flamechart).
 * Ownership: the caller frees the chart with ppv_flamechart_free().
 */
struct ppv_flamechart;
PPV_API int ppv_flamechart_new(const struct ppv_render_opts *o, int svg, FILE *out,
			       struct ppv_flamechart **fc);
PPV_API int ppv_flamechart_on_frame(const struct ppv_frame_record *r, void *fc);
PPV_API int ppv_flamechart_finish(struct ppv_flamechart *fc, const struct ppv_profile *p);
PPV_API void ppv_flamechart_free(struct ppv_flamechart *fc);

/*
 * Timelines (render-timeline.c, render-speedscope.c): every shown call as
 * Chrome Trace Event JSON ("X" complete events, process and thread names,
 * "C" counters for I/O throughput and the resident set size, "i" instants
 * for errors and failed I/O)
 * that Perfetto and chrome://tracing open, or speedscope's evented profiles
 * (one per thread). Fed during the pass: ppv_timeline_on_frame() as
 * on_frame and ppv_timeline_on_event() as on_event, the timeline as
 * cb_arg; ppv_timeline_finish() writes what only the end knows.
 * @min_dur_ns: calls shorter than this are left out (Chrome format).
 * @gzip:       write gzip-compressed output (Perfetto opens .json.gz).
 * Ownership: the caller frees the timeline with ppv_timeline_free().
 */
enum ppv_timeline_format {
	PPV_TIMELINE_CHROME = 0,
	PPV_TIMELINE_SPEEDSCOPE,
};

struct ppv_timeline_opts {
	size_t sz;
	enum ppv_timeline_format format;
	uint64_t min_dur_ns;
	int gzip;
};

struct ppv_timeline;
PPV_API int ppv_timeline_new(const struct ppv_timeline_opts *o, FILE *out,
			     struct ppv_timeline **tl);
PPV_API int ppv_timeline_on_frame(const struct ppv_frame_record *r, void *tl);
PPV_API int ppv_timeline_on_event(const struct ppv_event *ev, void *tl);
PPV_API int ppv_timeline_finish(struct ppv_timeline *tl, const struct ppv_profile *p);
PPV_API void ppv_timeline_free(struct ppv_timeline *tl);

/*
 * ppv_render_callgrind() - the profile in callgrind format for KCachegrind
 * and callgrind_annotate: events "ns" (self, with inclusive per call edge),
 * "ioB" and "errors", a summary: line, fl=/fn= with source lines where known.
 */
PPV_API int ppv_render_callgrind(const struct ppv_profile *p, const struct ppv_render_opts *o,
				 FILE *out);

/*
 * ppv_render_html() - one self-contained HTML page (no network): summary,
 * sortable hotspot table, bar charts, call tree, I/O tables and the
 * embedded SVG flame graph.
 */
PPV_API int ppv_render_html(const struct ppv_profile *p, const struct ppv_render_opts *o,
			    FILE *out);

/** ppv_chart_by_parse() - "time", "self", "calls", "memory", "errors", "io". */
PPV_API int ppv_chart_by_parse(const char *s, enum ppv_chart_by *out);

/**
 * ppv_format_duration() - "250.45 ms", "1.20 s", "830 ns": two decimals in
 * the largest unit that keeps the value >= 1; whole nanoseconds below 1 us.
 * Return: @buf.
 */
PPV_API const char *ppv_format_duration(uint64_t ns, char *buf, size_t len);

/** ppv_format_bytes() - "512 B", "4.00 KiB", "1.50 MiB". Return: @buf. */
PPV_API const char *ppv_format_bytes(uint64_t bytes, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PERPROVIS_PPV_RENDER_H */
