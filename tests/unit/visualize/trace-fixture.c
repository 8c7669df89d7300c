/* trace-fixture.c - writes the synthetic traces of trace-fixture.h with the
 * native writer (named scopes, so names need no ELF symbols; monotonic
 * clock, so timestamps are nanoseconds as written), then opens and
 * profiles them. Times are in microseconds from T0. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "native-writer.h"
#include "trace-fixture.h"

#define START_NS 1000000ull
#define T0 2000000ull
#define US 1000ull
#define PID 4242

enum { S_IN = PPV_EVENT_SCOPE_ENTER, S_OUT = PPV_EVENT_SCOPE_EXIT };

struct step {
	int type;
	uint32_t tid;
	uint64_t us;
	const char *name; /* scope or thread name */
};

/* main{work{leaf} work{leaf} helper(error)} on 100, worker{work{leaf}} on 101 */
static const struct step two_threads[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_IN, 100, 1, "work" },    { S_IN, 100, 2, "leaf" },
	{ S_OUT, 100, 12, "leaf" },  { S_OUT, 100, 41, "work" },
	{ S_IN, 100, 50, "work" },   { S_IN, 100, 60, "leaf" },
	{ S_OUT, 100, 70, "leaf" },  { S_OUT, 100, 90, "work" },
	{ S_IN, 100, 100, "helper" }, { PPV_EVENT_ERROR, 100, 101, NULL },
	{ S_OUT, 100, 102, "helper" },
	{ S_OUT, 100, 120, "main" },
	{ PPV_EVENT_THREAD_START, 101, 5, "worker" },
	{ S_IN, 101, 5, "worker" },
	{ S_IN, 101, 15, "work" },   { S_IN, 101, 25, "leaf" },
	{ S_OUT, 101, 35, "leaf" },  { S_OUT, 101, 65, "work" },
	{ S_OUT, 101, 85, "worker" },
	{ 0, 0, 0, NULL },
};

/* main{rec{rec{rec}}} */
static const struct step recursion[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_IN, 100, 10, "rec" },   { S_IN, 100, 20, "rec" },   { S_IN, 100, 30, "rec" },
	{ S_OUT, 100, 70, "rec" },  { S_OUT, 100, 80, "rec" },  { S_OUT, 100, 90, "rec" },
	{ S_OUT, 100, 100, "main" },
	{ 0, 0, 0, NULL },
};

/*
 * An exit of a scope never entered, a frame skipped by work's exit
 * (repaired), 5 events lost, and main never exits (unfinished).
 */
static const struct step caveats[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_OUT, 100, 5, "ghost" },
	{ S_IN, 100, 10, "work" },  { S_IN, 100, 12, "inner" }, { S_OUT, 100, 20, "work" },
	{ S_IN, 100, 30, "helper" }, { S_OUT, 100, 40, "helper" },
	{ PPV_EVENT_LOSS, 100, 45, NULL },
	{ 0, 0, 0, NULL },
};

static void append(struct ppv_native_writer *w, const struct step *s)
{
	struct ppv_event e = { .type = (uint16_t)s->type, .tid = s->tid, .ts = T0 + s->us * US };

	if (s->type == PPV_EVENT_THREAD_START)
		e.thread.name = s->name;
	else if (s->type == PPV_EVENT_LOSS)
		e.loss.count = 5;
	else if (s->type != PPV_EVENT_ERROR)
		e.scope.name = s->name;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
}

static void write_trace(const char *dir, const struct step *steps)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = PID, .ppid = 1,
				     .start_ns = START_NS,
				     .start_realtime_ns = 1767225600000000000ull, /* 2026-01-01 */
				     .clock_source = PPV_CLOCK_MONOTONIC };
	struct ppv_native_writer *w;
	char path[128];
	uint64_t last = T0;

	snprintf(path, sizeof(path), "%s/%u.ppv", dir, PID);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	cr_assert_eq(ppv_native_writer_set_info(w, "cmdline", "synthetic --run"), 0);
	for (const struct step *s = steps; s->type; s++) {
		append(w, s);
		if (T0 + s->us * US > last)
			last = T0 + s->us * US;
	}
	cr_assert_eq(ppv_native_writer_flush(w, last), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
}

void fx_open(struct fx *fx, enum fx_kind kind, const struct ppv_analyze_opts *ao)
{
	static const struct step *const runs[] = { two_threads, recursion, caveats };

	memset(fx, 0, sizeof(*fx));
	strcpy(fx->dir, "/tmp/ppv-vis-test.XXXXXX");
	cr_assert_not_null(mkdtemp(fx->dir));
	write_trace(fx->dir, runs[kind]);
	cr_assert_eq(ppv_trace_open(fx->dir, &fx->t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_profile_build(fx->t, ao, &fx->p), 0);
}

void fx_close(struct fx *fx)
{
	char cmd[128];

	if (!fx->dir[0])
		return;
	ppv_profile_free(fx->p);
	ppv_trace_close(fx->t);
	free(fx->text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	cr_assert_eq(system(cmd), 0);
	memset(fx, 0, sizeof(*fx));
}

int fx_render(struct fx *fx, fx_render_fn fn, const struct ppv_render_opts *o)
{
	FILE *f;
	int rc;

	free(fx->text);
	fx->text = NULL;
	f = open_memstream(&fx->text, &fx->len);
	cr_assert_not_null(f);
	rc = fn(fx->p, o, f);
	cr_assert_eq(fclose(f), 0);
	return rc;
}

int fx_count_lines(const struct fx *fx, const char *needle)
{
	int n = 0;

	for (const char *l = fx->text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *hit = strstr(l, needle);

		n += hit && hit < l + len;
		l += len + (nl ? 1 : 0);
	}
	return n;
}
