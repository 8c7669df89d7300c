/* SPDX-License-Identifier: MIT */
/*
 * render-diff-json.c - a diff of two runs (<perprovis/ppv-diff.h>) as a JSON
 * document ("format": "perprovis-diff", described in docs/ci.md): the rule,
 * both runs, the counts, the verdict and every row with raw figures and
 * deltas, in ns and in bytes allocated. Owns: that document's layout. Does
 * not own: matching, deltas or verdicts (analyzer/diff.c), nor the text and
 * Markdown tables (render-diff.c).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <perprovis/ppv-diff.h>

#include "render-common.h"
#include "render-diff.h"

#define DIFF_JSON_FORMAT "perprovis-diff"
#define DIFF_JSON_SCHEMA_VERSION 1

static json_int_t ju(uint64_t v)
{
	return v > INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

/* New minus base: negative when it shrank. */
static json_int_t jd(uint64_t before, uint64_t after)
{
	return (json_int_t)after - (json_int_t)before;
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
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:f, s:f}",
			 "calls", ju(f->calls), "total_ns", ju(f->total_ns),
			 "self_ns", ju(f->self_ns), "io_bytes", ju(f->io_bytes),
			 "total_percent", f->total_percent, "self_percent", f->self_percent,
			 "alloc_bytes", ju(f->alloc_bytes),
			 "alloc_bytes_incl", ju(f->alloc_bytes_incl),
			 "alloc_incl_percent", f->alloc_incl_percent,
			 "alloc_self_percent", f->alloc_self_percent);
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

	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:o, s:o}",
			 "calls", jd(b->calls, n->calls),
			 "total_ns", jd(b->total_ns, n->total_ns),
			 "self_ns", jd(b->self_ns, n->self_ns),
			 "io_bytes", jd(b->io_bytes, n->io_bytes),
			 "total_percent", change_json(b->total_ns, n->total_ns),
			 "self_percent", change_json(b->self_ns, n->self_ns),
			 "alloc_bytes", jd(b->alloc_bytes, n->alloc_bytes),
			 "alloc_bytes_incl", jd(b->alloc_bytes_incl, n->alloc_bytes_incl),
			 "alloc_incl_percent",
			 change_json(b->alloc_bytes_incl, n->alloc_bytes_incl),
			 "alloc_self_percent", change_json(b->alloc_bytes, n->alloc_bytes));
}

/* The metric's change is "metric_delta_ns", or "metric_delta_bytes" under a memory metric. */
static json_t *row_json(const struct ppv_diff_ctx *c, const struct ppv_diff_row *r)
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
			 c->memory ? "metric_delta_bytes" : "metric_delta_ns",
			 (json_int_t)(c->memory ? r->delta_bytes : r->delta_ns),
			 "metric_change_percent",
			 isinf(r->change_percent) ? json_null() : json_real(r->change_percent));
}

static json_t *run_json(const struct ppv_diff_run *r, const char *label)
{
	return json_pack("{s:o, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I}",
			 "label", jstr(label), "source", r->from_report ? "report" : "trace",
			 "command", jstr(r->command), "total_ns", ju(r->total_ns),
			 "calls", ju(r->calls), "io_bytes", ju(r->io_bytes),
			 "functions", ju(r->functions), "lost_events", ju(r->lost_events),
			 "unfinished_calls", ju(r->unfinished_calls),
			 "truncated", r->truncated != 0,
			 "alloc_bytes", ju(r->alloc_bytes), "alloc_events", ju(r->alloc_events));
}

static json_t *rule_json(const struct ppv_diff_opts *o)
{
	return json_pack("{s:s, s:f, s:I, s:f, s:b, s:I}",
			 "metric", ppv_diff_metric_name(o->metric),
			 "threshold_percent", o->threshold_percent,
			 "min_delta_ns", ju(o->min_delta_ns),
			 "noise_floor_percent", o->noise_floor_percent,
			 "new_regresses", o->new_regresses != 0,
			 "min_delta_bytes", ju(o->min_delta_bytes));
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

static json_t *diff_json(const struct ppv_diff_ctx *c)
{
	const struct ppv_diff *d = c->d;
	json_t *rows = json_array();

	for (size_t i = 0; i < ppv_diff_row_count(d) && rows; i++)
		if (json_array_append_new(rows, row_json(c, ppv_diff_row(d, i))) < 0)
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
	struct ppv_diff_ctx c;
	json_t *doc;
	size_t flags;
	int rc = ppv_diff_ctx_init(&c, d, o);

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
