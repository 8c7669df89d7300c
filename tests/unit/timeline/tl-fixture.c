/* tl-fixture.c - synthetic traces for the timeline and callgrind tests
 * (see tl-fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl-fixture.h"

static void append(struct tlf *f, const struct ppv_event *e)
{
	struct ppv_event c = *e;

	c.pid = TL_PID;
	cr_assert_eq(ppv_native_writer_append(f->w, &c), 0);
}

void tlf_begin(struct tlf *f)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = TL_PID, .ppid = 1,
				     .start_ns = 1000, .start_realtime_ns = 1767225600000000000ull,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	char path[128];

	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/ppv-tl-test.XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/%u.ppv", f->dir, TL_PID);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &f->w), 0);
	cr_assert_eq(ppv_native_writer_set_info(f->w, "cmdline", "synthetic --run"), 0);
}

void tlf_thread(struct tlf *f, uint32_t tid, uint64_t at, const char *name)
{
	struct ppv_event e = { .type = PPV_EVENT_THREAD_START, .tid = tid, .ts = TL_T0 + at,
			       .thread = { name } };

	append(f, &e);
}

void tlf_scope(struct tlf *f, uint32_t tid, uint64_t at, const char *name, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT,
			       .tid = tid, .ts = TL_T0 + at, .scope = { name } };

	append(f, &e);
}

void tlf_io(struct tlf *f, uint32_t tid, uint64_t start, uint64_t end, int kind,
	    const char *name, uint64_t bytes, int err)
{
	struct ppv_event e = { .type = PPV_EVENT_IO, .tid = tid, .ts = TL_T0 + end,
			       .io = { .start = TL_T0 + start, .bytes = bytes, .name = name,
				       .err = err, .fd = -1, .kind = (uint16_t)kind } };

	append(f, &e);
}

void tlf_error(struct tlf *f, uint32_t tid, uint64_t at, int64_t code)
{
	struct ppv_event e = { .type = PPV_EVENT_ERROR, .tid = tid, .ts = TL_T0 + at,
			       .error = { code } };

	append(f, &e);
}

void tlf_end(struct tlf *f)
{
	cr_assert_eq(ppv_native_writer_close(f->w), 0);
	f->w = NULL;
	cr_assert_eq(ppv_trace_open(f->dir, &f->t), 0, "%s", ppv_trace_open_error());
}

void tlf_close(struct tlf *f)
{
	char cmd[128];

	ppv_profile_free(f->p);
	ppv_trace_close(f->t);
	free(f->text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	cr_assert_eq(system(cmd), 0);
}

void tlf_standard(struct tlf *f)
{
	const uint32_t t = 100;

	tlf_begin(f);
	tlf_thread(f, t, 0, "app");
	tlf_scope(f, t, 0, "main", 1);
	for (int i = 0; i < 3; i++) {
		tlf_scope(f, t, 100000 + 200000u * i, "compute", 1);
		if (i == 0) {
			tlf_scope(f, t, 150000, "helper", 1);
			tlf_io(f, t, 160000, 180000, 2, "/tmp/out.log", 512, 0);
			tlf_scope(f, t, 200000, "helper", 0);
		}
		tlf_scope(f, t, 300000 + 200000u * i, "compute", 0);
	}
	tlf_scope(f, t, 700000, "io_work", 1);
	tlf_io(f, t, 710000, 810000, 4, "query_users", 4096, 0);
	tlf_io(f, t, 815000, 875000, 3, "peer:80", 1000, 0);
	tlf_io(f, t, 880000, 920000, 1, "/etc/config", 0, ENOENT);
	tlf_error(f, t, 930000, 7);
	tlf_scope(f, t, 950000, "io_work", 0);
	tlf_scope(f, t, 1000000, "main", 0);
	tlf_end(f);
}

int tlf_timeline(struct tlf *f, const struct ppv_timeline_opts *o, int events)
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

int tlf_render(struct tlf *f, int (*fn)(const struct ppv_profile *,
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
