/* test-diff-load.c - runs read back from JSON reports: a report written by
 * ppv_render_json() gives the same figures as its profile, hand-written
 * reports exercise matching by module, and bad files are refused. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv-render.h>

#include "diff-fixture.h"

#define REPORT_HEAD                                                                      \
	"{\"format\": \"perprovis-report\", \"schema_version\": 1, \"command\": \"app\", " \
	"\"summary\": {\"total_ns\": 1000000, \"calls\": 3, \"io_bytes\": 0}, "            \
	"\"caveats\": {\"lost_events\": 4, \"unfinished_calls\": 0, \"truncated\": true}, "

/* A function profile entry of a hand-written report. */
#define FN(key, name, module, total)                                                     \
	"\"" key "\": {\"name\": \"" name "\", \"module\": " module ", \"kind\": "         \
	"\"function\", \"calls\": 1, \"total_ns\": " #total ", \"self_ns\": " #total      \
	", \"io_bytes\": 0}"

static struct ppv_diff_input *load_text(const char *text, int expect)
{
	struct ppv_diff_input *in = NULL;
	char *path = dx_file(text);
	int rc = ppv_diff_input_load(path, &in);

	cr_assert_eq(rc, expect, "rc %d: %s", rc, ppv_diff_load_error());
	if (expect < 0) {
		cr_assert_null(in);
		cr_assert_not_null(strstr(ppv_diff_load_error(), path), "%s",
				   ppv_diff_load_error());
	}
	unlink(path);
	free(path);
	return in;
}

Test(diff_load, report_gives_the_same_figures_as_its_profile)
{
	struct dx_run base, cur;
	struct ppv_diff_input *saved = NULL, *now = NULL;
	struct ppv_diff *from_json = NULL, *direct;
	char path[] = "/tmp/ppv-diff-report.XXXXXX";
	int fd;
	FILE *f;

	dx_base(&base);
	dx_new(&cur, 0);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_eq(ppv_render_json(base.p, NULL, f), 0);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(ppv_diff_input_is_report(path), 1);
	cr_assert_eq(ppv_diff_input_load(path, &saved), 0, "%s", ppv_diff_load_error());
	cr_assert_eq(ppv_diff_input_from_profile(cur.p, &now), 0);
	cr_assert_eq(ppv_diff_new(saved, now, NULL, &from_json), 0);
	direct = dx_diff(&base, &cur, NULL);
	cr_assert_eq(ppv_diff_row_count(from_json), ppv_diff_row_count(direct));
	for (size_t i = 0; i < ppv_diff_row_count(direct); i++) {
		const struct ppv_diff_row *a = ppv_diff_row(direct, i);
		const struct ppv_diff_row *b = ppv_diff_row(from_json, i);

		cr_assert_str_eq(a->name, b->name);
		cr_assert_eq(a->status, b->status);
		cr_assert_eq(a->delta_ns, b->delta_ns);
		cr_assert_eq(a->base.calls, b->base.calls);
		cr_assert_eq(a->base.self_ns, b->base.self_ns);
		cr_assert_eq(a->base.io_bytes, b->base.io_bytes);
		cr_assert_float_eq(a->base.total_percent, b->base.total_percent, 1e-9);
	}
	cr_assert_eq(ppv_diff_base_run(from_json)->from_report, 1);
	cr_assert_eq(ppv_diff_base_run(from_json)->total_ns, 1000000);
	cr_assert_str_eq(ppv_diff_base_run(from_json)->command, "synthetic --diff");
	cr_assert_eq(ppv_diff_regressions(from_json), 1);
	ppv_diff_free(from_json);
	ppv_diff_free(direct);
	ppv_diff_input_free(saved);
	ppv_diff_input_free(now);
	unlink(path);
	dx_close(&base);
	dx_close(&cur);
}

Test(diff_load, matches_by_module_path_then_by_file_name)
{
	struct ppv_diff_input *b = load_text(REPORT_HEAD "\"function_profiles\": {"
		FN("f@/ci/1/app", "f", "\"/ci/1/app\"", 100000) ", "
		FN("f@/ci/1/libx.so", "f", "\"/ci/1/libx.so\"", 200000) ", "
		FN("g", "g", "\"/usr/lib/libg.so\"", 300000) "}}", 0);
	struct ppv_diff_input *n = load_text(REPORT_HEAD "\"function_profiles\": {"
		FN("f@/ci/2/app", "f", "\"/ci/2/app\"", 150000) ", "
		FN("f@/ci/2/libx.so", "f", "\"/ci/2/libx.so\"", 200000) ", "
		FN("g", "g", "\"/usr/lib/libg.so\"", 300000) ", "
		FN("g@/usr/lib/other.so", "g", "\"/usr/lib/other.so\"", 9000) "}}", 0);
	struct ppv_diff *d = NULL;
	size_t regressed = 0;

	cr_assert_eq(ppv_diff_new(b, n, NULL, &d), 0);
	cr_assert_eq(ppv_diff_row_count(d), 4);
	for (size_t i = 0; i < ppv_diff_row_count(d); i++) {
		const struct ppv_diff_row *r = ppv_diff_row(d, i);

		if (strcmp(r->module, "/ci/2/app") == 0) {
			cr_assert_eq(r->base.total_ns, 100000);
			cr_assert_eq(r->status, PPV_DIFF_REGRESSED);
			regressed++;
		} else if (strcmp(r->module, "/ci/2/libx.so") == 0) {
			cr_assert_eq(r->base.total_ns, 200000);
			cr_assert_eq(r->status, PPV_DIFF_UNCHANGED);
		} else if (strcmp(r->module, "/usr/lib/other.so") == 0) {
			cr_assert_eq(r->status, PPV_DIFF_ADDED);
		} else {
			cr_assert_str_eq(r->module, "/usr/lib/libg.so");
			cr_assert_eq(r->status, PPV_DIFF_UNCHANGED);
		}
	}
	cr_assert_eq(regressed, 1);
	cr_assert_eq(ppv_diff_base_run(d)->lost_events, 4);
	cr_assert(ppv_diff_base_run(d)->truncated);
	ppv_diff_free(d);
	ppv_diff_input_free(b);
	ppv_diff_input_free(n);
}

Test(diff_load, refuses_what_is_not_a_report)
{
	struct ppv_diff_input *in = NULL;

	load_text("{\"format\": \"perprovis-report\", ", -EINVAL);
	cr_assert_not_null(strstr(ppv_diff_load_error(), "not valid JSON"));
	load_text("{\"format\": \"perprovis-diff\", \"schema_version\": 1}", -EINVAL);
	cr_assert_not_null(strstr(ppv_diff_load_error(), "not a PerProVis report"));
	load_text("[1, 2]", -EINVAL);
	load_text("{\"format\": \"perprovis-report\", \"schema_version\": 2}", -ENOTSUP);
	load_text(REPORT_HEAD "\"function_profiles\": []}", -EINVAL);
	load_text(REPORT_HEAD "\"function_profiles\": {\"f\": {\"name\": \"f\", \"module\": null,"
		  " \"kind\": \"function\", \"calls\": 1, \"self_ns\": 5, \"io_bytes\": 0}}}",
		  -EINVAL);
	cr_assert_not_null(strstr(ppv_diff_load_error(), "\"total_ns\""), "%s",
			   ppv_diff_load_error());
	load_text(REPORT_HEAD "\"function_profiles\": {" FN("f", "f", "null", -5) "}}", -EINVAL);
	cr_assert_eq(ppv_diff_input_load("/nonexistent/base.json", &in), -ENOENT);
	cr_assert_null(in);
}

Test(diff_load, tells_reports_from_traces)
{
	char *json = dx_file("\n  \t{\"format\": \"perprovis-report\"}");
	char *bin = dx_file("PPV\x01 not json");
	struct dx_run r;

	cr_assert_eq(ppv_diff_input_is_report(json), 1);
	cr_assert_eq(ppv_diff_input_is_report(bin), 0);
	dx_base(&r);
	cr_assert_eq(ppv_diff_input_is_report(r.dir), 0, "a trace directory");
	cr_assert_eq(ppv_diff_input_is_report("/nonexistent/x"), -ENOENT);
	dx_close(&r);
	unlink(json);
	unlink(bin);
	free(json);
	free(bin);
}
