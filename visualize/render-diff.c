/* SPDX-License-Identifier: MIT */
/*
 * render-diff.c - a diff of two runs (<perprovis/ppv-diff.h>) as an aligned
 * text table, a Markdown table for a pull-request comment, or a JSON
 * document ("format": "perprovis-diff", described in docs/ci.md). Owns:
 * the three layouts and the verdict wording. Does not own: matching,
 * deltas or verdicts (analyzer/diff.c), nor duration and byte formatting
 * (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <perprovis/ppv-diff.h>

#include "render-common.h"

#define DIFF_JSON_FORMAT "perprovis-diff"
#define DIFF_JSON_SCHEMA_VERSION 1
#define NAME_MAX_WIDTH 48
#define CELL 48

struct diff_ctx {
	const struct ppv_diff *d;
	struct ppv_diff_render_opts o;
	size_t shown; /* rows in the table: the limit, or every regression */
	int io;       /* either run has I/O bytes: show the column */
	int name_w;
	int calls_w;
	int io_w;
};

static int ctx_init(struct diff_ctx *c, const struct ppv_diff *d,
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

/*
 * "+12.5%", "+8342%", "x5201" (a growth of 10000% or more, as a ratio, so
 * columns stay narrow), "new" (grew from nothing).
 */
static const char *fmt_change(double pct, char *buf, size_t len)
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

	snprintf(buf, len, fmt, fmt_delta(delta, d, sizeof(d)), fmt_change(pct, p, sizeof(p)));
	return buf;
}

/* The six time cells of a row: total base, new, change; self base, new, change. */
struct time_cells {
	char v[6][CELL];
};

static void time_cells_fill(const struct ppv_diff_row *r, const char *time_fmt,
			    const char *change_fmt, struct time_cells *t)
{
	const struct ppv_diff_figures *b = &r->base, *n = &r->cur;

	fmt_time(r->in_base, b->total_ns, b->total_percent, time_fmt, t->v[0], CELL);
	fmt_time(r->in_new, n->total_ns, n->total_percent, time_fmt, t->v[1], CELL);
	fmt_change_cell(b->total_ns, n->total_ns, change_fmt, t->v[2], CELL);
	fmt_time(r->in_base, b->self_ns, b->self_percent, time_fmt, t->v[3], CELL);
	fmt_time(r->in_new, n->self_ns, n->self_percent, time_fmt, t->v[4], CELL);
	fmt_change_cell(b->self_ns, n->self_ns, change_fmt, t->v[5], CELL);
}

static const char *metric_name(const struct ppv_diff *d)
{
	return ppv_diff_opts(d)->metric == PPV_DIFF_METRIC_SELF ? "self time" : "total time";
}

/* The rule in words, shared by text and Markdown. */
static void rule_print(const struct ppv_diff *d, FILE *out)
{
	const struct ppv_diff_opts *o = ppv_diff_opts(d);
	char dur[PPV_DURATION_LEN];

	fprintf(out, "a function regresses when its %s grew by more than %g%%", metric_name(d),
		o->threshold_percent);
	if (o->min_delta_ns)
		fprintf(out, " and by more than %s",
			ppv_format_duration(o->min_delta_ns, dur, sizeof(dur)));
	fprintf(out, "; functions under %g%% of the run in both runs never do",
		o->noise_floor_percent);
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
}

/* ---- text ---- */

static void text_widths(struct diff_ctx *c)
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

static void text_row(const struct diff_ctx *c, const struct ppv_diff_row *r, FILE *out)
{
	char calls[CELL], io[CELL];
	int len = (int)strlen(r->name);
	struct time_cells t;

	time_cells_fill(r, "%s %5.1f%%", "%s %7s", &t);
	fprintf(out, "%-9s  ", text_status(r));
	if (len > c->name_w)
		fprintf(out, "%.*s...", c->name_w - 3, r->name);
	else
		fprintf(out, "%-*s", c->name_w, r->name);
	fprintf(out, "  %*s  %16s  %16s  %18s  %16s  %16s  %18s", c->calls_w,
		fmt_calls(r, "->", calls, sizeof(calls)), t.v[0], t.v[1], t.v[2], t.v[3], t.v[4],
		t.v[5]);
	if (c->io)
		fprintf(out, "  %*s", c->io_w, fmt_io(r, "->", io, sizeof(io)));
	fputc('\n', out);
}

/* "Added (only in new): a, b, and 3 more" */
static void text_names(const struct diff_ctx *c, enum ppv_diff_status s, const char *title,
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

static void text_summary(const struct diff_ctx *c, FILE *out)
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
	struct diff_ctx c;
	int rc = ctx_init(&c, d, o);

	if (rc < 0)
		return rc;
	text_widths(&c);
	fprintf(out, "Diff: base %s (%s) -> new %s (%s)\nRule: ", c.o.base_label,
		run_kind(ppv_diff_base_run(d)), c.o.new_label, run_kind(ppv_diff_new_run(d)));
	rule_print(d, out);
	fprintf(out, "\n\n%-9s  %-*s  %*s  %16s  %16s  %18s  %16s  %16s  %18s", "status", c.name_w,
		"function", c.calls_w, "calls", "total base", "total new", "total change",
		"self base", "self new", "self change");
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

static void md_row(const struct diff_ctx *c, const struct ppv_diff_row *r, FILE *out)
{
	const char *arrow = " \xe2\x86\x92 ";
	char calls[CELL], io[CELL];
	struct time_cells t;

	time_cells_fill(r, "%s (%.1f%%)", "%s (%s)", &t);
	fprintf(out, "| %s | ", md_status(r));
	md_code(r->name, out);
	fprintf(out, " | %s | %s | %s | %s | %s | %s | %s |",
		fmt_calls(r, arrow, calls, sizeof(calls)), t.v[0], t.v[1], t.v[2], t.v[3], t.v[4],
		t.v[5]);
	if (c->io)
		fprintf(out, " %s |", fmt_io(r, arrow, io, sizeof(io)));
	fputc('\n', out);
}

static void md_head(const struct diff_ctx *c, FILE *out)
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
	struct diff_ctx c;
	int rc = ctx_init(&c, d, o);

	if (rc < 0)
		return rc;
	md_head(&c, out);
	fprintf(out, "| | Function | Calls | Total base | Total new | Total change | Self base "
		     "| Self new | Self change |%s\n", c.io ? " I/O bytes |" : "");
	fprintf(out, "|:--|:--|--:|--:|--:|--:|--:|--:|--:|%s\n", c.io ? "--:|" : "");
	for (size_t i = 0; i < c.shown; i++)
		md_row(&c, ppv_diff_row(d, i), out);
	if (rows > c.shown)
		fprintf(out, "\n%zu more functions not shown.\n", rows - c.shown);
	fprintf(out, "\nPercentages in parentheses after a time are its share of its run.\n");
	return ppv_render_end(out);
}

/* ---- JSON ---- */

static json_int_t ju(uint64_t v)
{
	return v > INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

/* A JSON string of @s, or null; as in the report, if @s is not valid UTF-8
 * its non-ASCII bytes become '?'. */
static json_t *jstr(const char *s)
{
	json_t *v;
	char *copy;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v || !(copy = strdup(s)))
		return v;
	for (unsigned char *p = (unsigned char *)copy; *p; p++)
		if (*p >= 0x80)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

static json_t *figures_json(int present, const struct ppv_diff_figures *f)
{
	if (!present)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:f}", "calls", ju(f->calls),
			 "total_ns", ju(f->total_ns), "self_ns", ju(f->self_ns),
			 "io_bytes", ju(f->io_bytes), "total_percent", f->total_percent,
			 "self_percent", f->self_percent);
}

/* Change in percent of the base value: null when the base is 0. */
static json_t *change_json(uint64_t before, uint64_t after)
{
	if (!before)
		return after ? json_null() : json_real(0.0);
	return json_real(100.0 * ((double)after - (double)before) / (double)before);
}

static json_t *delta_json(const struct ppv_diff_row *r)
{
	const struct ppv_diff_figures *b = &r->base, *n = &r->cur;

	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}",
			 "calls", (json_int_t)n->calls - (json_int_t)b->calls,
			 "total_ns", (json_int_t)n->total_ns - (json_int_t)b->total_ns,
			 "self_ns", (json_int_t)n->self_ns - (json_int_t)b->self_ns,
			 "io_bytes", (json_int_t)n->io_bytes - (json_int_t)b->io_bytes,
			 "total_percent", change_json(b->total_ns, n->total_ns),
			 "self_percent", change_json(b->self_ns, n->self_ns));
}

static json_t *row_json(const struct ppv_diff_row *r)
{
	return json_pack("{s:o, s:o, s:s, s:s, s:b, s:b, s:o, s:o, s:o, s:I, s:o}",
			 "name", jstr(r->name), "module", jstr(r->module),
			 "kind", r->kind == PPV_FRAME_SCOPE ? "scope" : "function",
			 "status", ppv_diff_status_name(r->status),
			 "regressed", r->status == PPV_DIFF_REGRESSED,
			 "below_noise_floor", r->below_floor != 0,
			 "base", figures_json(r->in_base, &r->base),
			 "new", figures_json(r->in_new, &r->cur),
			 "delta", delta_json(r),
			 "metric_delta_ns", (json_int_t)r->delta_ns,
			 "metric_change_percent",
			 isinf(r->change_percent) ? json_null() : json_real(r->change_percent));
}

static json_t *run_json(const struct ppv_diff_run *r, const char *label)
{
	return json_pack("{s:o, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
			 "label", jstr(label), "source", r->from_report ? "report" : "trace",
			 "command", jstr(r->command), "total_ns", ju(r->total_ns),
			 "calls", ju(r->calls), "io_bytes", ju(r->io_bytes),
			 "functions", ju(r->functions), "lost_events", ju(r->lost_events),
			 "unfinished_calls", ju(r->unfinished_calls),
			 "truncated", r->truncated != 0);
}

static json_t *rule_json(const struct ppv_diff_opts *o)
{
	return json_pack("{s:s, s:f, s:I, s:f, s:b}",
			 "metric", o->metric == PPV_DIFF_METRIC_SELF ? "self" : "total",
			 "threshold_percent", o->threshold_percent,
			 "min_delta_ns", ju(o->min_delta_ns),
			 "noise_floor_percent", o->noise_floor_percent,
			 "new_regresses", o->new_regresses != 0);
}

static json_t *counts_json(const struct ppv_diff *d)
{
	json_t *obj = json_object();

	for (int i = 0; i < PPV_DIFF_NSTATUS && obj; i++) {
		enum ppv_diff_status s = (enum ppv_diff_status)i;

		if (json_object_set_new(obj, ppv_diff_status_name(s),
					json_integer(ju(ppv_diff_count(d, s)))))
			return json_decref(obj), NULL;
	}
	return obj;
}

static json_t *diff_json(const struct diff_ctx *c)
{
	const struct ppv_diff *d = c->d;
	json_t *rows = json_array();

	for (size_t i = 0; i < ppv_diff_row_count(d) && rows; i++)
		if (json_array_append_new(rows, row_json(ppv_diff_row(d, i))) < 0)
			return json_decref(rows), NULL;
	return json_pack("{s:s, s:i, s:s, s:I, s:o, s:o, s:o, s:o, s:o}",
			 "format", DIFF_JSON_FORMAT, "schema_version", DIFF_JSON_SCHEMA_VERSION,
			 "verdict", ppv_diff_regressions(d) ? "regression" : "ok",
			 "regressions", ju(ppv_diff_regressions(d)),
			 "counts", counts_json(d), "rule", rule_json(ppv_diff_opts(d)),
			 "base", run_json(ppv_diff_base_run(d), c->o.base_label),
			 "new", run_json(ppv_diff_new_run(d), c->o.new_label),
			 "functions", rows);
}

int ppv_render_diff_json(const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
			 FILE *out)
{
	struct diff_ctx c;
	json_t *doc;
	size_t flags;
	int rc = ctx_init(&c, d, o);

	if (rc < 0)
		return rc;
	doc = diff_json(&c);
	if (!doc)
		return -ENOMEM;
	flags = JSON_REAL_PRECISION(15) | (c.o.pretty ? JSON_INDENT(2) : JSON_COMPACT);
	if (json_dumpf(doc, out, flags) < 0 || fputc('\n', out) == EOF)
		rc = -EIO;
	else
		rc = ppv_render_end(out);
	json_decref(doc);
	return rc;
}
