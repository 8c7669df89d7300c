/* SPDX-License-Identifier: MIT */
/*
 * render-json.c - the JSON report (docs/report-schema.md): every figure of a
 * profile as one jansson document, in the original design's keys (times in
 * ms) plus the raw integers (ns, bytes, counts), the caveats, processes,
 * threads, I/O, memory (render-json-memory.c), the call graph and the
 * nested calling-context tree.
 * Owns: the report's layout and the unique key of each function. Does not
 * own: statistics (the analyzer) or human-readable formatting (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "render-common.h"
#include "render-json.h"

#define PPV_JSON_FORMAT "perprovis-report"
#define PPV_JSON_SCHEMA_VERSION 1
#define PPV_JSON_TOP_DEFAULT 10
/*
 * Nesting cap of call_tree when opts->max_depth is 0: common JSON readers
 * give up on deeper documents (jansson at 2048 levels, Python's json near
 * 1000 recursion frames, and each tree level is two). Cut nodes say so
 * with "children_omitted", so the cap is never silent.
 */
#define PPV_JSON_TREE_DEPTH 128
#define PPV_JSON_ROOT_KEY "<root>"

struct json_ctx {
	const struct ppv_profile *p;
	struct ppv_render_opts o;
	size_t nfuncs;
	char **keys; /* by function id: its key in function_profiles */
	int err;     /* -ENOMEM once anything failed */
};

static json_int_t ju(uint64_t v)
{
	return v > INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* Make @s valid UTF-8 in place: if it is not, every non-ASCII byte becomes '?'. */
static void utf8_fix(char *s)
{
	json_t *v = json_string(s);

	if (v) {
		json_decref(v);
		return;
	}
	for (unsigned char *c = (unsigned char *)s; *c; c++)
		if (*c >= 0x80)
			*c = '?';
}

/* A JSON string of @s (made valid UTF-8), or null. */
static json_t *jstr(const char *s)
{
	json_t *v;
	char *copy;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v || !(copy = strdup(s)))
		return v;
	utf8_fix(copy);
	v = json_string(copy);
	free(copy);
	return v;
}

/* Insert @v (stolen) as @key of @obj; a NULL @v or a failure sets ctx->err. */
static void put(struct json_ctx *c, json_t *obj, const char *key, json_t *v)
{
	json_t *k = jstr(key);

	if (!obj || !v || !k || json_object_set_new(obj, json_string_value(k), v) < 0) {
		if (obj && v && k)
			v = NULL; /* json_object_set_new() released it */
		json_decref(v);
		c->err = -ENOMEM;
	}
	json_decref(k);
}

static void append(struct json_ctx *c, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v) < 0)
		c->err = -ENOMEM;
}

/* "2026-01-01T12:00:00.000123Z" for a CLOCK_REALTIME ns value. */
static json_t *iso_time(uint64_t realtime_ns)
{
	char buf[PPV_WALL_LEN];

	return ppv_format_wall(realtime_ns, 6, buf, sizeof(buf)) ? json_string(buf) : json_null();
}

/* Count one more use of @key in @seen (a key -> count object); return the count. */
static json_int_t count_key(json_t *seen, const char *key)
{
	json_int_t n = json_integer_value(json_object_get(seen, key)) + 1;

	return json_object_set_new(seen, key, json_integer(n)) < 0 ? -1 : n;
}

static char *base_key(const struct ppv_func_stats *f)
{
	const char *where = f->module ? f->module : f->kind == PPV_FRAME_SCOPE ? "scope" : "?";
	char *k;

	return asprintf(&k, "%s@%s", f->name ? f->name : "?", where) < 0 ? NULL : k;
}

/* Function @id's key, given how often each name and base key occurs. */
static char *key_choose(const struct json_ctx *c, uint32_t id, json_t *names, json_t *bases,
			json_t *used)
{
	const struct ppv_func_stats *f = ppv_profile_func(c->p, id);
	char *b = base_key(f), *k = NULL;

	if (!b)
		return NULL;
	if (json_integer_value(json_object_get(names, f->name ? f->name : "?")) == 1)
		k = strdup(f->name ? f->name : "?");
	else if (json_integer_value(json_object_get(bases, b)) == 1)
		k = strdup(b);
	if (k)
		utf8_fix(k); /* call_graph looks keys up as written */
	/* a derived key can still equal another function's name */
	if (!k || json_object_get(used, k) || count_key(used, k) < 0) {
		free(k);
		if (asprintf(&k, "%s#%" PRIu32, b, id) < 0)
			k = NULL;
		else
			utf8_fix(k);
	}
	free(b);
	return k;
}

/*
 * Keys of function_profiles: the name when it is unique, else
 * "name@module" ("name@scope" for named scopes), else "name@module#id".
 * "<root>" (the caller of outermost frames in call_graph) is reserved.
 */
static int keys_build(struct json_ctx *c)
{
	json_t *names = json_object(), *bases = json_object(), *used = json_object();
	int rc = -ENOMEM;

	c->keys = calloc(c->nfuncs ? c->nfuncs : 1, sizeof(*c->keys));
	if (!names || !bases || !used || !c->keys || count_key(names, PPV_JSON_ROOT_KEY) < 0 ||
	    count_key(used, PPV_JSON_ROOT_KEY) < 0)
		goto out;
	for (uint32_t i = 0; i < c->nfuncs; i++) {
		const struct ppv_func_stats *f = ppv_profile_func(c->p, i);
		char *b = base_key(f);

		if (!b)
			goto out;
		count_key(names, f->name ? f->name : "?");
		count_key(bases, b);
		free(b);
	}
	for (uint32_t i = 0; i < c->nfuncs; i++)
		if (!(c->keys[i] = key_choose(c, i, names, bases, used)))
			goto out;
	rc = 0;
out:
	json_decref(names);
	json_decref(bases);
	json_decref(used);
	return rc;
}

static const char *key_of(const struct json_ctx *c, uint32_t id)
{
	if (id == PPV_CCT_ROOT)
		return PPV_JSON_ROOT_KEY;
	return id < c->nfuncs ? c->keys[id] : "?";
}

static json_t *summary_json(const struct json_ctx *c)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(c->p);
	uint64_t dur = s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;

	return json_pack("{s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:I}",
			 "total_function_calls", ju(s->total_calls),
			 "total_execution_time_ms", ms(s->total_ns),
			 "total_errors", ju(s->errors),
			 "calls", ju(s->total_calls),
			 "total_ns", ju(s->total_ns),
			 "errors", ju(s->errors),
			 "events", ju(s->events),
			 "start_ns", ju(s->start_ns),
			 "end_ns", ju(s->end_ns),
			 "duration_ns", ju(dur),
			 "start_realtime_ns", ju(ppv_render_wall_ns(c->p, s->start_ns)),
			 "io_ops", ju(s->io_ops),
			 "io_bytes", ju(s->io_bytes),
			 "wall_time_ms", ms(dur),
			 "processes", ju(s->nprocesses),
			 "threads", ju(s->nthreads),
			 "io_would_block", ju(s->io_would_block));
}

static json_t *caveats_json(const struct ppv_profile_summary *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I}",
			 "lost_events", ju(s->lost),
			 "unfinished_calls", ju(s->unfinished_calls),
			 "unmatched_exits", ju(s->unmatched_exits),
			 "repaired_frames", ju(s->repaired_frames),
			 "truncated", s->truncated != 0,
			 "pauses", ju(s->pauses),
			 "paused_frames", ju(s->paused_frames),
			 "resumed_exits", ju(s->resumed_exits));
}

static json_t *process_json(const struct ppv_process_info *pi)
{
	uint64_t dur = pi->end_ns > pi->start_ns ? pi->end_ns - pi->start_ns : 0;

	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
			 "pid", (json_int_t)pi->pid,
			 "ppid", (json_int_t)pi->ppid,
			 "command", jstr(pi->cmdline),
			 "exe", jstr(pi->exe),
			 "file", jstr(pi->file),
			 "clock", jstr(pi->clock),
			 "start_time", iso_time(pi->start_realtime_ns),
			 "start_realtime_ns", ju(pi->start_realtime_ns),
			 "start_ns", ju(pi->start_ns),
			 "end_ns", ju(pi->end_ns),
			 "duration_ns", ju(dur),
			 "events", ju(pi->events),
			 "lost_events", ju(pi->lost),
			 "complete", pi->complete != 0);
}

static json_t *thread_json(const struct ppv_thread_stats *t)
{
	return json_pack("{s:I, s:I, s:o, s:I, s:I, s:I, s:I}",
			 "pid", (json_int_t)t->pid,
			 "tid", (json_int_t)t->tid,
			 "name", jstr(t->name),
			 "start_ns", ju(t->start_ns),
			 "end_ns", ju(t->end_ns),
			 "calls", ju(t->calls),
			 "total_ns", ju(t->total_ns));
}

static uint64_t pct(const struct ppv_func_stats *f, double q)
{
	return f->hist && ppv_hist_count(f->hist) ? ppv_hist_percentile(f->hist, q) : 0;
}

/* The original design's figures, in ms; func_raw_add() adds the raw ones. */
static json_t *func_json(const struct json_ctx *c, const struct ppv_func_stats *f)
{
	uint64_t avg = f->avg_ns;

	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:I, s:f, s:f, s:f, s:f, s:f, s:I, s:f}",
			 "id", (json_int_t)f->id,
			 "kind", f->kind == PPV_FRAME_SCOPE ? "scope" : "function",
			 "name", jstr(f->name ? f->name : "?"),
			 "module", jstr(f->module),
			 "source", jstr(f->source),
			 "call_count", ju(f->calls),
			 "total_time_ms", ms(f->total_ns),
			 "avg_time_ms", ms(avg),
			 "min_time_ms", ms(f->min_ns),
			 "max_time_ms", ms(f->max_ns),
			 "self_time_ms", ms(f->self_ns),
			 "errors", ju(f->errors),
			 "percent_of_run", ppv_render_percent(c->p, f->total_ns));
}

static void func_raw_add(struct json_ctx *c, json_t *obj, const struct ppv_func_stats *f)
{
	const struct { const char *key; uint64_t v; } raw[] = {
		{ "calls", f->calls },       { "total_ns", f->total_ns },
		{ "self_ns", f->self_ns },   { "sum_ns", f->sum_ns },
		{ "avg_ns", f->avg_ns },
		{ "min_ns", f->min_ns },     { "max_ns", f->max_ns },
		{ "p50_ns", pct(f, 0.50) },  { "p95_ns", pct(f, 0.95) },
		{ "p99_ns", pct(f, 0.99) },  { "io_ops", f->io_ops },
		{ "io_bytes", f->io_bytes }, { "io_ns", f->io_ns },
		{ "io_errors", f->io_errors }, { "unfinished", f->unfinished },
		{ "io_would_block", f->io_would_block },
		{ "alloc_count", f->alloc_count }, { "alloc_bytes", f->alloc_bytes },
		{ "alloc_count_incl", f->alloc_count_incl },
		{ "alloc_bytes_incl", f->alloc_bytes_incl },
		{ "free_count", f->free_count }, { "freed_bytes", f->freed_bytes },
		{ "retained_count", f->retained_count }, { "retained_bytes", f->retained_bytes },
		{ "peak_bytes", f->peak_bytes },
	};

	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		put(c, obj, raw[i].key, json_integer(ju(raw[i].v)));
}

/* function_profiles, ordered by total time (largest first) */
static json_t *functions_json(struct json_ctx *c, const struct ppv_func_stats **sorted, int n)
{
	json_t *obj = json_object();

	for (int i = 0; i < n && obj; i++) {
		json_t *f = func_json(c, sorted[i]);

		func_raw_add(c, f, sorted[i]);
		put(c, obj, key_of(c, sorted[i]->id), f);
	}
	return obj;
}

static json_t *top_json(struct json_ctx *c, const struct ppv_func_stats **sorted, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n && (unsigned int)i < c->o.limit; i++) {
		const struct ppv_func_stats *f = sorted[i];

		append(c, arr, json_pack("{s:o, s:o, s:f, s:I, s:I, s:f}",
					 "function", jstr(key_of(c, f->id)),
					 "name", jstr(f->name ? f->name : "?"),
					 "total_time_ms", ms(f->total_ns),
					 "total_ns", ju(f->total_ns),
					 "calls", ju(f->calls),
					 "percent_of_run", ppv_render_percent(c->p, f->total_ns)));
	}
	return arr;
}

/* One I/O row: the figures every grouping shares. */
static json_t *io_figures_json(const struct ppv_io_stats *s)
{
	uint64_t avg = s->avg_ns;
	double mbps = s->mb_per_s;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:I}",
			 "ops", ju(s->ops),
			 "bytes", ju(s->bytes),
			 "total_ns", ju(s->total_ns),
			 "avg_ns", ju(avg),
			 "min_ns", ju(s->min_ns),
			 "max_ns", ju(s->max_ns),
			 "errors", ju(s->errors),
			 "total_time_ms", ms(s->total_ns),
			 "avg_time_ms", ms(avg),
			 "throughput_mb_s", mbps,
			 "would_block", ju(s->would_block));
}

/* A row of a grouping by kind: the figures and the kind. */
static json_t *io_json(struct json_ctx *c, const struct ppv_io_stats *s)
{
	json_t *row = io_figures_json(s);

	put(c, row, "kind", json_string(ppv_io_kind_name(s->kind)));
	return row;
}

/* by_class or by_operation: rows keyed by the class or operation name. */
static json_t *io_enum_json(struct json_ctx *c, int by_op)
{
	json_t *obj = json_object();
	size_t n;
	const struct ppv_io_stats *rows = by_op ? ppv_profile_io_by_op(c->p, &n)
						: ppv_profile_io_by_class(c->p, &n);

	for (size_t i = 0; i < n; i++)
		put(c, obj, by_op ? ppv_io_op_name(rows[i].op) : ppv_fd_class_name(rows[i].fdclass),
		    io_figures_json(&rows[i]));
	return obj;
}

static json_t *io_profiles_json(struct json_ctx *c)
{
	json_t *kinds = json_object(), *names = json_array(), *funcs = json_array();
	const struct ppv_io_stats *rows;
	size_t n;

	rows = ppv_profile_io_by_kind(c->p, &n);
	for (size_t i = 0; i < n; i++)
		put(c, kinds, ppv_io_kind_name(rows[i].kind), io_json(c, &rows[i]));
	rows = ppv_profile_io_by_name(c->p, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *row = io_json(c, &rows[i]);

		put(c, row, "name", jstr(rows[i].name));
		append(c, names, row);
	}
	rows = ppv_profile_io_by_func(c->p, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *row = io_json(c, &rows[i]);

		put(c, row, "function", jstr(key_of(c, rows[i].func)));
		append(c, funcs, row);
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "by_kind", kinds, "by_name", names,
			 "by_function", funcs, "by_class", io_enum_json(c, 0),
			 "by_operation", io_enum_json(c, 1));
}

static json_t *edge_json(const struct ppv_call_edge *e)
{
	return json_pack("{s:I, s:I, s:f}", "calls", ju(e->calls), "total_ns", ju(e->total_ns),
			 "total_time_ms", ms(e->total_ns));
}

/* call_graph: callers[callee][caller] and callees[caller][callee], every function listed. */
static json_t *call_graph_json(struct json_ctx *c)
{
	json_t *callers = json_object(), *callees = json_object();
	size_t n;
	const struct ppv_call_edge *e = ppv_profile_edges(c->p, &n);

	for (uint32_t i = 0; i < c->nfuncs; i++) {
		put(c, callers, key_of(c, i), json_object());
		put(c, callees, key_of(c, i), json_object());
	}
	put(c, callees, PPV_JSON_ROOT_KEY, json_object());
	for (size_t i = 0; i < n && !c->err; i++) {
		json_t *to = json_object_get(callers, key_of(c, e[i].callee));
		json_t *from = json_object_get(callees, key_of(c, e[i].caller));

		put(c, to, key_of(c, e[i].caller), edge_json(&e[i]));
		put(c, from, key_of(c, e[i].callee), edge_json(&e[i]));
	}
	return json_pack("{s:o, s:o}", "callers", callers, "callees", callees);
}

static json_t *node_json(struct json_ctx *c, const struct ppv_cct_node *n, unsigned int level)
{
	json_t *obj = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				"function", jstr(key_of(c, n->func)),
				"calls", ju(n->calls),
				"total_ns", ju(n->total_ns),
				"self_ns", ju(n->self_ns),
				"errors", ju(n->errors),
				"io_bytes", ju(n->io_bytes),
				"alloc_count", ju(n->alloc_count),
				"alloc_bytes", ju(n->alloc_bytes));
	json_t *kids = json_array();
	uint64_t omitted = 0;

	for (const struct ppv_cct_node *k = n->first_child; k && !c->err; k = k->next_sibling) {
		if (level >= c->o.max_depth)
			omitted++;
		else
			append(c, kids, node_json(c, k, level + 1));
	}
	put(c, obj, "children", kids);
	if (omitted)
		put(c, obj, "children_omitted", json_integer(ju(omitted)));
	return obj;
}

static json_t *tree_json(struct json_ctx *c)
{
	json_t *tree = node_json(c, ppv_profile_cct_root(c->p), 0);

	put(c, tree, "max_depth", json_integer(c->o.max_depth));
	return tree;
}

static json_t *lists_json(struct json_ctx *c, int threads)
{
	size_t n = threads ? ppv_profile_thread_count(c->p) : ppv_profile_process_count(c->p);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		append(c, arr, threads ? thread_json(ppv_profile_thread(c->p, i))
				       : process_json(ppv_profile_process(c->p, i)));
	return arr;
}

static json_t *report_json(struct json_ctx *c, const struct ppv_func_stats **sorted, int n)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(c->p);
	json_t *r = json_object();

	put(c, r, "format", json_string(PPV_JSON_FORMAT));
	put(c, r, "schema_version", json_integer(PPV_JSON_SCHEMA_VERSION));
	put(c, r, "generator", json_string("perprovis " PPV_VERSION_STRING));
	put(c, r, "start_time", iso_time(ppv_render_wall_ns(c->p, s->start_ns)));
	put(c, r, "end_time", iso_time(ppv_render_wall_ns(c->p, s->end_ns)));
	put(c, r, "granularity", jstr(s->granularity ? s->granularity : "medium"));
	put(c, r, "command", jstr(s->cmdline));
	put(c, r, "summary", summary_json(c));
	put(c, r, "caveats", caveats_json(s));
	put(c, r, "processes", lists_json(c, 0));
	put(c, r, "threads", lists_json(c, 1));
	put(c, r, "function_profiles", functions_json(c, sorted, n));
	put(c, r, "top_functions_by_time", top_json(c, sorted, n));
	put(c, r, "io_profiles", io_profiles_json(c));
	put(c, r, "memory", ppv_json_memory(c->p, (const char *const *)c->keys));
	put(c, r, "call_graph", call_graph_json(c));
	put(c, r, "call_tree", tree_json(c));
	return r;
}

static void ctx_release(struct json_ctx *c)
{
	for (size_t i = 0; c->keys && i < c->nfuncs; i++)
		free(c->keys[i]);
	free(c->keys);
}

int ppv_render_json(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	struct json_ctx c = { .p = p, .nfuncs = ppv_profile_func_count(p) };
	const struct ppv_func_stats **sorted = NULL;
	json_t *report = NULL;
	size_t flags;
	int n, rc;

	rc = ppv_render_opts_fill(o, PPV_JSON_TOP_DEFAULT, &c.o);
	if (rc < 0)
		return rc;
	if (!c.o.max_depth)
		c.o.max_depth = PPV_JSON_TREE_DEPTH;
	flags = JSON_REAL_PRECISION(15) | (c.o.pretty ? JSON_INDENT(2) : JSON_COMPACT);
	sorted = calloc(c.nfuncs ? c.nfuncs : 1, sizeof(*sorted));
	rc = sorted ? keys_build(&c) : -ENOMEM;
	if (rc < 0)
		goto out;
	n = ppv_profile_sorted(p, PPV_SORT_TOTAL, sorted);
	if (n < 0) {
		rc = n;
		goto out;
	}
	report = report_json(&c, sorted, n);
	rc = c.err;
	if (rc < 0)
		goto out;
	if (json_dumpf(report, out, flags) < 0 || fputc('\n', out) == EOF)
		rc = -EIO;
	else
		rc = ppv_render_end(out);
out:
	json_decref(report);
	free(sorted);
	ctx_release(&c);
	return rc;
}
