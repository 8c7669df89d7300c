/* test-timeline-speedscope.c - ppv_timeline_* in speedscope's format:
 * shared frames with source positions, one evented profile per thread,
 * balanced "O"/"C" events with non-decreasing "at", and threads whose
 * events interleave long enough to spill through the temporary file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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

TestSuite(timeline_speedscope, .init = setup, .fini = teardown);

static const struct ppv_timeline_opts ss = { .sz = sizeof(ss),
					     .format = PPV_TIMELINE_SPEEDSCOPE };

static void parse(void)
{
	json_error_t err;

	doc = json_loads(f.text, 0, &err);
	cr_assert_not_null(doc, "line %d: %s", err.line, err.text);
}

static const char *frame_name(size_t i)
{
	json_t *fr = json_array_get(json_object_get(json_object_get(doc, "shared"), "frames"), i);

	cr_assert_not_null(fr, "no frame %zu", i);
	return json_string_value(json_object_get(fr, "name"));
}

/*
 * Check profile @prof: balanced O/C, closing the frame last opened, "at"
 * never decreasing and within startValue..endValue. Return its events.
 */
static size_t check_profile(json_t *prof)
{
	json_t *evs = json_object_get(prof, "events"), *e;
	long long stack[64], last = -1;
	size_t depth = 0, i;

	cr_assert_str_eq(json_string_value(json_object_get(prof, "type")), "evented");
	cr_assert_str_eq(json_string_value(json_object_get(prof, "unit")), "nanoseconds");
	json_array_foreach(evs, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		long long at = json_integer_value(json_object_get(e, "at"));
		long long fr = json_integer_value(json_object_get(e, "frame"));

		cr_assert_geq(at, last, "event %zu goes back in time", i);
		last = at;
		if (strcmp(type, "O") == 0) {
			cr_assert_lt(depth, 64);
			stack[depth++] = fr;
		} else {
			cr_assert_str_eq(type, "C");
			cr_assert_gt(depth, 0, "event %zu closes nothing", i);
			cr_assert_eq(stack[--depth], fr, "event %zu closes another frame", i);
		}
	}
	cr_assert_eq(depth, 0, "frames left open");
	cr_assert_eq(json_integer_value(json_object_get(prof, "endValue")), last);
	cr_assert_eq(json_integer_value(json_object_get(prof, "startValue")),
		     json_integer_value(json_object_get(json_array_get(evs, 0), "at")));
	return json_array_size(evs);
}

Test(timeline_speedscope, writes_one_evented_profile_of_the_thread)
{
	json_t *prof, *evs;

	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &ss, 1), 0);
	parse();
	cr_assert_str_eq(json_string_value(json_object_get(doc, "$schema")),
			 "https://www.speedscope.app/file-format-schema.json");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "name")), "synthetic --run");
	cr_assert_eq(json_array_size(json_object_get(doc, "profiles")), 1);
	prof = json_array_get(json_object_get(doc, "profiles"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(prof, "name")), "app (100/100)");
	cr_assert_eq(check_profile(prof), 12);
	evs = json_object_get(prof, "events");
	cr_assert_str_eq(frame_name((size_t)json_integer_value(
				 json_object_get(json_array_get(evs, 0), "frame"))), "main");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(evs, 0), "at")), 0);
	/* helper opens at 150 us, third event */
	cr_assert_str_eq(frame_name((size_t)json_integer_value(
				 json_object_get(json_array_get(evs, 2), "frame"))), "helper");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(evs, 2), "at")), 150000);
	cr_assert_eq(json_integer_value(json_object_get(prof, "endValue")), 1000000);
}

Test(timeline_speedscope, keeps_each_thread_contiguous_across_spilled_blocks)
{
	json_t *profs;
	const int n = 3000;

	synth_begin(&f, "synthetic --run");
	synth_thread(&f, 1, 0, "one");
	synth_thread(&f, 2, 0, "two");
	for (int i = 0; i < n; i++) {
		uint64_t t = 100u * (uint64_t)i;

		synth_scope(&f, 1, t, "alpha", 1);
		synth_scope(&f, 2, t + 10, "beta", 1);
		synth_scope(&f, 2, t + 20, "gamma", 1);
		synth_scope(&f, 1, t + 30, "alpha", 0);
		synth_scope(&f, 2, t + 40, "gamma", 0);
		synth_scope(&f, 2, t + 50, "beta", 0);
	}
	synth_finish(&f);
	cr_assert_eq(tlf_timeline(&f, &ss, 1), 0);
	parse();
	profs = json_object_get(doc, "profiles");
	cr_assert_eq(json_array_size(profs), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(profs, 0), "name")),
			 "one (100/1)");
	/* 2 x 3000 events (~100 KiB) per thread: several 16 KiB blocks each */
	cr_assert_eq(check_profile(json_array_get(profs, 0)), 2u * n);
	cr_assert_eq(check_profile(json_array_get(profs, 1)), 4u * n);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(profs, 1), "endValue")),
		     100 * (n - 1) + 50);
}

Test(timeline_speedscope, gives_frames_their_names)
{
	tlf_standard(&f);
	cr_assert_eq(tlf_timeline(&f, &ss, 0), 0);
	parse();
	cr_assert_eq(json_array_size(json_object_get(json_object_get(doc, "shared"), "frames")),
		     ppv_profile_func_count(f.p));
	for (uint32_t i = 0; i < ppv_profile_func_count(f.p); i++)
		cr_assert_str_eq(frame_name(i), ppv_profile_func(f.p, i)->name);
}
