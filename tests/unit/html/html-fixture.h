/* html-fixture.h - synthetic traces for the HTML report tests, written
 * with the formats writer (named scopes with known times, I/O and errors),
 * opened with ppv_trace_open() and profiled, then rendered into memory.
 * Modelled on tests/unit/visualize-data/data-fixture.h. */
#ifndef PPV_TEST_HTML_FIXTURE_H
#define PPV_TEST_HTML_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>

#include "native-writer.h"

/* Every timestamp below is HF_T0 + an offset in ns. */
#define HF_T0 1000000ull
#define HF_REALTIME 1767225600000000000ull /* 2026-01-01T00:00:00Z */
#define HF_START_NS 1000ull
#define HF_PID 100u

struct hf {
	char dir[64];
	struct ppv_native_writer *w;
	struct ppv_trace *t;
	struct ppv_profile *p;
	char *text; /* the last hf_render() output, NUL-terminated */
	size_t len;
};

/* Start a trace of process HF_PID in a fresh directory. */
void hf_begin(struct hf *h);
void hf_thread(struct hf *h, uint32_t tid, uint64_t at, const char *name);
void hf_scope(struct hf *h, uint32_t tid, uint64_t at, const char *name, int enter);
void hf_io(struct hf *h, uint32_t tid, uint64_t start, uint64_t end, int kind, const char *name,
	   uint64_t bytes, int err);
void hf_error(struct hf *h, uint32_t tid, uint64_t at);
/* Close the writer, open the trace, build its profile. */
void hf_end(struct hf *h);
void hf_close(struct hf *h);

/*
 * The standard run, thread 100 ("app"), offsets in us:
 *   main 0..1000
 *     compute 100..300 { a<b>&"c" 150..200 { file-write "/tmp/<out>.log" 512 B 160..180 } }
 *     compute 300..500, compute 500..700
 *     io_work 700..950 { database "query_users" 4096 B 710..810,
 *                        network "peer:80" 1000 B 815..875,
 *                        file-read "/etc/config" 0 B 880..920 ENOENT, error at 930 }
 */
#define HF_NASTY "a<b>&\"c\""
#define HF_NASTY_ESCAPED "a&lt;b&gt;&amp;&quot;c&quot;"
void hf_standard(struct hf *h);

typedef int (*hf_render_fn)(const struct ppv_profile *, const struct ppv_render_opts *, FILE *);

/* Render into h->text; return the renderer's result. */
int hf_render(struct hf *h, hf_render_fn fn, const struct ppv_render_opts *o);

#endif
