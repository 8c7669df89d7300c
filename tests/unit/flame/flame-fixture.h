/* flame-fixture.h - small synthetic traces with known times for the flame
 * graph tests, written with the formats writer, opened and profiled. */
#ifndef PPV_TEST_FLAME_FIXTURE_H
#define PPV_TEST_FLAME_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>

enum ffx_kind {
	FFX_TWO_THREADS,  /* main{work{leaf} work{leaf} helper} on 100, worker{work{leaf}} on 101 */
	FFX_SLOWER,       /* thread 100 only: the first leaf 10 us longer, extra() added */
	FFX_ODD_NAMES,    /* main{"a;b\nc" "x<y>&\"q" reader(4096 bytes of I/O)} */
	FFX_BACK_TO_BACK, /* main{a a}, the second a entered when the first leaves */
	FFX_SMALL,        /* main{big t00 ... t19}: big 100 ms, each tNN 1 us */
};

struct ffx {
	char dir[64];
	struct ppv_trace *t;
	struct ppv_profile *p;
	char *text; /* the last ffx_render() output */
	size_t len;
};

/* Write trace @kind into a fresh directory, open it, build its profile with @ao. */
void ffx_open(struct ffx *fx, enum ffx_kind kind, const struct ppv_analyze_opts *ao);
/* Free everything and remove the directory; a second call is a no-op. */
void ffx_close(struct ffx *fx);

typedef int (*ffx_render_fn)(const struct ppv_profile *, const struct ppv_render_opts *, FILE *);

/* Render into fx->text (NUL-terminated); return the renderer's result. */
int ffx_render(struct ffx *fx, ffx_render_fn fn, const struct ppv_render_opts *o);
/* Render the diff of @base and @cur into @text. */
int ffx_render_diff(char **text, const struct ffx *base, const struct ffx *cur, int svg,
		    const struct ppv_render_opts *o);
/* Occurrences of @needle in @text. */
int ffx_count(const char *text, const char *needle);

#endif
