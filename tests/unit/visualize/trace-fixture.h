/* trace-fixture.h - small synthetic traces with known times for the text
 * report tests, written with the formats writer, opened and profiled. */
#ifndef PPV_TEST_TRACE_FIXTURE_H
#define PPV_TEST_TRACE_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>

/* Which synthetic run fx_open() writes. */
enum fx_kind {
	FX_TWO_THREADS, /* main{work{leaf} work{leaf} helper(error)} + worker{work{leaf}} */
	FX_RECURSION,   /* main{rec{rec{rec}}} */
	FX_CAVEATS,     /* one call left open, one exit without enter, 5 events lost */
};

struct fx {
	char dir[64];
	struct ppv_trace *t;
	struct ppv_profile *p;
	char *text; /* the last fx_render() output */
	size_t len;
};

/* Write trace @kind into a fresh directory, open it, build its profile. */
void fx_open(struct fx *fx, enum fx_kind kind, const struct ppv_analyze_opts *ao);
/* Free everything and remove the directory; a second call is a no-op. */
void fx_close(struct fx *fx);

typedef int (*fx_render_fn)(const struct ppv_profile *, const struct ppv_render_opts *, FILE *);

/* Render into fx->text (NUL-terminated); return the renderer's result. */
int fx_render(struct fx *fx, fx_render_fn fn, const struct ppv_render_opts *o);

/* Lines of fx->text that contain @needle. */
int fx_count_lines(const struct fx *fx, const char *needle);

#endif
