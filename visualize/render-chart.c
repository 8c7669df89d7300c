/* SPDX-License-Identifier: MIT */
/*
 * render-chart.c - horizontal bar charts of the top functions by total
 * time, self time, calls, errors, I/O bytes or bytes allocated (inclusive):
 *
 *   compute_fib     | ████████████████▍ 250.45 ms (61.2%)
 *
 * Bars are scaled to the largest value shown and to the output width, in
 * eighths of a character (U+2588..U+258F) or in '#' with opts->ascii.
 * Owns: the chart layout (name column, bar scaling, labels). Does not own:
 * the ordering of functions (ppv_profile_sorted()) or the caveat notes
 * (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-common.h"

#define PPV_CHART_DEFAULT_LIMIT 15
#define PPV_CHART_NAME_MIN 8
#define PPV_CHART_LABEL_LEN 64

struct chart_kind {
	const char *word;  /* for ppv_chart_by_parse() */
	const char *title; /* "Top 5 of 9 functions by ..." */
	enum ppv_sort_key key;
};

static const struct chart_kind chart_kinds[] = {
	[PPV_CHART_TIME] = { "time", "total time", PPV_SORT_TOTAL },
	[PPV_CHART_SELF] = { "self", "self time", PPV_SORT_SELF },
	[PPV_CHART_CALLS] = { "calls", "calls", PPV_SORT_CALLS },
	[PPV_CHART_MEMORY] = { "memory", "bytes allocated (inclusive)", PPV_SORT_MEMORY },
	[PPV_CHART_ERRORS] = { "errors", "errors", PPV_SORT_ERRORS },
	[PPV_CHART_IO] = { "io", "I/O bytes", PPV_SORT_IO },
};

int ppv_chart_by_parse(const char *s, enum ppv_chart_by *out)
{
	for (size_t i = 0; s && i < sizeof(chart_kinds) / sizeof(chart_kinds[0]); i++) {
		if (strcmp(s, chart_kinds[i].word) == 0) {
			*out = (enum ppv_chart_by)i;
			return 0;
		}
	}
	return -EINVAL;
}

static uint64_t chart_value(const struct ppv_func_stats *f, enum ppv_chart_by by)
{
	switch (by) {
	case PPV_CHART_TIME:
		return f->total_ns;
	case PPV_CHART_SELF:
		return f->self_ns;
	case PPV_CHART_CALLS:
		return f->calls;
	case PPV_CHART_ERRORS:
		return f->errors;
	case PPV_CHART_IO:
		return f->io_bytes;
	case PPV_CHART_MEMORY:
		return f->alloc_bytes_incl;
	}
	return 0;
}

static const char *chart_label(const struct ppv_profile *p, uint64_t v, enum ppv_chart_by by,
			       char *buf, size_t len)
{
	char tmp[PPV_DURATION_LEN > PPV_BYTES_LEN ? PPV_DURATION_LEN : PPV_BYTES_LEN];

	if (by == PPV_CHART_TIME || by == PPV_CHART_SELF)
		snprintf(buf, len, "%s (%.1f%%)", ppv_format_duration(v, tmp, sizeof(tmp)),
			 ppv_render_percent(p, v));
	else if (by == PPV_CHART_IO || by == PPV_CHART_MEMORY)
		snprintf(buf, len, "%s", ppv_format_bytes(v, tmp, sizeof(tmp)));
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* Display columns of UTF-8 @s: one per code point (no wide characters in symbol names). */
static size_t text_cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Byte length of the first @cols code points of @s. */
static size_t text_prefix(const char *s, size_t cols)
{
	size_t i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && cols-- == 0)
			break;
	}
	return i;
}

/* @s in exactly @cols columns: cut with an ellipsis, or padded with spaces. */
static void put_name(FILE *out, const char *s, size_t cols, int ascii)
{
	size_t n = text_cols(s);

	if (n > cols) {
		size_t keep = cols - (ascii ? 3 : 1);

		fprintf(out, "%.*s%s", (int)text_prefix(s, keep), s, ascii ? "..." : "…");
		return;
	}
	fprintf(out, "%s%*s", s, (int)(cols - n), "");
}

/* A bar of @v scaled so that @max fills @cols columns. */
static void put_bar(FILE *out, uint64_t v, uint64_t max, size_t cols, int ascii)
{
	static const char *const eighths[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	double frac = max ? (double)v / (double)max : 0.0;
	size_t units = (size_t)(frac * (double)cols * (ascii ? 1 : 8) + 0.5);

	if (ascii) {
		for (size_t i = 0; i < units; i++)
			fputc('#', out);
		return;
	}
	for (size_t i = 0; i < units / 8; i++)
		fputs("█", out);
	fputs(eighths[units % 8], out);
}

struct chart_layout {
	size_t rows;
	size_t name_cols;
	size_t bar_cols;
	uint64_t max;
};

/* Column widths: names up to 2/5 of the line, the bar takes what is left. */
static void chart_layout(const struct ppv_profile *p, const struct ppv_render_opts *o,
			 const struct ppv_func_stats **f, struct chart_layout *l)
{
	size_t label_cols = 0, name_cols = 0, cap = o->width * 2 / 5;
	char label[PPV_CHART_LABEL_LEN];

	l->max = 0;
	for (size_t i = 0; i < l->rows; i++) {
		uint64_t v = chart_value(f[i], o->chart_by);
		size_t n = strlen(chart_label(p, v, o->chart_by, label, sizeof(label)));

		l->max = v > l->max ? v : l->max;
		label_cols = n > label_cols ? n : label_cols;
		n = text_cols(ppv_render_func_name(p, f[i]->id));
		name_cols = n > name_cols ? n : name_cols;
	}
	if (cap < PPV_CHART_NAME_MIN)
		cap = PPV_CHART_NAME_MIN;
	l->name_cols = name_cols > cap ? cap : name_cols;
	if (l->name_cols < 4)
		l->name_cols = 4;
	/* "name | " + bar + " " + label */
	if (o->width > l->name_cols + 4 + label_cols)
		l->bar_cols = o->width - l->name_cols - 4 - label_cols;
	else
		l->bar_cols = 1;
}

/* The first @limit functions with a nonzero value, in @key order. */
static int chart_rows(const struct ppv_profile *p, const struct ppv_render_opts *o,
		      const struct ppv_func_stats **f, size_t *rows)
{
	int n = ppv_profile_sorted(p, chart_kinds[o->chart_by].key, f);

	if (n < 0)
		return n;
	*rows = 0;
	while (*rows < (size_t)n && *rows < o->limit && chart_value(f[*rows], o->chart_by))
		(*rows)++;
	return 0;
}

static void chart_print(const struct ppv_profile *p, const struct ppv_render_opts *o,
			const struct ppv_func_stats **f, const struct chart_layout *l, FILE *out)
{
	char label[PPV_CHART_LABEL_LEN];

	fprintf(out, "Top %zu of %zu functions by %s\n\n", l->rows, ppv_profile_func_count(p),
		chart_kinds[o->chart_by].title);
	for (size_t i = 0; i < l->rows; i++) {
		uint64_t v = chart_value(f[i], o->chart_by);

		put_name(out, ppv_render_func_name(p, f[i]->id), l->name_cols, o->ascii);
		fputs(" | ", out);
		put_bar(out, v, l->max, l->bar_cols, o->ascii);
		fprintf(out, " %s\n", chart_label(p, v, o->chart_by, label, sizeof(label)));
	}
}

int ppv_render_chart(const struct ppv_profile *p, const struct ppv_render_opts *opts, FILE *out)
{
	const struct ppv_func_stats **f;
	struct ppv_render_opts o;
	struct chart_layout l;
	int rc = ppv_render_opts_fill(opts, PPV_CHART_DEFAULT_LIMIT, &o);

	if (rc < 0)
		return rc;
	f = calloc(ppv_profile_func_count(p) + 1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	rc = chart_rows(p, &o, f, &l.rows);
	if (rc < 0)
		goto out;
	if (l.rows) {
		chart_layout(p, &o, f, &l);
		chart_print(p, &o, f, &l, out);
	} else {
		fprintf(out, "No function has any %s recorded.\n", chart_kinds[o.chart_by].title);
	}
	ppv_render_notes(p, out);
	rc = ppv_render_end(out);
out:
	free(f);
	return rc;
}
