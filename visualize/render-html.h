/* SPDX-License-Identifier: MIT */
/*
 * render-html.h - private interface between the two halves of the HTML
 * report: render-html.c (the page: head, styles, scripts, summary,
 * embedded flame graph), render-html-parts.c (the data sections: hotspot
 * table, bar charts, call tree, I/O tables) and render-html-memory.c (the
 * memory section). Not installed.
 */
#ifndef PPV_RENDER_HTML_H
#define PPV_RENDER_HTML_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "render-common.h"

/* Call tree defaults: a 10000-deep recursion must not become 10000 nested elements. */
#define PPV_HTML_TREE_DEPTH 16
#define PPV_HTML_TREE_NODES 2000
/* Hotspot rows when opts->limit is 0; I/O name and function rows likewise. */
#define PPV_HTML_DEFAULT_LIMIT 200
#define PPV_HTML_CHART_ROWS 15

/**
 * ppv_html_puts() - @s escaped for HTML text and attribute values: & < > "
 * and ' become entities, control characters other than tab and newline
 * become U+FFFD. NULL writes nothing.
 */
void ppv_html_puts(FILE *out, const char *s);

/* Table cells whose data-v attribute is the page script's sort key. */
static inline void td_num(FILE *out, uint64_t v)
{
	fprintf(out, "<td data-v=\"%" PRIu64 "\">%" PRIu64 "</td>", v, v);
}

static inline void td_dur(FILE *out, uint64_t ns)
{
	char d[PPV_DURATION_LEN];

	fprintf(out, "<td data-v=\"%" PRIu64 "\">%s</td>", ns,
		ppv_format_duration(ns, d, sizeof(d)));
}

static inline void td_bytes(FILE *out, uint64_t bytes)
{
	char b[PPV_BYTES_LEN];

	fprintf(out, "<td data-v=\"%" PRIu64 "\">%s</td>", bytes,
		ppv_format_bytes(bytes, b, sizeof(b)));
}

static inline void td_text(FILE *out, const char *cls, const char *s)
{
	fprintf(out, "<td class=\"%s\">", cls);
	ppv_html_puts(out, s);
	fputs("</td>", out);
}

/*
 * The data sections, each a <section> with its heading. @o is complete
 * (ppv_render_opts_fill()). Return: 0, or a negative errno (-ENOMEM).
 */
int ppv_html_hotspots(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out);
int ppv_html_charts(const struct ppv_profile *p, FILE *out);
int ppv_html_tree(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out);
void ppv_html_io(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out);
int ppv_html_memory(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out);

#endif /* PPV_RENDER_HTML_H */
