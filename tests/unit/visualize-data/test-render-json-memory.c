/* test-render-json-memory.c - the JSON report of the memory run (see
 * synth-trace.h): the "memory" object (totals, processes, leaks by call
 * path), each function's memory figures, call-tree allocations, I/O by
 * class and by operation with "would block", and the pause caveats; then
 * the whole document validated against docs/report-schema.json with
 * python3-jsonschema (tests/integration/reports-data/check-report.py). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "synth-trace.h"

static struct synth m;
static json_t *doc;

static void setup(void)
{
	json_error_t err;

	synth_memory_run(&m);
	cr_assert_eq(synth_render(&m, ppv_render_json, NULL), 0);
	doc = json_loads(m.text, 0, &err);
	cr_assert_not_null(doc, "line %d: %s", err.line, err.text);
}

static void teardown(void)
{
	json_decref(doc);
	synth_close(&m);
}

TestSuite(json_memory, .init = setup, .fini = teardown);

static json_t *at(const char *path)
{
	char buf[256], *save = NULL;
	json_t *j = doc;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && j; k = strtok_r(NULL, "/", &save))
		j = json_is_array(j) ? json_array_get(j, strtoull(k, NULL, 10)) : json_object_get(j, k);
	cr_assert_not_null(j, "no %s", path);
	return j;
}

static void assert_int(const char *path, long long want)
{
	json_t *v = at(path);

	cr_assert(json_is_integer(v), "%s is not an integer", path);
	cr_assert_eq(json_integer_value(v), want, "%s = %lld, expected %lld", path,
		     (long long)json_integer_value(v), want);
}

static void assert_str(const char *path, const char *want)
{
	cr_assert_str_eq(json_string_value(at(path)), want, "%s", path);
}

Test(json_memory, totals_processes_and_leaks)
{
	cr_assert(json_is_true(at("memory/recorded")));
	assert_int("memory/total/events", 9);
	assert_int("memory/total/alloc_count", 5);
	assert_int("memory/total/alloc_bytes", 6608);
	assert_int("memory/total/free_count", 3);
	assert_int("memory/total/freed_bytes", 6244);
	assert_int("memory/total/live_count", 2);
	assert_int("memory/total/live_bytes", 364);
	assert_int("memory/total/peak_bytes", 6308);
	assert_int("memory/total/unmatched_frees", 1);
	assert_int("memory/total/rss_samples", 3);
	assert_int("memory/total/rss_bytes", 2 << 20);
	assert_int("memory/total/peak_rss", 3 << 20);
	assert_int("memory/by_process/0/pid", SYNTH_PID);
	assert_int("memory/by_process/0/peak_bytes", 6308);
	cr_assert_eq(json_array_size(at("memory/by_process")), 1);
	cr_assert_eq(json_array_size(at("memory/leaks")), 2);
	assert_int("memory/leaks/0/bytes", 300);
	assert_int("memory/leaks/0/count", 1);
	assert_str("memory/leaks/0/path/0", "main");
	assert_str("memory/leaks/0/path/1", "send");
	cr_assert_eq(json_array_size(at("memory/leaks/0/path")), 2);
	assert_int("memory/leaks/1/bytes", 64);
	assert_str("memory/leaks/1/path/2", "leaf");
}

Test(json_memory, function_figures_and_tree_nodes)
{
	assert_int("function_profiles/main/alloc_count", 1);
	assert_int("function_profiles/main/alloc_bytes", 100);
	assert_int("function_profiles/main/alloc_count_incl", 5);
	assert_int("function_profiles/main/alloc_bytes_incl", 6608);
	assert_int("function_profiles/main/free_count", 1);
	assert_int("function_profiles/main/freed_bytes", 100);
	assert_int("function_profiles/parse/alloc_bytes_incl", 6208);
	assert_int("function_profiles/parse/freed_bytes", 6144);
	assert_int("function_profiles/parse/peak_bytes", 6144);
	assert_int("function_profiles/send/retained_count", 1);
	assert_int("function_profiles/send/retained_bytes", 300);
	assert_int("function_profiles/send/io_would_block", 1);
	assert_int("function_profiles/send/io_errors", 0);
	assert_int("call_tree/children/0/alloc_bytes", 100);
	assert_int("call_tree/alloc_count", 0);
}

Test(json_memory, io_by_class_and_operation)
{
	assert_int("summary/io_would_block", 1);
	assert_int("io_profiles/by_class/tcp/ops", 2);
	assert_int("io_profiles/by_class/tcp/bytes", 512);
	assert_int("io_profiles/by_class/tcp/would_block", 1);
	assert_int("io_profiles/by_class/tcp/errors", 0);
	assert_int("io_profiles/by_class/file/total_ns", 1000);
	cr_assert_eq(json_object_size(at("io_profiles/by_class")), 2);
	assert_int("io_profiles/by_operation/read/ops", 2);
	assert_int("io_profiles/by_operation/read/bytes", 4096);
	assert_int("io_profiles/by_operation/write/bytes", 512);
	cr_assert_null(json_object_get(at("io_profiles/by_operation/read"), "kind"));
	assert_int("io_profiles/by_kind/network/would_block", 1);
	assert_int("caveats/pauses", 0);
	assert_int("caveats/paused_frames", 0);
	assert_int("caveats/resumed_exits", 0);
}

/* Validate with the integration tests' checker (its output to stderr: stdout
 * is the TAP stream); skip without jsonschema. */
static int validate(const char *json_text)
{
	char path[] = "/tmp/ppv-json-memory.XXXXXX", cmd[1024];
	int fd = mkstemp(path), rc;
	FILE *f = fdopen(fd, "w");

	cr_assert_not_null(f);
	fputs(json_text, f);
	cr_assert_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' '%s' memory/total/alloc_bytes=6608 "
		 "memory/leaks/0/path/1='\"send\"' 1>&2", PPV_CHECK_REPORT, PPV_SCHEMA, path);
	rc = system(cmd);
	unlink(path);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

Test(json_memory, validates_against_the_schema)
{
	int rc = validate(m.text);

	if (rc == 77)
		cr_skip_test("python3-jsonschema is not installed");
	cr_assert_eq(rc, 0, "the report does not match docs/report-schema.json");
}

/* The checker can fail: a report missing a required memory key does. */
Test(json_memory, the_schema_rejects_a_broken_memory_object)
{
	char *broken;
	int rc;

	json_object_del(json_object_get(doc, "memory"), "leaks");
	broken = json_dumps(doc, JSON_COMPACT);
	cr_assert_not_null(broken);
	rc = validate(broken);
	free(broken);
	if (rc == 77)
		cr_skip_test("python3-jsonschema is not installed");
	cr_assert_eq(rc, 1);
}
