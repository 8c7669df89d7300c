/* SPDX-License-Identifier: MIT */
/*
 * render-html-memory.c - the memory section of the HTML report: what the
 * text report of `ppv-analyze memory` shows (render-memory.c), as sortable
 * tables: functions by bytes allocated, totals per process with the
 * resident set size, and leaks by call path. Owns: that section's markup.
 * Does not own: the page around it (render-html.c) or any figure.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "render-html.h"

static void table_head(FILE *out, const char *id, const char *const (*cols)[2], size_t n)
{
	fprintf(out, "<div class=\"scroll\"><table id=\"%s\" class=\"data sortable\">\n"
		     "<thead><tr>", id);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "<th data-type=\"%s\">%s</th>", cols[i][1], cols[i][0]);
	fputs("</tr></thead>\n<tbody>\n", out);
}

static int functions_table(const struct ppv_profile *p, unsigned int limit, FILE *out)
{
	static const char *const cols[][2] = {
		{ "function", "str" },   { "calls", "num" },     { "allocs", "num" },
		{ "allocated", "num" },  { "allocs incl", "num" }, { "allocated incl", "num" },
		{ "frees", "num" },      { "freed", "num" },     { "retained", "num" },
		{ "peak", "num" },
	};
	const struct ppv_func_stats **v;
	size_t n, shown = 0;
	int rc = ppv_render_sorted(p, PPV_SORT_MEMORY, &v, &n);

	if (rc < 0)
		return rc;
	while (shown < n && shown < limit && v[shown]->alloc_count_incl)
		shown++;
	fputs("<h3>By function</h3>\n", out);
	table_head(out, "ppv-mem-func", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < shown; i++) {
		const struct ppv_func_stats *f = v[i];

		fputs("<tr>", out);
		td_text(out, "fn", f->name);
		td_num(out, f->calls);
		td_num(out, f->alloc_count);
		td_bytes(out, f->alloc_bytes);
		td_num(out, f->alloc_count_incl);
		td_bytes(out, f->alloc_bytes_incl);
		td_num(out, f->free_count);
		td_bytes(out, f->freed_bytes);
		td_bytes(out, f->retained_bytes);
		td_bytes(out, f->peak_bytes);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	free(v);
	return 0;
}

static void totals_row(FILE *out, const char *who, const struct ppv_memory_stats *m)
{
	fputs("<tr>", out);
	td_text(out, "kind", who);
	td_num(out, m->alloc_count);
	td_bytes(out, m->alloc_bytes);
	td_num(out, m->free_count);
	td_bytes(out, m->freed_bytes);
	td_num(out, m->live_count);
	td_bytes(out, m->live_bytes);
	td_bytes(out, m->peak_bytes);
	if (m->rss_samples)
		td_bytes(out, m->peak_rss);
	else
		fputs("<td data-v=\"-1\">-</td>", out);
	fputs("</tr>\n", out);
}

static void totals_table(const struct ppv_profile *p, FILE *out)
{
	static const char *const cols[][2] = {
		{ "process", "str" }, { "allocs", "num" },     { "allocated", "num" },
		{ "frees", "num" },   { "freed", "num" },      { "live", "num" },
		{ "live bytes", "num" }, { "peak heap", "num" }, { "peak RSS", "num" },
	};
	size_t n;
	const struct ppv_memory_stats *v = ppv_profile_memory_by_process(p, &n);
	char pid[16];

	fputs("<h3>Totals</h3>\n", out);
	table_head(out, "ppv-mem-proc", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%" PRIu32, v[i].pid);
		totals_row(out, pid, &v[i]);
	}
	fputs("</tbody>\n", out);
	if (n > 1) { /* in <tfoot>, so sorting leaves it last */
		fputs("<tfoot>\n", out);
		totals_row(out, "all", ppv_profile_memory_total(p));
		fputs("</tfoot>\n", out);
	}
	fputs("</table></div>\n", out);
}

/* A leak's call path, outermost first, in one cell. */
static void path_cell(const struct ppv_profile *p, const struct ppv_cct_node *n, FILE *out)
{
	const struct ppv_cct_node *c;

	fputs("<td class=\"fn\">", out);
	if (!n->parent)
		fputs("(outside any recorded function)", out);
	for (uint32_t d = 1; d <= n->depth; d++) {
		for (c = n; c->depth > d; c = c->parent)
			;
		if (d > 1)
			fputs(" &gt; ", out);
		ppv_html_puts(out, ppv_render_func_name(p, c->func));
	}
	fputs("</td>", out);
}

static void leaks_table(const struct ppv_profile *p, unsigned int limit, FILE *out)
{
	static const char *const cols[][2] = {
		{ "bytes", "num" }, { "blocks", "num" }, { "call path", "str" },
	};
	size_t n;
	const struct ppv_leak *l = ppv_profile_leaks(p, &n);

	fputs("<h3>Leaks: blocks never freed, by call path</h3>\n", out);
	if (!n) {
		fputs("<p>Every block allocated was freed.</p>\n", out);
		return;
	}
	table_head(out, "ppv-mem-leaks", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n && i < limit; i++) {
		fputs("<tr>", out);
		td_bytes(out, l[i].bytes);
		td_num(out, l[i].count);
		path_cell(p, l[i].node, out);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	if (n > limit)
		fprintf(out, "<p class=\"hint\">&hellip; and %zu more paths</p>\n", n - limit);
}

int ppv_html_memory(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	const struct ppv_memory_stats *m = ppv_profile_memory_total(p);
	int rc = 0;

	fputs("<section id=\"memory\">\n<h2>Memory</h2>\n", out);
	if (!m->events)
		fputs("<p id=\"ppv-memory\">No allocations recorded (record with ppv-record -g "
		      "fine, or --memory).</p>\n", out);
	else
		rc = functions_table(p, o->limit, out);
	if (rc == 0 && (m->events || m->rss_samples))
		totals_table(p, out);
	if (rc == 0 && m->events)
		leaks_table(p, o->limit, out);
	if (rc == 0 && m->unmatched_frees)
		fprintf(out, "<p class=\"hint\">%" PRIu64 " frees of addresses not allocated "
			     "while recording were ignored.</p>\n", m->unmatched_frees);
	fputs("</section>\n", out);
	return rc;
}
