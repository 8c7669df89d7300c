/* trace-fixture.c - writes the synthetic traces of trace-fixture.h with the
 * native writer (named scopes, so names need no ELF symbols; monotonic
 * clock, so timestamps are nanoseconds as written), then opens and
 * profiles them. Times are in microseconds from SYNTH_STEPS_T0 (the step
 * writer is tests/unit/common/synth-trace.c). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth-trace.h"
#include "trace-fixture.h"

enum { S_IN = PPV_EVENT_SCOPE_ENTER, S_OUT = PPV_EVENT_SCOPE_EXIT };

/* main{work{leaf} work{leaf} helper(error)} on 100, worker{work{leaf}} on 101 */
static const struct synth_step two_threads[] = {
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
static const struct synth_step recursion[] = {
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
static const struct synth_step caveats[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_OUT, 100, 5, "ghost" },
	{ S_IN, 100, 10, "work" },  { S_IN, 100, 12, "inner" }, { S_OUT, 100, 20, "work" },
	{ S_IN, 100, 30, "helper" }, { S_OUT, 100, 40, "helper" },
	{ PPV_EVENT_LOSS, 100, 45, NULL },
	{ 0, 0, 0, NULL },
};

void fx_open(struct fx *fx, enum fx_kind kind, const struct ppv_analyze_opts *ao)
{
	static const struct synth_step *const runs[] = { two_threads, recursion, caveats };

	memset(fx, 0, sizeof(*fx));
	strcpy(fx->dir, "/tmp/ppv-vis-test.XXXXXX");
	cr_assert_not_null(mkdtemp(fx->dir));
	synth_write_steps(fx->dir, runs[kind]);
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
