/* SPDX-License-Identifier: MIT */
/*
 * render-diff.h - what the renderers of a diff share: render-diff.c (text
 * and Markdown), render-diff-json.c (the JSON document) and
 * render-diff-memory.c (table cells under a memory metric). Private to
 * visualize/.
 */
#ifndef PPV_RENDER_DIFF_H
#define PPV_RENDER_DIFF_H

#include <stdio.h>

#include <perprovis/ppv-diff.h>

/* Room for any cell of the tables. */
#define PPV_DIFF_CELL 48
#define PPV_DIFF_NCELLS 6

/* The six metric cells of a row: inclusive base, new, change; self base, new, change. */
struct ppv_diff_cells {
	char v[PPV_DIFF_NCELLS][PPV_DIFF_CELL];
};

/*
 * The six metric columns: text labels and widths, Markdown labels, and the
 * sentence under the Markdown table saying what the percentages are.
 */
struct ppv_diff_columns {
	const char *text[PPV_DIFF_NCELLS];
	int width[PPV_DIFF_NCELLS];
	const char *md[PPV_DIFF_NCELLS];
	const char *md_note;
};

/* Options with defaults filled in, and what every layout asks about the diff. */
struct ppv_diff_ctx {
	const struct ppv_diff *d;
	struct ppv_diff_render_opts o;
	const struct ppv_diff_columns *cols; /* time, or bytes under a memory metric */
	int memory;                          /* the metric is a memory one */
	size_t shown; /* rows in the table: the limit, or every regression */
	int io;       /* either run has I/O bytes: show the column */
	int name_w;
	int calls_w;
	int io_w;
};

/*
 * ppv_diff_ctx_init() - fill @c for @d from the caller's options @in (only
 * @in->sz bytes of them; NULL: defaults). Return: 0, or -EINVAL when
 * @in->sz is too small.
 */
int ppv_diff_ctx_init(struct ppv_diff_ctx *c, const struct ppv_diff *d,
		      const struct ppv_diff_render_opts *in);

/*
 * ppv_diff_fmt_change() - a change in percent of the base value: "+12.5%",
 * "+8342%", "x5201" (10000% or more, as a ratio, so columns stay narrow),
 * "new" (grew from nothing). Return: @buf.
 */
const char *ppv_diff_fmt_change(double pct, char *buf, size_t len);

/* Memory metrics (render-diff-memory.c). */

/* The columns of bytes allocated, inclusive and self. */
const struct ppv_diff_columns *ppv_diff_mem_columns(void);

/*
 * ppv_diff_mem_cells_fill() - the six cells in bytes allocated. @value_fmt
 * takes a size and its share of the run ("%s %5.1f%%"), @change_fmt the
 * change in bytes and in percent ("%s %7s").
 */
void ppv_diff_mem_cells_fill(const struct ppv_diff_row *r, const char *value_fmt,
			     const char *change_fmt, struct ppv_diff_cells *c);

/* "allocated 10.00 KiB -> 11.00 KiB (+1.00 KiB, +10.0%)": the runs' totals. */
void ppv_diff_mem_total_print(const struct ppv_diff *d, const char *arrow, FILE *out);

#endif /* PPV_RENDER_DIFF_H */
