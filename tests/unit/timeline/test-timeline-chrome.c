/* test-timeline-chrome.c - ppv_timeline_* in the Chrome Trace Event format:
 * the document is parsed back with jansson and checked event by event
 * (complete events with exact times, names, counters, instants, metadata,
 * otherData), plus --min-duration, gzip, escaping, unfinished calls, bad
 * options and write failures. */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tl-fixture.h"

static struct synth f;
static json_t *doc;

static void setup(void)
{
	doc = NULL;
}

static void teardown(void)
{
	json_decref(doc);
	synth_close(&f);
}

TestSuite(timeline_chrome, .init = setup, .fini = teardown);

static const struct ppv_timeline_opts chrome = { .sz = sizeof(chrome) };

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	cr_assert_not_null(j, "line %d: %s\n%s", err.line, err.text, text);
	return j;
}

/* The @n-th (from 0) event with phase @ph and name @name (NULL: any). */
static json_t *event(const char *ph, const char *name, size_t n)
{
	json_t *evs = json_object_get(doc, "traceEvents"), *e;
	size_t i;

	json_array_foreach(evs, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "ph")), ph) != 0)
			continue;
		if (name && strcmp(json_string_value(json_object_get(e, "name")), name) != 0)
			continue;
		if (n-- == 0)
			return e;
	}
	return NULL;
}

static size_t count(const char *ph)
{
	size_t n = 0;

	while (event(ph, NULL, n))
		n++;
	return n;
}

static double num(json_t *e, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && e; k = strtok_r(NULL, "/", &save))
		e = json_object_get(e, k);
	cr_assert(json_is_number(e), "%s is not a number", path);
	return json_number_value(e);
}

static const char *str(json_t *e, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && e; k = strtok_r(NULL, "/", &save))
		e = json_object_get(e, k);
	cr_assert(json_is_string(e), "%s is not a string", path);
	return json_string_value(e);
}

Test(timeline_chrome, writes_one_complete_event_per_call_with_exact_times)
{
	json_t *e;

	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	cr_assert_eq(count("X"), 6);
	e = event("X", "helper", 0);
	cr_assert_not_null(e);
	cr_assert_str_eq(str(e, "cat"), "scope");
	cr_assert_eq(num(e, "pid"), 100);
	cr_assert_eq(num(e, "tid"), 100);
	cr_assert_eq(num(e, "args/self_ns"), 50000);
	/* the origin is the first event (the thread's start at offset 0) */
	cr_assert_not_null(strstr(f.text, "\"name\":\"helper\",\"cat\":\"scope\",\"ts\":150.000,"
				  "\"pid\":100,\"tid\":100,\"dur\":50.000,"), "%s", f.text);
	e = event("X", "compute", 0);
	cr_assert_eq(num(e, "ts"), 100.0);
	cr_assert_eq(num(e, "dur"), 200.0);
	cr_assert_eq(num(e, "args/self_ns"), 150000);
	cr_assert_eq(num(event("X", "compute", 2), "ts"), 500.0);
	e = event("X", "main", 0);
	cr_assert_eq(num(e, "ts"), 0.0);
	cr_assert_eq(num(e, "dur"), 1000.0);
	cr_assert_eq(num(e, "args/self_ns"), 150000);
	cr_assert_null(json_object_get(json_object_get(e, "args"), "unfinished"));
	cr_assert_str_eq(str(doc, "displayTimeUnit"), "ns");
	cr_assert_eq(num(doc, "otherData/calls"), 6);
	cr_assert_eq(num(doc, "otherData/calls_dropped"), 0);
	cr_assert_eq(num(doc, "otherData/origin_ns"), (double)SYNTH_T0);
	cr_assert_str_eq(str(doc, "otherData/command"), "synthetic --run");
}

Test(timeline_chrome, names_the_process_and_its_threads)
{
	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	cr_assert_eq(count("M"), 2);
	cr_assert_str_eq(str(event("M", "process_name", 0), "args/name"), "synthetic --run");
	cr_assert_eq(num(event("M", "process_name", 0), "pid"), 100);
	cr_assert_str_eq(str(event("M", "thread_name", 0), "args/name"), "app");
	cr_assert_eq(num(event("M", "thread_name", 0), "tid"), 100);
}

Test(timeline_chrome, takes_thread_names_from_the_profile_without_events)
{
	synth_begin(&f, "synthetic --run");
	synth_thread(&f, 7, 0, "worker-7");
	synth_scope(&f, 7, 10, "job", 1);
	synth_scope(&f, 7, 20, "job", 0);
	synth_thread(&f, 8, 30, "worker-8");
	synth_scope(&f, 8, 40, "job", 1);
	synth_scope(&f, 8, 90, "job", 0);
	synth_finish(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 0), 0);
	doc = parse(f.text);
	cr_assert_eq(count("X"), 2);
	cr_assert_eq(count("M"), 3);
	cr_assert_eq(num(event("M", "thread_name", 0), "tid"), 7);
	cr_assert_str_eq(str(event("M", "thread_name", 0), "args/name"), "worker-7");
	cr_assert_str_eq(str(event("M", "thread_name", 1), "args/name"), "worker-8");
	/* without events the origin is the first frame */
	cr_assert_eq(num(event("X", "job", 1), "ts"), 0.030);
	cr_assert_eq(num(event("X", "job", 1), "dur"), 0.050);
	cr_assert_eq(count("i") + count("C"), 0);
}

Test(timeline_chrome, marks_errors_and_failed_io_as_thread_instants)
{
	json_t *e;

	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	cr_assert_eq(count("i"), 2);
	e = event("i", "failed file-read", 0);
	cr_assert_not_null(e, "%s", f.text);
	cr_assert_str_eq(str(e, "s"), "t");
	cr_assert_eq(num(e, "ts"), 920.0);
	cr_assert_eq(num(e, "tid"), 100);
	cr_assert_eq(num(e, "args/errno"), ENOENT);
	cr_assert_eq(num(e, "args/dur_ns"), 40000);
	cr_assert_str_eq(str(e, "args/name"), "/etc/config");
	cr_assert_str_eq(str(e, "args/kind"), "file-read");
	e = event("i", "error", 0);
	cr_assert_eq(num(e, "ts"), 930.0);
	cr_assert_eq(num(e, "args/code"), 7);
}

Test(timeline_chrome, counts_io_bytes_per_10ms_interval_and_kind)
{
	json_t *e;

	synth_begin(&f, "synthetic --run");
	synth_thread(&f, 100, 0, "app");
	synth_io(&f, 100, 1000, 2000, 1, "a", 100, 0);
	synth_io(&f, 100, 3000, 9999999, 2, "b", 30, 0);
	synth_io(&f, 100, 10000000, 10500000, 1, "a", 7, 0);
	synth_io(&f, 100, 40000000, 45000000, 1, "a", 5, 0);
	synth_finish(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	/* 0 ms, 10 ms, a zero at 20 ms (a gap follows), 40 ms, a zero at 50 ms */
	cr_assert_eq(count("C"), 5, "%s", f.text);
	e = event("C", NULL, 0);
	cr_assert_str_eq(str(e, "name"), "I/O bytes per 10 ms");
	cr_assert_eq(num(e, "ts"), 0.0);
	cr_assert_eq(num(e, "args/file-read"), 100);
	cr_assert_eq(num(e, "args/file-write"), 30);
	e = event("C", NULL, 1);
	cr_assert_eq(num(e, "ts"), 10000.0);
	cr_assert_eq(num(e, "args/file-read"), 7);
	cr_assert_eq(num(e, "args/file-write"), 0);
	e = event("C", NULL, 2);
	cr_assert_eq(num(e, "ts"), 20000.0);
	cr_assert_eq(num(e, "args/file-read"), 0);
	cr_assert_eq(num(event("C", NULL, 3), "args/file-read"), 5);
	cr_assert_eq(num(event("C", NULL, 3), "ts"), 40000.0);
	cr_assert_eq(num(event("C", NULL, 4), "ts"), 50000.0);
	cr_assert_eq(num(event("C", NULL, 4), "args/file-read"), 0);
}

/* The memory run (synth-trace.h): one counter per resident-set sample of
 * the process; the EAGAIN read is no failure, so no instant. */
Test(timeline_chrome, counts_the_resident_set_and_skips_io_that_would_block)
{
	json_t *e;

	synth_memory_trace(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	e = event("C", "resident set", 0);
	cr_assert_not_null(e, "%s", f.text);
	cr_assert_eq(num(e, "ts"), 0.5);
	cr_assert_eq(num(e, "pid"), SYNTH_PID);
	cr_assert_eq(num(e, "tid"), SYNTH_PID);
	cr_assert_eq(num(e, "args/rss_bytes"), 1 << 20);
	e = event("C", "resident set", 2);
	cr_assert_eq(num(e, "ts"), 9.0);
	cr_assert_eq(num(e, "args/rss_bytes"), 2 << 20);
	cr_assert_eq(num(e, "args/peak_rss_bytes"), 3 << 20);
	cr_assert_null(event("C", "resident set", 3));
	cr_assert_eq(count("i"), 0, "%s", f.text);
	cr_assert_eq(num(doc, "otherData/pauses"), 0);
}

Test(timeline_chrome, drops_calls_shorter_than_min_duration)
{
	struct ppv_timeline_opts o = { .sz = sizeof(o), .min_dur_ns = 200000 };

	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &o, 1), 0);
	doc = parse(f.text);
	/* only helper (50 us) is shorter; compute (exactly 200 us) stays */
	cr_assert_eq(count("X"), 5);
	cr_assert_null(event("X", "helper", 0));
	cr_assert_not_null(event("X", "io_work", 0));
	cr_assert_eq(num(doc, "otherData/calls"), 5);
	cr_assert_eq(num(doc, "otherData/calls_dropped"), 1);
	cr_assert_eq(num(doc, "otherData/min_duration_ns"), 200000);
}

Test(timeline_chrome, closes_calls_that_never_returned_as_unfinished)
{
	json_t *e;

	synth_begin(&f, "synthetic --run");
	synth_thread(&f, 5, 0, "t");
	synth_scope(&f, 5, 0, "outer", 1);
	synth_scope(&f, 5, 1000, "inner", 1);
	synth_scope(&f, 5, 3000, "inner", 0);
	synth_error(&f, 5, 4000, 0);
	synth_finish(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	e = event("X", "outer", 0);
	cr_assert_not_null(e);
	cr_assert(json_is_true(json_object_get(json_object_get(e, "args"), "unfinished")));
	cr_assert_eq(num(e, "dur"), 4.0);
	cr_assert_null(json_object_get(json_object_get(event("X", "inner", 0), "args"),
				       "unfinished"));
	cr_assert_eq(num(doc, "otherData/unfinished_calls"), 1);
}

Test(timeline_chrome, escapes_names_into_valid_json)
{
	const char *nasty = "say \"hi\"\\\tnow\x01 caf\xc3\xa9 bad\xff!";

	synth_begin(&f, "synthetic --run");
	synth_thread(&f, 9, 0, "th\"read");
	synth_scope(&f, 9, 0, nasty, 1);
	synth_scope(&f, 9, 10, nasty, 0);
	synth_finish(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	doc = parse(f.text);
	cr_assert_str_eq(str(event("X", NULL, 0), "name"),
			 "say \"hi\"\\\tnow\x01 caf\xc3\xa9 bad?!");
	cr_assert_str_eq(str(event("M", "thread_name", 0), "args/name"), "th\"read");
}

static char *gunzip(const char *in, size_t n, size_t *out_len)
{
	z_stream z = { 0 };
	size_t cap = 1 << 20;
	char *out = malloc(cap);

	cr_assert_not_null(out);
	cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap - 1;
	cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	out[z.total_out] = '\0';
	inflateEnd(&z);
	return out;
}

Test(timeline_chrome, gzip_output_inflates_to_the_plain_document)
{
	struct ppv_timeline_opts gz = { .sz = sizeof(gz), .gzip = 1 };
	char *plain, *inflated;
	size_t plain_len, len;

	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &chrome, 1), 0);
	plain = strdup(f.text);
	plain_len = f.len;
	ppv_profile_free(f.p);
	ppv_trace_close(f.t);
	cr_assert_eq(ppv_trace_open(f.dir, &f.t), 0);
	cr_assert_eq(tlf_timeline(&f, &gz, 1), 0);
	cr_assert_gt(f.len, 18);
	cr_assert_eq((unsigned char)f.text[0], 0x1f);
	cr_assert_eq((unsigned char)f.text[1], 0x8b);
	inflated = gunzip(f.text, f.len, &len);
	cr_assert_eq(len, plain_len);
	cr_assert_str_eq(inflated, plain);
	free(plain);
	free(inflated);
}

Test(timeline_chrome, rejects_bad_options)
{
	struct ppv_timeline_opts bad = { .sz = sizeof(bad), .format = 7 };
	struct ppv_timeline_opts tiny = { .sz = 1 };
	struct ppv_timeline *tl = (struct ppv_timeline *)&bad;

	synth_begin(&f, "synthetic --run");
	synth_finish(&f);
	cr_assert_eq(ppv_timeline_new(&bad, stdout, &tl), -EINVAL);
	cr_assert_null(tl);
	cr_assert_eq(ppv_timeline_new(&tiny, stdout, &tl), -EINVAL);
	cr_assert_eq(ppv_timeline_new(NULL, NULL, &tl), -EINVAL);
	cr_assert_eq(ppv_timeline_finish(NULL, NULL), -EINVAL);
	ppv_timeline_free(NULL);
}

Test(timeline_chrome, reports_a_failed_write)
{
	FILE *full = fopen("/dev/full", "w");
	struct ppv_analyze_opts ao = { .sz = sizeof(ao), .on_frame = ppv_timeline_on_frame,
				       .on_event = ppv_timeline_on_event };
	struct ppv_timeline *tl;

	cr_assert_not_null(full);
	tlf_standard(&f);
	cr_assert_eq(ppv_timeline_new(NULL, full, &tl), 0);
	ao.cb_arg = tl;
	cr_assert_eq(ppv_profile_build(f.t, &ao, &f.p), 0);
	cr_assert_eq(ppv_timeline_finish(tl, f.p), -EIO);
	ppv_timeline_free(tl);
	fclose(full);
}
