/* diff-fixture.c - synthetic runs for the diff tests (see diff-fixture.h),
 * modelled on tests/unit/visualize-data/data-fixture.c. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff-fixture.h"

static void append(struct dx_run *r, const struct ppv_event *e)
{
	cr_assert_eq(ppv_native_writer_append(r->w, e), 0);
}

void dx_begin(struct dx_run *r)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = DX_PID, .ppid = 1,
				     .start_ns = 1000, .start_realtime_ns = 1767225600000000000ull,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	struct ppv_event th = { .type = PPV_EVENT_THREAD_START, .tid = DX_TID, .ts = DX_T0,
				.thread = { "app" } };
	char path[128];

	memset(r, 0, sizeof(*r));
	strcpy(r->dir, "/tmp/ppv-diff-test.XXXXXX");
	cr_assert_not_null(mkdtemp(r->dir));
	snprintf(path, sizeof(path), "%s/%u.ppv", r->dir, DX_PID);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &r->w), 0);
	cr_assert_eq(ppv_native_writer_set_info(r->w, "cmdline", "synthetic --diff"), 0);
	append(r, &th);
}

static void scope(struct dx_run *r, uint64_t at_us, const char *name, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT,
			       .tid = DX_TID, .ts = DX_T0 + at_us * 1000, .scope = { name } };

	append(r, &e);
}

void dx_enter(struct dx_run *r, uint64_t at_us, const char *name)
{
	scope(r, at_us, name, 1);
}

void dx_exit(struct dx_run *r, uint64_t at_us, const char *name)
{
	scope(r, at_us, name, 0);
}

void dx_leaf(struct dx_run *r, uint64_t from_us, uint64_t to_us, const char *name)
{
	scope(r, from_us, name, 1);
	scope(r, to_us, name, 0);
}

void dx_io(struct dx_run *r, uint64_t from_us, uint64_t to_us, uint64_t bytes)
{
	struct ppv_event e = { .type = PPV_EVENT_IO, .tid = DX_TID, .ts = DX_T0 + to_us * 1000,
			       .io = { .start = DX_T0 + from_us * 1000, .bytes = bytes,
				       .name = "/etc/data", .fd = -1, .kind = 1 } };

	append(r, &e);
}

void dx_alloc(struct dx_run *r, uint64_t at_us, uint64_t addr, uint64_t bytes)
{
	struct ppv_event e = { .type = PPV_EVENT_ALLOC, .tid = DX_TID, .ts = DX_T0 + at_us * 1000,
			       .alloc = { .addr = addr, .size = bytes, .kind = PPV_ALLOC_MALLOC } };

	append(r, &e);
}

void dx_end(struct dx_run *r)
{
	cr_assert_eq(ppv_native_writer_close(r->w), 0);
	r->w = NULL;
	cr_assert_eq(ppv_trace_open(r->dir, &r->t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_profile_build(r->t, NULL, &r->p), 0, "%s", ppv_trace_last_error(r->t));
}

void dx_close(struct dx_run *r)
{
	char cmd[128];

	ppv_profile_free(r->p);
	ppv_trace_close(r->t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	cr_assert_eq(system(cmd), 0);
}

void dx_base(struct dx_run *r)
{
	dx_begin(r);
	dx_enter(r, 0, "main");
	dx_leaf(r, 100, 200, "parse");
	dx_enter(r, 300, "render");
	dx_io(r, 310, 320, 512);
	dx_exit(r, 500, "render");
	dx_leaf(r, 600, 601, "tiny");
	dx_leaf(r, 700, 800, "old");
	dx_exit(r, 1000, "main");
	dx_end(r);
}

void dx_new(struct dx_run *r, int two_parse_calls)
{
	dx_begin(r);
	dx_enter(r, 0, "main");
	dx_leaf(r, 100, 300, "parse");
	dx_enter(r, 300, "render");
	dx_io(r, 310, 320, 1024);
	dx_exit(r, 500, "render");
	dx_leaf(r, 600, 603, "tiny");
	dx_leaf(r, 700, 710, "fresh");
	if (two_parse_calls)
		dx_leaf(r, 900, 950, "parse");
	dx_exit(r, 1100, "main");
	dx_end(r);
}

struct ppv_diff *dx_diff(const struct dx_run *b, const struct dx_run *n,
			 const struct ppv_diff_opts *o)
{
	struct ppv_diff *d = NULL;

	cr_assert_eq(ppv_diff_new_from_profiles(b->p, n->p, o, &d), 0);
	cr_assert_not_null(d);
	return d;
}

const struct ppv_diff_row *dx_row(const struct ppv_diff *d, const char *name)
{
	for (size_t i = 0; i < ppv_diff_row_count(d); i++)
		if (strcmp(ppv_diff_row(d, i)->name, name) == 0)
			return ppv_diff_row(d, i);
	return NULL;
}

char *dx_file(const char *text)
{
	char *path = strdup("/tmp/ppv-diff-json.XXXXXX");
	int fd;

	cr_assert_not_null(path);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

char *dx_render(dx_render_fn fn, const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
		int *rc)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	*rc = fn(d, o, f);
	cr_assert_eq(fclose(f), 0);
	return text;
}

/* The line of @text that contains @needle, squeezed: runs of spaces become one. */
char *dx_line_with(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle), *start;
	char *out, *o;

	cr_assert_not_null(hit, "no '%s' in:\n%s", needle, text);
	for (start = hit; start > text && start[-1] != '\n'; start--)
		;
	out = o = malloc(strcspn(start, "\n") + 1);
	for (; *start && *start != '\n'; start++)
		if (*start != ' ' || (o > out && o[-1] != ' '))
			*o++ = *start;
	*o = '\0';
	return out;
}
