/* SPDX-License-Identifier: MIT */
/*
 * render-diff.c - a diff of two runs (<perprovis/ppv-diff.h>) as an aligned
 * text table or a Markdown table for a pull-request comment. Owns: the two
 * layouts, their time cells, the verdict wording and the render context
 * shared with the JSON document (render-diff-json.c). Does not own:
 * matching, deltas or verdicts (analyzer/diff.c), the cells of the memory
 * metrics (render-diff-memory.c), nor duration and byte formatting
 * (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <perprovis/ppv-diff.h>

#include "render-common.h"
#include "render-diff.h"

#define NAME_MAX_WIDTH 48
#define CELL PPV_DIFF_CELL

static const struct ppv_diff_columns time_columns = {
	.text = { "total base", "total new", "total change", "self base", "self new",
		  "self change" },
	.width = { 16, 16, 18, 16, 16, 18 },
	.md = { "Total base", "Total new", "Total change", "Self base", "Self new", "Self change" },
	.md_note = "Percentages in parentheses after a time are its share of its run.",
};

int ppv_diff_ctx_init(struct ppv_diff_ctx *c, const struct ppv_diff *d,
		      const struct ppv_diff_render_opts *in)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	if (in) {
		if (in->sz < sizeof(size_t))
			return -EINVAL;
		memcpy(&c->o, in, in->sz < sizeof(c->o) ? in->sz : sizeof(c->o));
	}
	c->o.sz = sizeof(c->o);
	if (!c->o.limit)
		c->o.limit = PPV_DIFF_DEFAULT_LIMIT;
	if (!c->o.base_label)
		c->o.base_label = "base";
	if (!c->o.new_label)
		c->o.new_label = "new";
	c->shown = ppv_diff_row_count(d);
	if (c->shown > c->o.limit)
		c->shown = c->o.limit;
	if (c->shown < ppv_diff_regressions(d))
		c->shown = ppv_diff_regressions(d);
	c->io = ppv_diff_base_run(d)->io_bytes || ppv_diff_new_run(d)->io_bytes;
	c->memory = ppv_diff_metric_is_memory(ppv_diff_opts(d)->metric);
	c->cols = c->memory ? ppv_diff_mem_columns() : &time_columns;
	return 0;
}

/* "+1.20 ms", "-830 ns", "0 ns" */
static const char *fmt_delta(int64_t ns, char *buf, size_t len)
{
	char dur[PPV_DURATION_LEN];
	uint64_t mag = ns < 0 ? (uint64_t)(-ns) : (uint64_t)ns;

	ppv_format_duration(mag, dur, sizeof(dur));
	snprintf(buf, len, "%s%s", ns > 0 ? "+" : ns < 0 ? "-" : "", dur);
	return buf;
}

const char *ppv_diff_fmt_change(double pct, char *buf, size_t len)
{
	double ratio = 1.0 + pct / 100.0;

	if (isinf(pct))
		snprintf(buf, len, "new");
	else if (pct >= 1e4)
		snprintf(buf, len, ratio < 1e6 ? "x%.0f" : "x%.1e", ratio);
	else
		snprintf(buf, len, fabs(pct) < 100.0 ? "%+.1f%%" : "%+.0f%%", pct);
	return buf;
}

static const char *fmt_calls(const struct ppv_diff_row *r, const char *arrow, char *buf,
			     size_t len)
{
	if (r->in_base && r->in_new && r->base.calls == r->cur.calls)
		snprintf(buf, len, "%" PRIu64, r->cur.calls);
	else
		snprintf(buf, len, "%" PRIu64 "%s%" PRIu64, r->base.calls, arrow, r->cur.calls);
	return buf;
}

/* A time with its share of the run, "101.30 ms 67.0%"; "-" when absent. */
static const char *fmt_time(int present, uint64_t ns, double pct, const char *fmt, char *buf,
			    size_t len)
{
	char dur[PPV_DURATION_LEN];

	if (!present)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, ppv_format_duration(ns, dur, sizeof(dur)), pct);
	return buf;
}

static const char *fmt_io(const struct ppv_diff_row *r, const char *arrow, char *buf,
			  size_t len)
{
	char a[PPV_BYTES_LEN], b[PPV_BYTES_LEN];

	if (r->base.io_bytes == r->cur.io_bytes)
		return ppv_format_bytes(r->cur.io_bytes, buf, len);
	snprintf(buf, len, "%s%s%s", ppv_format_bytes(r->base.io_bytes, a, sizeof(a)), arrow,
		 ppv_format_bytes(r->cur.io_bytes, b, sizeof(b)));
	return buf;
}

/* The change of total or self time: "+100.10 ms +8342%". */
static const char *fmt_change_cell(uint64_t before, uint64_t after, const char *fmt, char *buf,
				   size_t len)
{
	int64_t delta = after >= before ? (int64_t)(after - before) : -(int64_t)(before - after);
	double pct = before ? 100.0 * (double)delta / (double)before : after ? INFINITY : 0.0;
	char d[CELL], p[CELL];

	snprintf(buf, len, fmt, fmt_delta(delta, d, sizeof(d)),
		 ppv_diff_fmt_change(pct, p, sizeof(p)));
	return buf;
}

/* The six metric cells of a row: total base, new, change; self base, new,
 * change; in time, or in bytes allocated under a memory metric. */
static void cells_fill(const struct ppv_diff_ctx *c, const struct ppv_diff_row *r,
		       const char *value_fmt, const char *change_fmt, struct ppv_diff_cells *t)
{
	const struct ppv_diff_figures *b = &r->base, *n = &r->cur;

	if (c->memory) {
		ppv_diff_mem_cells_fill(r, value_fmt, change_fmt, t);
		return;
	}
	fmt_time(r->in_base, b->total_ns, b->total_percent, value_fmt, t->v[0], CELL);
	fmt_time(r->in_new, n->total_ns, n->total_percent, value_fmt, t->v[1], CELL);
	fmt_change_cell(b->total_ns, n->total_ns, change_fmt, t->v[2], CELL);
	fmt_time(r->in_base, b->self_ns, b->self_percent, value_fmt, t->v[3], CELL);
	fmt_time(r->in_new, n->self_ns, n->self_percent, value_fmt, t->v[4], CELL);
	fmt_change_cell(b->self_ns, n->self_ns, change_fmt, t->v[5], CELL);
}

static const char *metric_name(const struct ppv_diff *d)
{
	switch (ppv_diff_opts(d)->metric) {
	case PPV_DIFF_METRIC_SELF:
		return "self time";
	case PPV_DIFF_METRIC_ALLOC:
		return "bytes allocated (inclusive)";
	case PPV_DIFF_METRIC_ALLOC_SELF:
		return "bytes allocated (self)";
	default:
		return "total time";
	}
}

/* The rule in words, shared by text and Markdown. */
static void rule_print(const struct ppv_diff *d, FILE *out)
{
	const struct ppv_diff_opts *o = ppv_diff_opts(d);
	int memory = ppv_diff_metric_is_memory(o->metric);
	char min[PPV_DURATION_LEN > PPV_BYTES_LEN ? PPV_DURATION_LEN : PPV_BYTES_LEN];

	fprintf(out, "a function regresses when its %s grew by more than %g%%", metric_name(d),
		o->threshold_percent);
	if (memory && o->min_delta_bytes)
		fprintf(out, " and by more than %s",
			ppv_format_bytes(o->min_delta_bytes, min, sizeof(min)));
	else if (!memory && o->min_delta_ns)
		fprintf(out, " and by more than %s",
			ppv_format_duration(o->min_delta_ns, min, sizeof(min)));
	fprintf(out, "; functions under %g%% of %s in both runs never do",
		o->noise_floor_percent, memory ? "the bytes the run allocated" : "the run");
	if (o->new_regresses)
		fprintf(out, "; new functions count");
}

static const char *run_kind(const struct ppv_diff_run *r)
{
	return r->from_report ? "saved report" : "trace";
}

static void run_total_print(const struct ppv_diff *d, const char *arrow, FILE *out)
{
	const struct ppv_diff_run *b = ppv_diff_base_run(d), *n = ppv_diff_new_run(d);
	char x[PPV_DURATION_LEN], y[PPV_DURATION_LEN], ch[CELL];

	fprintf(out, "run total %s%s%s (%s)", ppv_format_duration(b->total_ns, x, sizeof(x)), arrow,
		ppv_format_duration(n->total_ns, y, sizeof(y)),
		fmt_change_cell(b->total_ns, n->total_ns, "%s, %s", ch, sizeof(ch)));
	if (ppv_diff_metric_is_memory(ppv_diff_opts(d)->metric)) {
		fprintf(out, "; ");
		ppv_diff_mem_total_print(d, arrow, out);
	}
}

/* ---- text ---- */

static void text_widths(struct ppv_diff_ctx *c)
{
	char buf[CELL];

	c->name_w = (int)strlen("function");
	c->calls_w = (int)strlen("calls");
	c->io_w = (int)strlen("io bytes");
	for (size_t i = 0; i < c->shown; i++) {
		const struct ppv_diff_row *r = ppv_diff_row(c->d, i);
		int n = (int)strlen(r->name);

		if (n > c->name_w)
			c->name_w = n < NAME_MAX_WIDTH ? n : NAME_MAX_WIDTH;
		n = (int)strlen(fmt_calls(r, "->", buf, sizeof(buf)));
		c->calls_w = n > c->calls_w ? n : c->calls_w;
		n = (int)strlen(fmt_io(r, "->", buf, sizeof(buf)));
		c->io_w = n > c->io_w ? n : c->io_w;
	}
}

static const char *text_status(const struct ppv_diff_row *r)
{
	static const char *const words[PPV_DIFF_NSTATUS] = {
		"", "REGRESSED", "improved", "added", "removed",
	};

	return words[r->status];
}

static void text_row(const struct ppv_diff_ctx *c, const struct ppv_diff_row *r, FILE *out)
{
	char calls[CELL], io[CELL];
	int len = (int)strlen(r->name);
	struct ppv_diff_cells t;

	cells_fill(c, r, "%s %5.1f%%", "%s %7s", &t);
	fprintf(out, "%-9s  ", text_status(r));
	if (len > c->name_w)
		fprintf(out, "%.*s...", c->name_w - 3, r->name);
	else
		fprintf(out, "%-*s", c->name_w, r->name);
	fprintf(out, "  %*s", c->calls_w, fmt_calls(r, "->", calls, sizeof(calls)));
	for (int i = 0; i < PPV_DIFF_NCELLS; i++)
		fprintf(out, "  %*s", c->cols->width[i], t.v[i]);
	if (c->io)
		fprintf(out, "  %*s", c->io_w, fmt_io(r, "->", io, sizeof(io)));
	fputc('\n', out);
}

/* "Added (only in new): a, b, and 3 more" */
static void text_names(const struct ppv_diff_ctx *c, enum ppv_diff_status s, const char *title,
		       FILE *out)
{
	size_t n = ppv_diff_count(c->d, s), listed = 0;

	if (!n)
		return;
	fprintf(out, "%s:", title);
	for (size_t i = 0; i < ppv_diff_row_count(c->d) && listed < c->o.limit; i++) {
		const struct ppv_diff_row *r = ppv_diff_row(c->d, i);

		if (r->status == s)
			fprintf(out, "%s %s", listed++ ? "," : "", r->name);
	}
	if (listed < n)
		fprintf(out, ", and %zu more", n - listed);
	fputc('\n', out);
}

static void text_notes(const char *label, const struct ppv_diff_run *r, FILE *out)
{
	if (r->lost_events)
		fprintf(out, "note: %s: %" PRIu64 " events lost: counts and times are lower "
			"bounds\n", label, r->lost_events);
	if (r->unfinished_calls)
		fprintf(out, "note: %s: %" PRIu64 " calls unfinished (no exit recorded)\n", label,
			r->unfinished_calls);
	if (r->truncated)
		fprintf(out, "note: %s: the trace is truncated\n", label);
}

static void verdict_names(const struct ppv_diff *d, const char *quote, FILE *out)
{
	size_t n = ppv_diff_regressions(d);

	for (size_t i = 0; i < n && i < 5; i++)
		fprintf(out, "%s%s%s%s", i ? ", " : "", quote, ppv_diff_row(d, i)->name, quote);
	if (n > 5)
		fprintf(out, ", and %zu more", n - 5);
}

static void text_summary(const struct ppv_diff_ctx *c, FILE *out)
{
	const struct ppv_diff *d = c->d;

	fprintf(out, "\nSummary: %zu regressed, %zu improved, %zu added, %zu removed, "
		"%zu unchanged; ",
		ppv_diff_count(d, PPV_DIFF_REGRESSED), ppv_diff_count(d, PPV_DIFF_IMPROVED),
		ppv_diff_count(d, PPV_DIFF_ADDED), ppv_diff_count(d, PPV_DIFF_REMOVED),
		ppv_diff_count(d, PPV_DIFF_UNCHANGED));
	run_total_print(d, " -> ", out);
	if (ppv_diff_regressions(d)) {
		fprintf(out, "\nVerdict: REGRESSION in ");
		verdict_names(d, "", out);
		fputc('\n', out);
	} else {
		fprintf(out, "\nVerdict: OK, no function regressed\n");
	}
}

int ppv_render_diff_text(const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
			 FILE *out)
{
	size_t rows = ppv_diff_row_count(d);
	struct ppv_diff_ctx c;
	int rc = ppv_diff_ctx_init(&c, d, o);

	if (rc < 0)
		return rc;
	text_widths(&c);
	fprintf(out, "Diff: base %s (%s) -> new %s (%s)\nRule: ", c.o.base_label,
		run_kind(ppv_diff_base_run(d)), c.o.new_label, run_kind(ppv_diff_new_run(d)));
	rule_print(d, out);
	fprintf(out, "\n\n%-9s  %-*s  %*s", "status", c.name_w, "function", c.calls_w, "calls");
	for (int i = 0; i < PPV_DIFF_NCELLS; i++)
		fprintf(out, "  %*s", c.cols->width[i], c.cols->text[i]);
	if (c.io)
		fprintf(out, "  %*s", c.io_w, "io bytes");
	fputc('\n', out);
	for (size_t i = 0; i < c.shown; i++)
		text_row(&c, ppv_diff_row(d, i), out);
	if (rows > c.shown)
		fprintf(out, "... %zu more functions (-n shows more)\n", rows - c.shown);
	if (ppv_diff_count(d, PPV_DIFF_ADDED) || ppv_diff_count(d, PPV_DIFF_REMOVED))
		fputc('\n', out);
	text_names(&c, PPV_DIFF_ADDED, "Added (only in new)", out);
	text_names(&c, PPV_DIFF_REMOVED, "Removed (only in base)", out);
	text_notes("base", ppv_diff_base_run(d), out);
	text_notes("new", ppv_diff_new_run(d), out);
	text_summary(&c, out);
	return ppv_render_end(out);
}

/* ---- Markdown ---- */

/* @s as a code span: '|' escaped for tables, '`' (which would end the span) as '\''. */
static void md_code(const char *s, FILE *out)
{
	fputc('`', out);
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '`' || *s == '\n')
			fputc('\'', out);
		else
			fputc(*s, out);
	}
	fputc('`', out);
}

static const char *md_status(const struct ppv_diff_row *r)
{
	static const char *const words[PPV_DIFF_NSTATUS] = {
		"", "\xf0\x9f\x94\xb4 regressed", "\xf0\x9f\x9f\xa2 improved",
		"\xf0\x9f\x86\x95 added", "\xe2\x9e\x96 removed",
	};

	return words[r->status];
}

static void md_row(const struct ppv_diff_ctx *c, const struct ppv_diff_row *r, FILE *out)
{
	const char *arrow = " \xe2\x86\x92 ";
	char calls[CELL], io[CELL];
	struct ppv_diff_cells t;

	cells_fill(c, r, "%s (%.1f%%)", "%s (%s)", &t);
	fprintf(out, "| %s | ", md_status(r));
	md_code(r->name, out);
	fprintf(out, " | %s |", fmt_calls(r, arrow, calls, sizeof(calls)));
	for (int i = 0; i < PPV_DIFF_NCELLS; i++)
		fprintf(out, " %s |", t.v[i]);
	if (c->io)
		fprintf(out, " %s |", fmt_io(r, arrow, io, sizeof(io)));
	fputc('\n', out);
}

static void md_head(const struct ppv_diff_ctx *c, FILE *out)
{
	const struct ppv_diff *d = c->d;
	size_t n = ppv_diff_regressions(d);

	if (n) {
		fprintf(out, "### \xe2\x9d\x8c PerProVis: %zu function%s regressed\n\n", n,
			n == 1 ? "" : "s");
		fprintf(out, "**Verdict: regression** in ");
		verdict_names(d, "`", out);
		fprintf(out, ".\n\n");
	} else {
		fprintf(out, "### \xe2\x9c\x85 PerProVis: no regression\n\n"
			     "**Verdict: OK**, no function regressed.\n\n");
	}
	fprintf(out, "Base: ");
	md_code(c->o.base_label, out);
	fprintf(out, " (%s), new: ", run_kind(ppv_diff_base_run(d)));
	md_code(c->o.new_label, out);
	fprintf(out, " (%s); ", run_kind(ppv_diff_new_run(d)));
	run_total_print(d, " \xe2\x86\x92 ", out);
	fprintf(out, ".  \nRule: ");
	rule_print(d, out);
	fprintf(out, ".  \n%zu regressed, %zu improved, %zu added, %zu removed, %zu unchanged.\n\n",
		n, ppv_diff_count(d, PPV_DIFF_IMPROVED), ppv_diff_count(d, PPV_DIFF_ADDED),
		ppv_diff_count(d, PPV_DIFF_REMOVED), ppv_diff_count(d, PPV_DIFF_UNCHANGED));
}

int ppv_render_diff_markdown(const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
			     FILE *out)
{
	size_t rows = ppv_diff_row_count(d);
	struct ppv_diff_ctx c;
	int rc = ppv_diff_ctx_init(&c, d, o);

	if (rc < 0)
		return rc;
	md_head(&c, out);
	fprintf(out, "| | Function | Calls |");
	for (int i = 0; i < PPV_DIFF_NCELLS; i++)
		fprintf(out, " %s |", c.cols->md[i]);
	fprintf(out, "%s\n", c.io ? " I/O bytes |" : "");
	fprintf(out, "|:--|:--|--:|--:|--:|--:|--:|--:|--:|%s\n", c.io ? "--:|" : "");
	for (size_t i = 0; i < c.shown; i++)
		md_row(&c, ppv_diff_row(d, i), out);
	if (rows > c.shown)
		fprintf(out, "\n%zu more functions not shown.\n", rows - c.shown);
	fprintf(out, "\n%s\n", c.cols->md_note);
	return ppv_render_end(out);
}
