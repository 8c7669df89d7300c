/* tl-fixture.c - the timeline and callgrind tests' use of the shared
 * synthetic traces (tests/unit/common/synth-trace.h): the standard run, and
 * profiling it with a timeline fed during the pass. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "tl-fixture.h"

void tlf_standard(struct synth *f)
{
	static const struct synth_run r = { "synthetic --run", "helper", "/tmp/out.log", 7 };

	synth_standard(f, &r);
}

int tlf_timeline(struct synth *f, const struct ppv_timeline_opts *o, int events)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao), .on_frame = ppv_timeline_on_frame };
	struct ppv_timeline *tl;
	FILE *out;
	int rc;

	free(f->text);
	f->text = NULL;
	out = open_memstream(&f->text, &f->len);
	cr_assert_not_null(out);
	rc = ppv_timeline_new(o, out, &tl);
	if (!rc) {
		ao.on_event = events ? ppv_timeline_on_event : NULL;
		ao.cb_arg = tl;
		rc = ppv_profile_build(f->t, &ao, &f->p);
		if (!rc)
			rc = ppv_timeline_finish(tl, f->p);
		ppv_timeline_free(tl);
	}
	cr_assert_eq(fclose(out), 0);
	return rc;
}

int tlf_render(struct synth *f, int (*fn)(const struct ppv_profile *,
					const struct ppv_render_opts *, FILE *))
{
	FILE *out;
	int rc;

	cr_assert_eq(ppv_profile_build(f->t, NULL, &f->p), 0, "%s", ppv_trace_last_error(f->t));
	free(f->text);
	out = open_memstream(&f->text, &f->len);
	cr_assert_not_null(out);
	rc = fn(f->p, NULL, out);
	cr_assert_eq(fclose(out), 0);
	return rc;
}
