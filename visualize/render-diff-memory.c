/* SPDX-License-Identifier: MIT */
/*
 * render-diff-memory.c - a diff under a memory metric (--metric alloc or
 * alloc-self): the table's cells and columns in bytes allocated, inclusive
 * and self, and the runs' allocation totals. Owns: how bytes appear in the
 * text and Markdown tables. Does not own: the layouts, the verdict wording
 * and the time cells (render-diff.c), the JSON document
 * (render-diff-json.c), nor byte formatting (format.c).
 */
#include <inttypes.h>
#include <math.h>

#include "render-common.h"
#include "render-diff.h"

/* Value cells hold "1023.99 KiB 100.0%", change cells "+1023.99 KiB +8342%". */
static const struct ppv_diff_columns mem_columns = {
	.text = { "alloc base", "alloc new", "alloc change", "self alloc base",
		  "self alloc new", "self alloc change" },
	.width = { 18, 18, 20, 18, 18, 20 },
	.md = { "Allocated base", "Allocated new", "Allocated change", "Self alloc. base",
		"Self alloc. new", "Self alloc. change" },
	.md_note = "Percentages in parentheses after a size are its share of the bytes its run "
		   "allocated.",
};

const struct ppv_diff_columns *ppv_diff_mem_columns(void)
{
	return &mem_columns;
}

static int64_t delta_of(uint64_t before, uint64_t after)
{
	return after >= before ? (int64_t)(after - before) : -(int64_t)(before - after);
}

/* "+1.00 KiB", "-512 B", "0 B" */
static const char *fmt_delta_bytes(int64_t delta, char *buf, size_t len)
{
	char size[PPV_BYTES_LEN];
	uint64_t mag = delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta;

	ppv_format_bytes(mag, size, sizeof(size));
	snprintf(buf, len, "%s%s", delta > 0 ? "+" : delta < 0 ? "-" : "", size);
	return buf;
}

/* A size with its share of the run, "1.00 KiB 10.0%"; "-" when absent. */
static void fmt_size(int present, uint64_t bytes, double pct, const char *fmt, char *buf,
		     size_t len)
{
	char size[PPV_BYTES_LEN];

	if (!present)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, ppv_format_bytes(bytes, size, sizeof(size)), pct);
}

/* The change of a size: "+1.00 KiB +10.0%". */
static void fmt_size_change(uint64_t before, uint64_t after, const char *fmt, char *buf,
			    size_t len)
{
	int64_t delta = delta_of(before, after);
	double pct = before ? 100.0 * (double)delta / (double)before : after ? INFINITY : 0.0;
	char d[PPV_DIFF_CELL], p[PPV_DIFF_CELL];

	snprintf(buf, len, fmt, fmt_delta_bytes(delta, d, sizeof(d)),
		 ppv_diff_fmt_change(pct, p, sizeof(p)));
}

void ppv_diff_mem_cells_fill(const struct ppv_diff_row *r, const char *value_fmt,
			     const char *change_fmt, struct ppv_diff_cells *c)
{
	const struct ppv_diff_figures *b = &r->base, *n = &r->cur;

	fmt_size(r->in_base, b->alloc_bytes_incl, b->alloc_incl_percent, value_fmt, c->v[0],
		 PPV_DIFF_CELL);
	fmt_size(r->in_new, n->alloc_bytes_incl, n->alloc_incl_percent, value_fmt, c->v[1],
		 PPV_DIFF_CELL);
	fmt_size_change(b->alloc_bytes_incl, n->alloc_bytes_incl, change_fmt, c->v[2],
			PPV_DIFF_CELL);
	fmt_size(r->in_base, b->alloc_bytes, b->alloc_self_percent, value_fmt, c->v[3],
		 PPV_DIFF_CELL);
	fmt_size(r->in_new, n->alloc_bytes, n->alloc_self_percent, value_fmt, c->v[4],
		 PPV_DIFF_CELL);
	fmt_size_change(b->alloc_bytes, n->alloc_bytes, change_fmt, c->v[5], PPV_DIFF_CELL);
}

void ppv_diff_mem_total_print(const struct ppv_diff *d, const char *arrow, FILE *out)
{
	const struct ppv_diff_run *b = ppv_diff_base_run(d), *n = ppv_diff_new_run(d);
	char x[PPV_BYTES_LEN], y[PPV_BYTES_LEN], ch[PPV_DIFF_CELL];

	fmt_size_change(b->alloc_bytes, n->alloc_bytes, "%s, %s", ch, sizeof(ch));
	fprintf(out, "allocated %s%s%s (%s)", ppv_format_bytes(b->alloc_bytes, x, sizeof(x)),
		arrow, ppv_format_bytes(n->alloc_bytes, y, sizeof(y)), ch);
}
