/* flame-fixture.c - writes the synthetic traces of flame-fixture.h with the
 * native writer (named scopes, so names need no ELF symbols; monotonic
 * clock, so timestamps are nanoseconds as written), then opens and
 * profiles them. Times are in microseconds from SYNTH_STEPS_T0 (the step
 * writer is tests/unit/common/synth-trace.c). Adapted from
 * tests/unit/visualize/trace-fixture.c. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth-trace.h"
#include "flame-fixture.h"

enum { S_IN = PPV_EVENT_SCOPE_ENTER, S_OUT = PPV_EVENT_SCOPE_EXIT, IO = PPV_EVENT_IO };

static const struct synth_step two_threads[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_IN, 100, 1, "work" },    { S_IN, 100, 2, "leaf" },
	{ S_OUT, 100, 12, "leaf" },  { S_OUT, 100, 41, "work" },
	{ S_IN, 100, 50, "work" },   { S_IN, 100, 60, "leaf" },
	{ S_OUT, 100, 70, "leaf" },  { S_OUT, 100, 90, "work" },
	{ S_IN, 100, 100, "helper" }, { S_OUT, 100, 102, "helper" },
	{ S_OUT, 100, 120, "main" },
	{ PPV_EVENT_THREAD_START, 101, 5, "worker" },
	{ S_IN, 101, 5, "worker" },
	{ S_IN, 101, 15, "work" },   { S_IN, 101, 25, "leaf" },
	{ S_OUT, 101, 35, "leaf" },  { S_OUT, 101, 65, "work" },
	{ S_OUT, 101, 85, "worker" },
	{ 0, 0, 0, NULL },
};

static const struct synth_step slower[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_IN, 100, 1, "work" },    { S_IN, 100, 2, "leaf" },
	{ S_OUT, 100, 22, "leaf" },  { S_OUT, 100, 41, "work" },
	{ S_IN, 100, 50, "work" },   { S_IN, 100, 60, "leaf" },
	{ S_OUT, 100, 70, "leaf" },  { S_OUT, 100, 90, "work" },
	{ S_IN, 100, 100, "helper" }, { S_OUT, 100, 102, "helper" },
	{ S_IN, 100, 104, "extra" }, { S_OUT, 100, 110, "extra" },
	{ S_OUT, 100, 120, "main" },
	{ 0, 0, 0, NULL },
};

static const struct synth_step odd_names[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_IN, 100, 1, "a;b\nc" },      { S_OUT, 100, 5, "a;b\nc" },
	{ S_IN, 100, 6, "x<y>&\"q" },    { S_OUT, 100, 10, "x<y>&\"q" },
	{ S_IN, 100, 20, "reader" },     { IO, 100, 30, "/etc/hosts" },
	{ S_OUT, 100, 40, "reader" },
	{ S_OUT, 100, 50, "main" },
	{ 0, 0, 0, NULL },
};

static const struct synth_step back_to_back[] = {
	{ PPV_EVENT_THREAD_START, 100, 0, "main" },
	{ S_IN, 100, 0, "main" },
	{ S_IN, 100, 0, "a" },  { S_OUT, 100, 10, "a" },
	{ S_IN, 100, 10, "a" }, { S_OUT, 100, 20, "a" },
	{ S_OUT, 100, 30, "main" },
	{ 0, 0, 0, NULL },
};

/* Filled in by small_run(): 20 one-microsecond calls beside a 100 ms one. */
static struct synth_step small[2 + 2 + 2 * 20 + 2];

static const struct synth_step *small_run(void)
{
	static char names[20][4];
	struct synth_step *s = small;

	*s++ = (struct synth_step){ PPV_EVENT_THREAD_START, 100, 0, "main" };
	*s++ = (struct synth_step){ S_IN, 100, 0, "main" };
	*s++ = (struct synth_step){ S_IN, 100, 1, "big" };
	*s++ = (struct synth_step){ S_OUT, 100, 100001, "big" };
	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "t%02d", i);
		*s++ = (struct synth_step){ S_IN, 100, 100002 + 2 * (uint64_t)i, names[i] };
		*s++ = (struct synth_step){ S_OUT, 100, 100003 + 2 * (uint64_t)i, names[i] };
	}
	*s++ = (struct synth_step){ S_OUT, 100, 100050, "main" };
	*s = (struct synth_step){ 0, 0, 0, NULL };
	return small;
}

void ffx_open(struct ffx *fx, enum ffx_kind kind, const struct ppv_analyze_opts *ao)
{
	const struct synth_step *const runs[] = { two_threads, slower, odd_names, back_to_back,
					    small_run() };

	memset(fx, 0, sizeof(*fx));
	strcpy(fx->dir, "/tmp/ppv-flame-test.XXXXXX");
	cr_assert_not_null(mkdtemp(fx->dir));
	synth_write_steps(fx->dir, runs[kind]);
	cr_assert_eq(ppv_trace_open(fx->dir, &fx->t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_profile_build(fx->t, ao, &fx->p), 0);
}

void ffx_close(struct ffx *fx)
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

int ffx_render(struct ffx *fx, ffx_render_fn fn, const struct ppv_render_opts *o)
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

int ffx_render_diff(char **text, const struct ffx *base, const struct ffx *cur, int svg,
		    const struct ppv_render_opts *o)
{
	size_t len;
	FILE *f = open_memstream(text, &len);
	int rc;

	cr_assert_not_null(f);
	rc = svg ? ppv_render_svg_diff(base->p, cur->p, o, f) :
		   ppv_render_folded_diff(base->p, cur->p, o, f);
	cr_assert_eq(fclose(f), 0);
	return rc;
}

int ffx_count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *s = text; s && (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}
