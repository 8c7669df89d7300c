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

enum ppv_chart_by {
	PPV_CHART_TIME = 0, /* total (inclusive) time */
	PPV_CHART_SELF,
	PPV_CHART_CALLS,
	PPV_CHART_MEMORY,
	PPV_CHART_ERRORS,
	PPV_CHART_IO,       /* I/O bytes */
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
};

/*
 * Every renderer returns 0, -EINVAL for bad options, -ENOTSUP when the
 * profile lacks the data asked for (memory before it is recorded), -ENOENT
 * when @focus names no function, or -EIO when writing to @out failed.
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
