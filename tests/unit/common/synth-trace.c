/* synth-trace.c - synthetic traces for the renderer tests (see
 * synth-trace.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth-trace.h"
#include "symbols-file.h"

static void append(struct synth *s, const struct ppv_event *e)
{
	struct ppv_event c = *e;

	c.pid = s->pid;
	cr_assert_eq(ppv_native_writer_append(s->w, &c), 0);
}

static void open_file(struct synth *s, uint32_t pid, const char *cmdline)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = pid, .ppid = 1,
				     .start_ns = SYNTH_START_NS, .start_realtime_ns = SYNTH_REALTIME,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	char path[128];

	snprintf(path, sizeof(path), "%s/%u.ppv", s->dir, pid);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &s->w), 0);
	cr_assert_eq(ppv_native_writer_set_info(s->w, "cmdline", cmdline), 0);
	s->pid = pid;
}

void synth_begin(struct synth *s, const char *cmdline)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->dir, "/tmp/ppv-synth-test.XXXXXX");
	cr_assert_not_null(mkdtemp(s->dir));
	open_file(s, SYNTH_PID, cmdline);
}

void synth_process(struct synth *s, uint32_t pid, const char *cmdline)
{
	cr_assert_eq(ppv_native_writer_close(s->w), 0);
	open_file(s, pid, cmdline);
}

void synth_info(struct synth *s, const char *key, const char *value)
{
	cr_assert_eq(ppv_native_writer_set_info(s->w, key, value), 0);
}

void synth_thread(struct synth *s, uint32_t tid, uint64_t at, const char *name)
{
	struct ppv_event e = { .type = PPV_EVENT_THREAD_START, .tid = tid, .ts = SYNTH_T0 + at,
			       .thread = { name } };

	append(s, &e);
}

void synth_scope(struct synth *s, uint32_t tid, uint64_t at, const char *name, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT,
			       .tid = tid, .ts = SYNTH_T0 + at, .scope = { name } };

	append(s, &e);
}

void synth_func(struct synth *s, uint32_t tid, uint64_t at, uint64_t addr, int enter)
{
	struct ppv_event e = { .type = enter ? PPV_EVENT_ENTER : PPV_EVENT_EXIT, .tid = tid,
			       .ts = SYNTH_T0 + at, .func = { addr } };

	append(s, &e);
}

void synth_module(struct synth *s, uint64_t base, const char *path, uint8_t id)
{
	const uint8_t bid[4] = { id, id, id, id };
	struct ppv_event e = { .type = PPV_EVENT_MODULE_LOAD, .ts = SYNTH_START_NS,
			       .module = { base, 0x1000000, base - 0x400000, path, bid, 4 } };

	append(s, &e);
}

void synth_symbols(struct synth *s, const char *name, const char *const *paths, const uint8_t *ids,
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
	snprintf(path, sizeof(path), "%s/symbols.ppvsym", s->dir);
	cr_assert_eq(ppv_symbols_file_write(path, tabs, n), 0);
}

void synth_io(struct synth *s, uint32_t tid, uint64_t start, uint64_t end, int kind, const char *name,
	   uint64_t bytes, int err)
{
	struct ppv_event e = { .type = PPV_EVENT_IO, .tid = tid, .ts = SYNTH_T0 + end,
			       .io = { .start = SYNTH_T0 + start, .bytes = bytes, .name = name,
				       .err = err, .fd = -1, .kind = (uint16_t)kind } };

	append(s, &e);
}

void synth_io_op(struct synth *s, uint32_t tid, uint64_t start, uint64_t end, int kind, int op,
		 int fdclass, const char *name, uint64_t bytes, int err)
{
	struct ppv_event e = { .type = PPV_EVENT_IO, .tid = tid, .ts = SYNTH_T0 + end,
			       .io = { .start = SYNTH_T0 + start, .bytes = bytes, .name = name,
				       .err = err, .fd = 5, .kind = (uint16_t)kind,
				       .op = (uint8_t)op, .fdclass = (uint8_t)fdclass } };

	append(s, &e);
}

static void alloc_event(struct synth *s, int type, uint32_t tid, uint64_t at, uint64_t addr,
			uint64_t size, int kind)
{
	struct ppv_event e = { .type = (uint16_t)type, .tid = tid, .ts = SYNTH_T0 + at,
			       .alloc = { .addr = addr, .size = size, .kind = (uint16_t)kind } };

	append(s, &e);
}

void synth_alloc(struct synth *s, uint32_t tid, uint64_t at, uint64_t addr, uint64_t size,
		 int kind)
{
	alloc_event(s, PPV_EVENT_ALLOC, tid, at, addr, size, kind);
}

void synth_free(struct synth *s, uint32_t tid, uint64_t at, uint64_t addr, uint64_t size,
		int kind)
{
	alloc_event(s, PPV_EVENT_FREE, tid, at, addr, size, kind);
}

void synth_memstat(struct synth *s, uint64_t at, uint64_t rss, uint64_t peak_rss)
{
	struct ppv_event e = { .type = PPV_EVENT_MEMSTAT, .tid = s->pid, .ts = SYNTH_T0 + at,
			       .memstat = { rss, peak_rss } };

	append(s, &e);
}

void synth_pause(struct synth *s, uint64_t at, int resume)
{
	struct ppv_event e = { .type = resume ? PPV_EVENT_RESUME : PPV_EVENT_PAUSE, .tid = s->pid,
			       .ts = SYNTH_T0 + at };

	append(s, &e);
}

void synth_error(struct synth *s, uint32_t tid, uint64_t at, int64_t code)
{
	struct ppv_event e = { .type = PPV_EVENT_ERROR, .tid = tid, .ts = SYNTH_T0 + at,
			       .error = { code } };

	append(s, &e);
}

void synth_finish(struct synth *s)
{
	cr_assert_eq(ppv_native_writer_close(s->w), 0);
	s->w = NULL;
	cr_assert_eq(ppv_trace_open(s->dir, &s->t), 0, "%s", ppv_trace_open_error());
}

void synth_profile(struct synth *s)
{
	cr_assert_eq(ppv_profile_build(s->t, NULL, &s->p), 0, "%s", ppv_trace_last_error(s->t));
}

void synth_end(struct synth *s)
{
	synth_finish(s);
	synth_profile(s);
}

void synth_close(struct synth *s)
{
	char cmd[128];

	ppv_profile_free(s->p);
	ppv_trace_close(s->t);
	free(s->text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	cr_assert_eq(system(cmd), 0);
}

void synth_standard(struct synth *s, const struct synth_run *r)
{
	const uint32_t t = 100;

	synth_begin(s, r->cmdline);
	synth_thread(s, t, 0, "app");
	synth_scope(s, t, 0, "main", 1);
	for (int i = 0; i < 3; i++) {
		synth_scope(s, t, 100000 + 200000u * i, "compute", 1);
		if (i == 0) {
			synth_scope(s, t, 150000, r->helper, 1);
			synth_io(s, t, 160000, 180000, 2, r->out_path, 512, 0);
			synth_scope(s, t, 200000, r->helper, 0);
		}
		synth_scope(s, t, 300000 + 200000u * i, "compute", 0);
	}
	synth_scope(s, t, 700000, "io_work", 1);
	synth_io(s, t, 710000, 810000, 4, "query_users", 4096, 0);
	synth_io(s, t, 815000, 875000, 3, "peer:80", 1000, 0);
	synth_io(s, t, 880000, 920000, 1, "/etc/config", 0, ENOENT);
	synth_error(s, t, 930000, r->code);
	synth_scope(s, t, 950000, "io_work", 0);
	synth_scope(s, t, 1000000, "main", 0);
	synth_finish(s);
}

void synth_memory_run(struct synth *s)
{
	synth_memory_trace(s);
	synth_profile(s);
}

void synth_memory_trace(struct synth *s)
{
	const uint32_t t = 100;

	synth_begin(s, "memory --run");
	synth_thread(s, t, 0, "app");
	synth_scope(s, t, 0, "main", 1);
	synth_alloc(s, t, 100, 0x1000, 100, PPV_ALLOC_MALLOC);
	synth_memstat(s, 500, 1 << 20, 1 << 20);
	synth_scope(s, t, 1000, "parse", 1);
	synth_alloc(s, t, 1100, 0x2000, 2048, PPV_ALLOC_MALLOC);
	synth_alloc(s, t, 1200, 0x2800, 4096, PPV_ALLOC_CALLOC);
	synth_io_op(s, t, 1300, 2300, PPV_IO_FILE_READ, PPV_IO_OP_READ, PPV_FD_FILE, "/data/in",
		    4096, 0);
	synth_scope(s, t, 2500, "leaf", 1);
	synth_alloc(s, t, 2600, 0x3000, 64, PPV_ALLOC_MALLOC);
	synth_free(s, t, 2700, 0x2000, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, t, 3000, "leaf", 0);
	synth_scope(s, t, 4000, "parse", 0);
	synth_memstat(s, 5000, 3 << 20, 3 << 20);
	synth_scope(s, t, 5000, "send", 1);
	synth_io_op(s, t, 5100, 6100, PPV_IO_NETWORK, PPV_IO_OP_WRITE, PPV_FD_TCP, "10.0.0.1:80",
		    512, 0);
	synth_io_op(s, t, 6200, 6300, PPV_IO_NETWORK, PPV_IO_OP_READ, PPV_FD_TCP, "10.0.0.1:80",
		    0, EAGAIN);
	synth_free(s, t, 7000, 0x2800, 0, PPV_ALLOC_MALLOC);
	synth_free(s, t, 7500, 0x1000, 0, PPV_ALLOC_REALLOC);
	synth_alloc(s, t, 7500, 0x5000, 300, PPV_ALLOC_REALLOC);
	synth_scope(s, t, 8000, "send", 0);
	synth_memstat(s, 9000, 2 << 20, 3 << 20);
	synth_free(s, t, 9500, 0xdead, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, t, 10000, "main", 0);
	synth_finish(s);
}

int synth_render(struct synth *s, synth_render_fn fn, const struct ppv_render_opts *o)
{
	FILE *f;
	int rc;

	free(s->text);
	s->text = NULL;
	f = open_memstream(&s->text, &s->len);
	cr_assert_not_null(f);
	rc = fn(s->p, o, f);
	cr_assert_eq(fclose(f), 0);
	return rc;
}

char *synth_line(const struct synth *s, int n)
{
	const char *p = s->text;
	char *out, *o;

	for (; n > 0 && p; n--) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p)
		return NULL;
	out = o = malloc(strcspn(p, "\n") + 1);
	cr_assert_not_null(out);
	for (; *p && *p != '\n'; p++)
		if (*p != ' ' || (o > out && o[-1] != ' '))
			*o++ = *p;
	*o = '\0';
	return out;
}

static void append_step(struct ppv_native_writer *w, const struct synth_step *s)
{
	struct ppv_event e = { .type = (uint16_t)s->type, .tid = s->tid,
			       .ts = SYNTH_STEPS_T0 + s->us * 1000 };

	switch (s->type) {
	case PPV_EVENT_THREAD_START:
		e.thread.name = s->name;
		break;
	case PPV_EVENT_IO:
		e.io.start = e.ts - 5000;
		e.io.bytes = 4096;
		e.io.name = s->name;
		e.io.fd = 3;
		e.io.kind = PPV_IO_OTHER;
		break;
	case PPV_EVENT_LOSS:
		e.loss.count = 5;
		break;
	case PPV_EVENT_ERROR:
		break;
	default:
		e.scope.name = s->name;
	}
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
}

void synth_write_steps(const char *dir, const struct synth_step *steps)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = SYNTH_STEPS_PID, .ppid = 1,
				     .start_ns = SYNTH_STEPS_START_NS,
				     .start_realtime_ns = SYNTH_REALTIME,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	struct ppv_native_writer *w;
	char path[128];
	uint64_t last = SYNTH_STEPS_T0;

	snprintf(path, sizeof(path), "%s/%u.ppv", dir, SYNTH_STEPS_PID);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	cr_assert_eq(ppv_native_writer_set_info(w, "cmdline", "synthetic --run"), 0);
	for (const struct synth_step *s = steps; s->type; s++) {
		append_step(w, s);
		if (SYNTH_STEPS_T0 + s->us * 1000 > last)
			last = SYNTH_STEPS_T0 + s->us * 1000;
	}
	cr_assert_eq(ppv_native_writer_flush(w, last), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
}
