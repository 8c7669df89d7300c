/* data-fixture.c - synthetic traces for the chart, I/O and JSON renderer
 * tests (see data-fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data-fixture.h"
#include "symbols-file.h"

static void append(struct df *d, const struct ppv_event *e)
{
	cr_assert_eq(ppv_native_writer_append(d->w, e), 0);
}

void df_begin(struct df *d)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = DF_PID, .ppid = 1,
				     .start_ns = DF_START_NS, .start_realtime_ns = DF_REALTIME,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	char path[128];

	memset(d, 0, sizeof(*d));
	strcpy(d->dir, "/tmp/ppv-vd-test.XXXXXX");
	cr_assert_not_null(mkdtemp(d->dir));
	snprintf(path, sizeof(path), "%s/%u.ppv", d->dir, DF_PID);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &d->w), 0);
	cr_assert_eq(ppv_native_writer_set_info(d->w, "cmdline", "synthetic --run"), 0);
}

void df_thread(struct df *d, uint32_t tid, uint64_t at, const char *name)
{
	struct ppv_event e = { .type = PPV_EVENT_THREAD_START, .tid = tid, .ts = DF_T0 + at,
			       .thread = { name } };

	append(d, &e);
}

void df_scope(struct df *d, uint32_t tid, uint64_t at, const char *name, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT,
			       .tid = tid, .ts = DF_T0 + at, .scope = { name } };

	append(d, &e);
}

void df_func(struct df *d, uint32_t tid, uint64_t at, uint64_t addr, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_ENTER : PPV_EVENT_EXIT, .tid = tid,
			       .ts = DF_T0 + at, .func = { addr } };

	append(d, &e);
}

void df_module(struct df *d, uint64_t base, const char *path, uint8_t id)
{
	const uint8_t bid[4] = { id, id, id, id };
	struct ppv_event e = { .type = PPV_EVENT_MODULE_LOAD, .ts = DF_START_NS,
			       .module = { base, 0x1000000, base - 0x400000, path, bid, 4 } };

	append(d, &e);
}

void df_symbols(struct df *d, const char *name, const char *const *paths, const uint8_t *ids,
		size_t n)
{
	struct ppv_sym sym = { 0x401000, 0x100, name };
	struct ppv_symtab tabs[4];
	uint8_t bids[4][4];
	char path[128];

	cr_assert_leq(n, 4);
	for (size_t i = 0; i < n; i++) {
		memset(bids[i], ids[i], 4);
		tabs[i] = (struct ppv_symtab){ paths[i], bids[i], 4, 1, &sym };
	}
	snprintf(path, sizeof(path), "%s/symbols.ppvsym", d->dir);
	cr_assert_eq(ppv_symbols_file_write(path, tabs, n), 0);
}

void df_io(struct df *d, uint32_t tid, uint64_t start, uint64_t end, int kind, const char *name,
	   uint64_t bytes, int err)
{
	struct ppv_event e = { .type = PPV_EVENT_IO, .tid = tid, .ts = DF_T0 + end,
			       .io = { .start = DF_T0 + start, .bytes = bytes, .name = name,
				       .err = err, .fd = -1, .kind = (uint16_t)kind } };

	append(d, &e);
}

void df_error(struct df *d, uint32_t tid, uint64_t at)
{
	struct ppv_event e = { .type = PPV_EVENT_ERROR, .tid = tid, .ts = DF_T0 + at,
			       .error = { -1 } };

	append(d, &e);
}

void df_end(struct df *d)
{
	cr_assert_eq(ppv_native_writer_close(d->w), 0);
	d->w = NULL;
	cr_assert_eq(ppv_trace_open(d->dir, &d->t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_profile_build(d->t, NULL, &d->p), 0, "%s", ppv_trace_last_error(d->t));
}

void df_close(struct df *d)
{
	char cmd[128];

	ppv_profile_free(d->p);
	ppv_trace_close(d->t);
	free(d->text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	cr_assert_eq(system(cmd), 0);
}

void df_standard(struct df *d)
{
	const uint32_t t = 100;

	df_begin(d);
	df_thread(d, t, 0, "app");
	df_scope(d, t, 0, "main", 1);
	for (int i = 0; i < 3; i++) {
		df_scope(d, t, 100000 + 200000u * i, "compute", 1);
		if (i == 0) {
			df_scope(d, t, 150000, "helper", 1);
			df_io(d, t, 160000, 180000, 2, "/tmp/out.log", 512, 0);
			df_scope(d, t, 200000, "helper", 0);
		}
		df_scope(d, t, 300000 + 200000u * i, "compute", 0);
	}
	df_scope(d, t, 700000, "io_work", 1);
	df_io(d, t, 710000, 810000, 4, "query_users", 4096, 0);
	df_io(d, t, 815000, 875000, 3, "peer:80", 1000, 0);
	df_io(d, t, 880000, 920000, 1, "/etc/config", 0, ENOENT);
	df_error(d, t, 930000);
	df_scope(d, t, 950000, "io_work", 0);
	df_scope(d, t, 1000000, "main", 0);
	df_end(d);
}

int df_render(struct df *d, df_render_fn fn, const struct ppv_render_opts *o)
{
	FILE *f;
	int rc;

	free(d->text);
	d->text = NULL;
	f = open_memstream(&d->text, &d->len);
	cr_assert_not_null(f);
	rc = fn(d->p, o, f);
	cr_assert_eq(fclose(f), 0);
	return rc;
}

char *df_line(const struct df *d, int n)
{
	const char *s = d->text;
	char *out, *o;

	for (; n > 0 && s; n--) {
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	if (!s || !*s)
		return NULL;
	out = o = malloc(strcspn(s, "\n") + 1);
	cr_assert_not_null(out);
	for (; *s && *s != '\n'; s++)
		if (*s != ' ' || (o > out && o[-1] != ' '))
			*o++ = *s;
	*o = '\0';
	return out;
}
