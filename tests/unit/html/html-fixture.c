/* html-fixture.c - synthetic traces for the HTML report tests (see
 * html-fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html-fixture.h"

static void append(struct hf *h, const struct ppv_event *e)
{
	cr_assert_eq(ppv_native_writer_append(h->w, e), 0);
}

void hf_begin(struct hf *h)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = HF_PID, .ppid = 1,
				     .start_ns = HF_START_NS, .start_realtime_ns = HF_REALTIME,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	char path[128];

	memset(h, 0, sizeof(*h));
	strcpy(h->dir, "/tmp/ppv-html-test.XXXXXX");
	cr_assert_not_null(mkdtemp(h->dir));
	snprintf(path, sizeof(path), "%s/%u.ppv", h->dir, HF_PID);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &h->w), 0);
	cr_assert_eq(ppv_native_writer_set_info(h->w, "cmdline", "synthetic --run <x>"), 0);
}

void hf_thread(struct hf *h, uint32_t tid, uint64_t at, const char *name)
{
	struct ppv_event e = { .type = PPV_EVENT_THREAD_START, .tid = tid, .ts = HF_T0 + at,
			       .thread = { name } };

	append(h, &e);
}

void hf_scope(struct hf *h, uint32_t tid, uint64_t at, const char *name, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT,
			       .tid = tid, .ts = HF_T0 + at, .scope = { name } };

	append(h, &e);
}

void hf_io(struct hf *h, uint32_t tid, uint64_t start, uint64_t end, int kind, const char *name,
	   uint64_t bytes, int err)
{
	struct ppv_event e = { .type = PPV_EVENT_IO, .tid = tid, .ts = HF_T0 + end,
			       .io = { .start = HF_T0 + start, .bytes = bytes, .name = name,
				       .err = err, .fd = -1, .kind = (uint16_t)kind } };

	append(h, &e);
}

void hf_error(struct hf *h, uint32_t tid, uint64_t at)
{
	struct ppv_event e = { .type = PPV_EVENT_ERROR, .tid = tid, .ts = HF_T0 + at,
			       .error = { -1 } };

	append(h, &e);
}

void hf_end(struct hf *h)
{
	cr_assert_eq(ppv_native_writer_close(h->w), 0);
	h->w = NULL;
	cr_assert_eq(ppv_trace_open(h->dir, &h->t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_profile_build(h->t, NULL, &h->p), 0, "%s", ppv_trace_last_error(h->t));
}

void hf_close(struct hf *h)
{
	char cmd[128];

	ppv_profile_free(h->p);
	ppv_trace_close(h->t);
	free(h->text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
	cr_assert_eq(system(cmd), 0);
}

void hf_standard(struct hf *h)
{
	const uint32_t t = 100;

	hf_begin(h);
	hf_thread(h, t, 0, "app");
	hf_scope(h, t, 0, "main", 1);
	for (int i = 0; i < 3; i++) {
		hf_scope(h, t, 100000 + 200000u * i, "compute", 1);
		if (i == 0) {
			hf_scope(h, t, 150000, HF_NASTY, 1);
			hf_io(h, t, 160000, 180000, 2, "/tmp/<out>.log", 512, 0);
			hf_scope(h, t, 200000, HF_NASTY, 0);
		}
		hf_scope(h, t, 300000 + 200000u * i, "compute", 0);
	}
	hf_scope(h, t, 700000, "io_work", 1);
	hf_io(h, t, 710000, 810000, 4, "query_users", 4096, 0);
	hf_io(h, t, 815000, 875000, 3, "peer:80", 1000, 0);
	hf_io(h, t, 880000, 920000, 1, "/etc/config", 0, ENOENT);
	hf_error(h, t, 930000);
	hf_scope(h, t, 950000, "io_work", 0);
	hf_scope(h, t, 1000000, "main", 0);
	hf_end(h);
}

int hf_render(struct hf *h, hf_render_fn fn, const struct ppv_render_opts *o)
{
	FILE *f;
	int rc;

	free(h->text);
	h->text = NULL;
	f = open_memstream(&h->text, &h->len);
	cr_assert_not_null(f);
	rc = fn(h->p, o, f);
	cr_assert_eq(fclose(f), 0);
	return rc;
}
