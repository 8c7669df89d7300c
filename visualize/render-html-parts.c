/* SPDX-License-Identifier: MIT */
/*
 * render-html-parts.c - the data sections of the HTML report: the sortable
 * hotspot table, the bar charts of the top functions by total and self
 * time, the call tree as nested <details> (walked without recursion, cut at
 * a depth and a node budget) and the I/O tables. They show what the text
 * reports (render-summary.c, render-chart.c, render-tree.c, render-io.c)
 * show, as HTML. Owns: the markup of those sections and the data-v sort
 * keys the page's script reads. Does not own: the page around them, its
 * styles and script (render-html.c), or any figure (the profile's).
 *
 * Every name is written through ppv_html_puts(). Sort keys and bar widths
 * are integers, so the page does not depend on the C locale's decimal point.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-html.h"

/* A share of the run; its sort key is the time itself. */
static void td_pct(FILE *out, const struct ppv_profile *p, uint64_t ns)
{
	fprintf(out, "<td data-v=\"%" PRIu64 "\">%.1f%%</td>", ns, ppv_render_percent(p, ns));
}

/* A percentile cell; "-" (sorted below every value) when nothing was recorded. */
static void td_quantile(FILE *out, const struct ppv_func_stats *f, double q)
{
	if (!f->hist || !ppv_hist_count(f->hist)) {
		fputs("<td data-v=\"-1\">-</td>", out);
		return;
	}
	td_dur(out, ppv_hist_percentile(f->hist, q));
}

struct column {
	const char *key;   /* for the page's "#sort=KEY" */
	const char *label;
	const char *type;  /* "num" or "str" */
	const char *title; /* tooltip */
};

static const struct column hot_columns[] = {
	{ "function", "function", "str", "function or named scope" },
	{ "calls", "calls", "num", "calls entered" },
	{ "total", "total", "num", "inclusive time (recursion counted once)" },
	{ "self", "self", "num", "time not spent in recorded callees" },
	{ "avg", "avg", "num", "average inclusive time of a call" },
	{ "min", "min", "num", "shortest call" },
	{ "max", "max", "num", "longest call" },
	{ "p50", "p50", "num", "median call" },
	{ "p95", "p95", "num", "95th percentile call" },
	{ "p99", "p99", "num", "99th percentile call" },
	{ "errors", "errors", "num", "errors counted against the function" },
	{ "percent", "% of run", "num", "total time as a share of the run" },
	{ "source", "source", "str", "file:line of the definition" },
	{ "io", "I/O", "num", "bytes of I/O performed directly" },
	{ "memory", "allocated", "num", "bytes allocated by it and its callees" },
};

#define HOT_COLUMNS (sizeof(hot_columns) / sizeof(hot_columns[0]))
#define HOT_IO_COLUMN (HOT_COLUMNS - 2)
#define HOT_MEM_COLUMN (HOT_COLUMNS - 1)

/* The I/O column for the I/O order; bytes allocated when recorded, or for
 * the memory order. */
static int column_shown(const struct ppv_profile *p, enum ppv_sort_key key, size_t i)
{
	if (i == HOT_IO_COLUMN)
		return key == PPV_SORT_IO;
	if (i == HOT_MEM_COLUMN)
		return key == PPV_SORT_MEMORY || ppv_profile_memory_total(p)->events;
	return 1;
}

/* The column the rows arrive sorted by, or -1. */
static int sort_column(enum ppv_sort_key key)
{
	static const char *const keys[] = {
		[PPV_SORT_TOTAL] = "total", [PPV_SORT_SELF] = "self",   [PPV_SORT_CALLS] = "calls",
		[PPV_SORT_AVG] = "avg",     [PPV_SORT_MAX] = "max",     [PPV_SORT_P99] = "p99",
		[PPV_SORT_ERRORS] = "errors", [PPV_SORT_IO] = "io",     [PPV_SORT_MEMORY] = "memory",
	};

	for (size_t i = 0; keys[key] && i < sizeof(hot_columns) / sizeof(hot_columns[0]); i++)
		if (strcmp(hot_columns[i].key, keys[key]) == 0)
			return (int)i;
	return -1;
}

static void hot_header(const struct ppv_profile *p, enum ppv_sort_key key, FILE *out)
{
	int sorted = sort_column(key);

	fputs("<thead><tr>", out);
	for (size_t i = 0; i < HOT_COLUMNS; i++) {
		const struct column *c = &hot_columns[i];

		if (!column_shown(p, key, i))
			continue;
		fprintf(out, "<th data-key=\"%s\" data-type=\"%s\" title=\"%s\"%s>%s</th>", c->key,
			c->type, c->title, (int)i == sorted ? " aria-sort=\"descending\"" : "",
			c->label);
	}
	fputs("</tr></thead>\n", out);
}

static void hot_row(const struct ppv_profile *p, const struct ppv_func_stats *f,
		    enum ppv_sort_key key, FILE *out)
{
	fputs("<tr><td class=\"fn\"", out);
	if (f->module) {
		fputs(" title=\"", out);
		ppv_html_puts(out, f->module);
		fputc('"', out);
	}
	fputc('>', out);
	ppv_html_puts(out, f->name);
	fputs("</td>", out);
	td_num(out, f->calls);
	td_dur(out, f->total_ns);
	td_dur(out, f->self_ns);
	td_dur(out, f->avg_ns);
	td_dur(out, f->min_ns);
	td_dur(out, f->max_ns);
	td_quantile(out, f, 0.50);
	td_quantile(out, f, 0.95);
	td_quantile(out, f, 0.99);
	td_num(out, f->errors);
	td_pct(out, p, f->total_ns);
	td_text(out, "src", f->source ? f->source : "-");
	if (column_shown(p, key, HOT_IO_COLUMN))
		td_bytes(out, f->io_bytes);
	if (column_shown(p, key, HOT_MEM_COLUMN))
		td_bytes(out, f->alloc_bytes_incl);
	fputs("</tr>\n", out);
}

int ppv_html_hotspots(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	const struct ppv_func_stats **v;
	size_t n, shown;
	int rc = ppv_render_sorted(p, o->sort, &v, &n);

	if (rc < 0)
		return rc;
	shown = n < o->limit ? n : o->limit;
	fprintf(out, "<section id=\"hotspots\">\n<h2>Hotspots</h2>\n"
		     "<p class=\"hint\">%zu of %zu functions. Click a column heading to sort; "
		     "times are inclusive unless marked self.</p>\n",
		shown, n);
	if (!n) {
		fputs("<p>No calls recorded.</p>\n</section>\n", out);
		free(v);
		return 0;
	}
	fputs("<div class=\"scroll\"><table id=\"ppv-hot\" class=\"data sortable\">\n", out);
	hot_header(p, o->sort, out);
	fputs("<tbody>\n", out);
	for (size_t i = 0; i < shown; i++)
		hot_row(p, v[i], o->sort, out);
	fputs("</tbody></table></div>\n</section>\n", out);
	free(v);
	return 0;
}

static void chart(const struct ppv_profile *p, const struct ppv_func_stats **v, size_t n,
		  int self, FILE *out)
{
	size_t rows = 0;
	uint64_t max = 0;

	fprintf(out, "<figure class=\"chart\" id=\"ppv-chart-%s\"><figcaption>By %s</figcaption>\n",
		self ? "self" : "total", self ? "self time" : "total (inclusive) time");
	for (; rows < n && rows < PPV_HTML_CHART_ROWS; rows++) {
		uint64_t x = self ? v[rows]->self_ns : v[rows]->total_ns;

		if (!x)
			break;
		max = x > max ? x : max;
	}
	if (!rows)
		fputs("<p>No function has any time recorded.</p>\n", out);
	for (size_t i = 0; i < rows; i++) {
		uint64_t x = self ? v[i]->self_ns : v[i]->total_ns;
		/* hundredths of a percent of the largest bar */
		unsigned int w = (unsigned int)((double)x * 10000.0 / (double)max + 0.5);
		char d[PPV_DURATION_LEN];

		fputs("<div class=\"bar-row\"><span class=\"bar-name\" title=\"", out);
		ppv_html_puts(out, v[i]->name);
		fputs("\">", out);
		ppv_html_puts(out, v[i]->name);
		fprintf(out, "</span><span class=\"bar-track\"><span class=\"bar-fill\" "
			     "style=\"width:%u.%02u%%\"></span></span>"
			     "<span class=\"bar-val\">%s (%.1f%%)</span></div>\n",
			w / 100, w % 100, ppv_format_duration(x, d, sizeof(d)),
			ppv_render_percent(p, x));
	}
	fputs("</figure>\n", out);
}

int ppv_html_charts(const struct ppv_profile *p, FILE *out)
{
	const struct ppv_func_stats **v;
	size_t n;
	int rc;

	fputs("<section id=\"charts\">\n<h2>Top functions</h2>\n<div class=\"charts\">\n", out);
	for (int self = 0; self < 2; self++) {
		rc = ppv_render_sorted(p, self ? PPV_SORT_SELF : PPV_SORT_TOTAL, &v, &n);
		if (rc < 0)
			return rc;
		chart(p, v, n, self, out);
		free(v);
	}
	fputs("</div>\n</section>\n", out);
	return 0;
}

/* The call tree. Children come sorted by total time, so the nodes below
 * min_percent, and those past the node budget, are always a suffix. */
struct tree_walk {
	const struct ppv_profile *p;
	const struct ppv_render_opts *o;
	FILE *out;
	size_t budget; /* nodes still to show */
};

static const struct ppv_cct_node *next_shown(struct tree_walk *w, const struct ppv_cct_node *n)
{
	if (!n || !w->budget || ppv_render_percent(w->p, n->total_ns) < w->o->min_percent)
		return NULL;
	return n;
}

static void node_figures(const struct tree_walk *w, uint64_t calls, uint64_t total,
			 uint64_t self)
{
	char t[PPV_DURATION_LEN], s[PPV_DURATION_LEN];

	fprintf(w->out, "<span class=\"m\">%.1f%% &middot; total %s &middot; self %s &middot; "
			"%" PRIu64 " calls</span>",
		ppv_render_percent(w->p, total), ppv_format_duration(total, t, sizeof(t)),
		ppv_format_duration(self, s, sizeof(s)), calls);
}

static void node_label(struct tree_walk *w, const struct ppv_cct_node *n)
{
	fputs("<span class=\"n\">", w->out);
	ppv_html_puts(w->out, ppv_render_func_name(w->p, n->func));
	fputs("</span> ", w->out);
	node_figures(w, n->calls, n->total_ns, n->self_ns);
}

/* One line for the siblings from @n on that are not shown. */
static void hidden_line(struct tree_walk *w, const struct ppv_cct_node *n, const char *why)
{
	uint64_t count = 0, calls = 0, total = 0, self = 0;

	for (; n; n = n->next_sibling, count++) {
		calls += n->calls;
		total += n->total_ns;
		self += n->self_ns;
	}
	if (!count)
		return;
	fprintf(w->out, "<li class=\"more\"><span class=\"n\">&hellip; %" PRIu64 " more %s "
			"(%s)</span> ",
		count, count == 1 ? "path" : "paths", why);
	node_figures(w, calls, total, self);
	fputs("</li>\n", w->out);
}

static const char *hidden_reason(const struct tree_walk *w)
{
	return w->budget ? "below the minimum share" : "over the node limit";
}

/* A node that is shown without its children; says why they are missing. */
static void leaf(struct tree_walk *w, const struct ppv_cct_node *n, size_t depth)
{
	size_t kids = 0;

	for (const struct ppv_cct_node *c = n->first_child; c; c = c->next_sibling)
		kids++;
	fputs("<li class=\"leaf\">", w->out);
	node_label(w, n);
	if (kids)
		fprintf(w->out, " <span class=\"cut\">(%zu callee %s not shown: %s)</span>", kids,
			kids == 1 ? "path" : "paths",
			depth >= w->o->max_depth ? "depth limit" : hidden_reason(w));
	fputs("</li>\n", w->out);
}

/* Pre-order, iterative; @depth is 1 for the threads' outermost frames. */
static void tree_walk(struct tree_walk *w, const struct ppv_cct_node *root)
{
	const struct ppv_cct_node *n = next_shown(w, root->first_child);
	size_t depth = 1;

	fputs("<ul class=\"tree\">\n", w->out);
	if (!n)
		hidden_line(w, root->first_child, hidden_reason(w));
	while (n) {
		w->budget--;
		if (depth < w->o->max_depth && next_shown(w, n->first_child)) {
			fprintf(w->out, "<li><details%s><summary>",
				depth < 3 || ppv_render_percent(w->p, n->total_ns) >= 20.0 ? " open"
											     : "");
			node_label(w, n);
			fputs("</summary>\n<ul>\n", w->out);
			n = n->first_child;
			depth++;
			continue;
		}
		leaf(w, n, depth);
		while (n && !next_shown(w, n->next_sibling)) {
			hidden_line(w, n->next_sibling, hidden_reason(w));
			if (depth == 1) {
				n = NULL;
				break;
			}
			fputs("</ul>\n</details></li>\n", w->out);
			n = n->parent;
			depth--;
		}
		if (n)
			n = n->next_sibling;
	}
	fputs("</ul>\n", w->out);
}

int ppv_html_tree(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	struct ppv_render_opts t = *o;
	struct tree_walk w = { .p = p, .o = &t, .out = out, .budget = PPV_HTML_TREE_NODES };
	const struct ppv_cct_node *root = ppv_profile_cct_root(p);

	if (!t.max_depth)
		t.max_depth = PPV_HTML_TREE_DEPTH;
	fprintf(out, "<section id=\"tree\">\n<h2>Call tree</h2>\n"
		     "<p class=\"hint\">Every call path, identical paths merged, children by total "
		     "time; click a line to open or close it. At most %u levels and %u paths are "
		     "shown.</p>\n",
		t.max_depth, PPV_HTML_TREE_NODES);
	if (!root->first_child)
		fputs("<p>No calls recorded.</p>\n", out);
	else
		tree_walk(&w, root);
	fputs("</section>\n", out);
	return 0;
}

static void io_head(FILE *out, const char *id, const char *last)
{
	static const char *const cols[][2] = {
		{ "kind", "str" },       { "ops", "num" },      { "bytes", "num" },
		{ "total time", "num" }, { "avg time", "num" }, { "MB/s", "num" },
		{ "errors", "num" },
	};

	fprintf(out, "<div class=\"scroll\"><table id=\"%s\" class=\"data sortable\">\n"
		     "<thead><tr>", id);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		fprintf(out, "<th data-type=\"%s\">%s</th>", cols[i][1], cols[i][0]);
	if (last)
		fprintf(out, "<th data-type=\"str\">%s</th>", last);
	fputs("</tr></thead>\n<tbody>\n", out);
}

static void io_row(FILE *out, const char *kind, const struct ppv_io_stats *s, const char *label)
{
	fputs("<tr>", out);
	td_text(out, "kind", kind);
	td_num(out, s->ops);
	td_bytes(out, s->bytes);
	td_dur(out, s->total_ns);
	td_dur(out, s->avg_ns);
	if (s->total_ns) /* decimal MB/s; the sort key is bytes per second */
		fprintf(out, "<td data-v=\"%.0f\">%.2f</td>", s->mb_per_s * 1e6, s->mb_per_s);
	else
		fputs("<td data-v=\"-1\">-</td>", out);
	td_num(out, s->errors);
	if (label)
		td_text(out, "fn", label);
	fputs("</tr>\n", out);
}

static void io_by_kind(const struct ppv_profile *p, FILE *out)
{
	size_t n;
	const struct ppv_io_stats *rows = ppv_profile_io_by_kind(p, &n);

	fputs("<h3>By kind</h3>\n", out);
	io_head(out, "ppv-io-kind", NULL);
	for (size_t i = 0; i < n; i++)
		io_row(out, ppv_io_kind_name(rows[i].kind), &rows[i], NULL);
	fputs("</tbody>\n", out);
	if (n > 1) { /* in <tfoot>, so sorting leaves it last */
		fputs("<tfoot>\n", out);
		io_row(out, "total", ppv_profile_io_total(p), NULL);
		fputs("</tfoot>\n", out);
	}
	fputs("</table></div>\n", out);
}

/* By descriptor class or operation: only when automatic I/O was recorded. */
static void io_by_enum(const struct ppv_profile *p, int by_op, FILE *out)
{
	size_t n;
	const struct ppv_io_stats *rows = by_op ? ppv_profile_io_by_op(p, &n)
						: ppv_profile_io_by_class(p, &n);

	if (n < 2 && (!n || (by_op ? rows[0].op == PPV_IO_OP_NONE
				   : rows[0].fdclass == PPV_FD_UNKNOWN)))
		return;
	fprintf(out, "<h3>By %s</h3>\n", by_op ? "operation" : "descriptor class");
	io_head(out, by_op ? "ppv-io-op" : "ppv-io-class", NULL);
	for (size_t i = 0; i < n; i++)
		io_row(out, by_op ? ppv_io_op_name(rows[i].op) : ppv_fd_class_name(rows[i].fdclass),
		       &rows[i], NULL);
	fputs("</tbody></table></div>\n", out);
}

static void io_by_label(const struct ppv_profile *p, unsigned int limit, int by_func, FILE *out)
{
	size_t n, shown;
	const struct ppv_io_stats *rows = by_func ? ppv_profile_io_by_func(p, &n)
						  : ppv_profile_io_by_name(p, &n);

	shown = n < limit ? n : limit;
	fprintf(out, "<h3>By %s</h3>\n", by_func ? "function" : "name");
	io_head(out, by_func ? "ppv-io-func" : "ppv-io-name", by_func ? "function" : "name");
	for (size_t i = 0; i < shown; i++) {
		const char *label = by_func ? ppv_render_func_name(p, rows[i].func) : rows[i].name;

		io_row(out, ppv_io_kind_name(rows[i].kind), &rows[i], label ? label : "(unnamed)");
	}
	fputs("</tbody></table></div>\n", out);
	if (shown < n)
		fprintf(out, "<p class=\"hint\">&hellip; and %zu more</p>\n", n - shown);
}

void ppv_html_io(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	size_t nkinds;

	fputs("<section id=\"io\">\n<h2>I/O</h2>\n", out);
	ppv_profile_io_by_kind(p, &nkinds);
	if (!nkinds) {
		fputs("<p>No I/O recorded (ppv-record traces I/O calls unless --no-io; annotate "
		      "other I/O with ppv_io_begin()/ppv_io_end()).</p>\n", out);
	} else {
		io_by_kind(p, out);
		io_by_enum(p, 0, out);
		io_by_enum(p, 1, out);
		io_by_label(p, o->limit, 0, out);
		io_by_label(p, o->limit, 1, out);
	}
	fputs("</section>\n", out);
}
