/* test-render-json.c - ppv_render_json(): the document is parsed back with
 * jansson and its keys and values checked: original-design figures in ms,
 * raw ns and bytes, summary and caveats, processes and threads, I/O, call
 * graph, call tree (and its depth limit), unique function keys. */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data-fixture.h"

static struct synth d;
static json_t *doc;

static void setup(void)
{
	df_standard(&d);
	doc = NULL;
}

static void teardown(void)
{
	json_decref(doc);
	synth_close(&d);
}

TestSuite(render_json, .init = setup, .fini = teardown);

static json_t *render(struct synth *t, const struct ppv_render_opts *o)
{
	json_error_t err;
	json_t *j;

	cr_assert_eq(synth_render(t, ppv_render_json, o), 0);
	j = json_loads(t->text, 0, &err);
	cr_assert_not_null(j, "line %d: %s\n%s", err.line, err.text, t->text);
	return j;
}

/* The value at a '/'-separated path of object keys and array indices. */
static json_t *at(json_t *j, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && j; k = strtok_r(NULL, "/", &save))
		j = json_is_array(j) ? json_array_get(j, strtoull(k, NULL, 10)) : json_object_get(j, k);
	cr_assert_not_null(j, "no %s", path);
	return j;
}

static void assert_int(const char *path, long long want)
{
	json_t *v = at(doc, path);

	cr_assert(json_is_integer(v), "%s is not an integer", path);
	cr_assert_eq(json_integer_value(v), want, "%s = %lld, expected %lld", path,
		     (long long)json_integer_value(v), want);
}

static void assert_real(const char *path, double want)
{
	json_t *v = at(doc, path);

	cr_assert(json_is_real(v), "%s is not a real", path);
	cr_assert(fabs(json_real_value(v) - want) < 1e-9, "%s = %.9f, expected %.9f", path,
		  json_real_value(v), want);
}

static void assert_str(const char *path, const char *want)
{
	json_t *v = at(doc, path);

	cr_assert(json_is_string(v), "%s is not a string", path);
	cr_assert_str_eq(json_string_value(v), want, "%s", path);
}

Test(render_json, has_the_original_keys_in_ms)
{
	doc = render(&d, NULL);
	assert_str("format", "perprovis-report");
	assert_int("schema_version", 1);
	/* the first event is at SYNTH_T0 = 999 us after the process start */
	assert_str("start_time", "2026-01-01T00:00:00.000999Z");
	assert_str("end_time", "2026-01-01T00:00:00.001999Z");
	assert_str("granularity", "medium");
	assert_str("command", "synthetic --run");
	assert_int("summary/total_function_calls", 6);
	assert_real("summary/total_execution_time_ms", 1.0);
	assert_int("summary/total_errors", 2);
	assert_int("function_profiles/compute/call_count", 3);
	assert_real("function_profiles/compute/total_time_ms", 0.6);
	assert_real("function_profiles/compute/avg_time_ms", 0.2);
	assert_real("function_profiles/compute/min_time_ms", 0.2);
	assert_real("function_profiles/compute/max_time_ms", 0.2);
	assert_real("function_profiles/compute/self_time_ms", 0.55);
	assert_int("function_profiles/io_work/errors", 2);
	assert_str("top_functions_by_time/0/function", "main");
	assert_str("top_functions_by_time/1/function", "compute");
	assert_real("top_functions_by_time/1/percent_of_run", 60.0);
	assert_int("call_graph/callers/compute/main/calls", 3);
	assert_int("call_graph/callees/main/io_work/calls", 1);
	assert_int("call_graph/callers/main/<root>/calls", 1);
	assert_int("call_graph/callees/<root>/main/total_ns", 1000000);
}

Test(render_json, has_every_figure_in_ns_and_bytes)
{
	doc = render(&d, NULL);
	assert_int("summary/total_ns", 1000000);
	assert_int("summary/start_ns", (long long)SYNTH_T0);
	assert_int("summary/duration_ns", 1000000);
	assert_int("summary/start_realtime_ns", (long long)(SYNTH_REALTIME + SYNTH_T0 - SYNTH_START_NS));
	assert_int("summary/io_ops", 4);
	assert_int("summary/io_bytes", 5608);
	assert_int("function_profiles/compute/calls", 3);
	assert_int("function_profiles/compute/total_ns", 600000);
	assert_int("function_profiles/compute/self_ns", 550000);
	assert_int("function_profiles/compute/min_ns", 200000);
	assert_int("function_profiles/compute/max_ns", 200000);
	assert_int("function_profiles/compute/avg_ns", 200000);
	assert_int("function_profiles/helper/io_bytes", 512);
	assert_int("function_profiles/io_work/io_ops", 3);
	assert_int("function_profiles/io_work/io_bytes", 5096);
	assert_int("function_profiles/io_work/io_ns", 200000);
	assert_int("function_profiles/io_work/io_errors", 1);
	assert_str("function_profiles/io_work/kind", "scope");
	cr_assert(json_is_null(at(doc, "function_profiles/io_work/module")));
	/* percentiles are within 1% */
	for (int i = 0; i < 3; i++) {
		static const char *const q[] = { "p50_ns", "p95_ns", "p99_ns" };
		char path[64];
		long long v;

		snprintf(path, sizeof(path), "function_profiles/compute/%s", q[i]);
		v = json_integer_value(at(doc, path));
		cr_assert(v >= 198000 && v <= 202000, "%s = %lld", path, v);
	}
}

Test(render_json, lists_io_processes_threads_and_caveats)
{
	doc = render(&d, NULL);
	assert_int("io_profiles/by_kind/database/ops", 1);
	assert_int("io_profiles/by_kind/database/bytes", 4096);
	assert_int("io_profiles/by_kind/database/total_ns", 100000);
	assert_real("io_profiles/by_kind/database/throughput_mb_s", 40.96);
	assert_int("io_profiles/by_kind/file-read/errors", 1);
	assert_str("io_profiles/by_name/0/name", "query_users");
	assert_str("io_profiles/by_name/0/kind", "database");
	assert_str("io_profiles/by_function/3/function", "helper");
	assert_str("io_profiles/by_function/3/kind", "file-write");
	assert_int("processes/0/pid", SYNTH_PID);
	assert_int("processes/0/ppid", 1);
	assert_str("processes/0/start_time", "2026-01-01T00:00:00.000000Z");
	cr_assert(json_is_true(at(doc, "processes/0/complete")));
	assert_int("threads/0/tid", 100);
	assert_str("threads/0/name", "app");
	assert_int("threads/0/calls", 6);
	assert_int("caveats/lost_events", 0);
	assert_int("caveats/unfinished_calls", 0);
	assert_int("caveats/unmatched_exits", 0);
	assert_int("caveats/repaired_frames", 0);
	cr_assert(json_is_false(at(doc, "caveats/truncated")));
}

Test(render_json, nests_the_call_tree)
{
	doc = render(&d, NULL);
	assert_str("call_tree/function", "<root>");
	assert_int("call_tree/max_depth", 128);
	assert_str("call_tree/children/0/function", "main");
	assert_str("call_tree/children/0/children/0/function", "compute");
	assert_int("call_tree/children/0/children/0/calls", 3);
	assert_int("call_tree/children/0/children/0/total_ns", 600000);
	assert_int("call_tree/children/0/children/0/self_ns", 550000);
	assert_str("call_tree/children/0/children/0/children/0/function", "helper");
	assert_int("call_tree/children/0/children/0/children/0/io_bytes", 512);
	assert_str("call_tree/children/0/children/1/function", "io_work");
	assert_int("call_tree/children/0/children/1/errors", 2);
	cr_assert_null(json_object_get(at(doc, "call_tree/children/0"), "children_omitted"));
}

Test(render_json, cuts_the_tree_at_max_depth_and_says_so)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .max_depth = 1, .limit = 1 };

	doc = render(&d, &o);
	assert_int("call_tree/max_depth", 1);
	cr_assert_eq(json_array_size(at(doc, "call_tree/children/0/children")), 0);
	assert_int("call_tree/children/0/children_omitted", 2);
	cr_assert_eq(json_array_size(at(doc, "top_functions_by_time")), 1);
}

Test(render_json, indents_only_when_pretty)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .pretty = 1 };

	doc = render(&d, NULL);
	/* compact: one line */
	cr_assert_eq(strchr(d.text, '\n'), d.text + d.len - 1, "%s", d.text);
	json_decref(doc);
	doc = render(&d, &o);
	cr_assert_eq(strncmp(d.text, "{\n  \"format\": \"perprovis-report\",\n  \"", 37), 0, "%.60s",
		     d.text);
}

Test(render_json, reports_write_errors)
{
	FILE *full = fopen("/dev/full", "w");

	cr_assert_not_null(full);
	cr_assert_eq(ppv_render_json(d.p, NULL, full), -EIO);
	fclose(full);
}

/*
 * "dup" is a function of two modules and a scope; a scope is named
 * "<root>", the key call_graph uses for "called from no recorded function",
 * and one "dup@scope". Every function keeps a key of its own.
 */
Test(json_keys, keep_functions_of_the_same_name_apart)
{
	static const char *const mods[] = { "/bin/app", "/opt/other/libdup.so" };
	static const uint8_t ids[] = { 1, 2 };
	json_t *fp, *f;
	struct synth t;

	synth_begin(&t, "synthetic --run");
	synth_module(&t, 0x400000, mods[0], ids[0]);
	synth_module(&t, 0x7f0000000000, mods[1], ids[1]);
	synth_scope(&t, 9, 0, "dup", 1);
	synth_func(&t, 9, 10, 0x401000, 1);
	synth_func(&t, 9, 20, 0x401000, 0);
	synth_func(&t, 9, 30, 0x7f0000001000, 1);
	synth_func(&t, 9, 50, 0x7f0000001000, 0);
	synth_scope(&t, 9, 60, "<root>", 1);
	synth_scope(&t, 9, 90, "<root>", 0);
	/* named like the key "dup" the scope gets */
	synth_scope(&t, 9, 92, "dup@scope", 1);
	synth_scope(&t, 9, 93, "dup@scope", 0);
	synth_scope(&t, 9, 100, "dup", 0);
	synth_symbols(&t, "dup", mods, ids, 2);
	synth_end(&t);
	doc = render(&t, NULL);
	fp = at(doc, "function_profiles");
	cr_assert_eq(ppv_profile_func_count(t.p), 5);
	cr_assert_eq(json_object_size(fp), 5, "%s", t.text);
	assert_int("function_profiles/dup@scope/total_ns", 100);
	assert_str("function_profiles/dup@scope/name", "dup");
	assert_int("function_profiles/<root>@scope/total_ns", 30);
	f = json_object_get(fp, "dup@/bin/app");
	cr_assert_not_null(f, "%s", t.text);
	cr_assert_eq(json_integer_value(json_object_get(f, "total_ns")), 10);
	cr_assert_str_eq(json_string_value(json_object_get(f, "name")), "dup");
	f = json_object_get(fp, "dup@/opt/other/libdup.so");
	cr_assert_not_null(f, "%s", t.text);
	cr_assert_eq(json_integer_value(json_object_get(f, "total_ns")), 20);
	cr_assert_str_eq(json_string_value(json_object_get(f, "module")), mods[1]);
	/* the graph and the tree use the same keys */
	assert_int("call_graph/callees/dup@scope/<root>@scope/calls", 1);
	assert_int("call_graph/callers/dup@scope/<root>/calls", 1);
	assert_str("call_tree/children/0/function", "dup@scope");
	synth_close(&t);
}
