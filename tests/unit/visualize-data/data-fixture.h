/* data-fixture.h - synthetic traces with known times, bytes and errors for
 * the chart, I/O and JSON renderer tests: written with the formats writer,
 * opened with ppv_trace_open() and profiled, then rendered into memory. */
#ifndef PPV_TEST_DATA_FIXTURE_H
#define PPV_TEST_DATA_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>

#include "native-writer.h"

/* Every timestamp below is DF_T0 + an offset in ns. */
#define DF_T0 1000000ull
/* Wall clock of the process start (ns), i.e. 2026-01-01T00:00:00Z; the
 * process starts at CLOCK_MONOTONIC 1000 ns. */
#define DF_REALTIME 1767225600000000000ull
#define DF_START_NS 1000ull
#define DF_PID 100u

struct df {
	char dir[64];
	struct ppv_native_writer *w;
	struct ppv_trace *t;
	struct ppv_profile *p;
	char *text; /* the last df_render() output, NUL-terminated */
	size_t len;
};

/* Start a trace of process DF_PID in a fresh directory. */
void df_begin(struct df *d);
void df_thread(struct df *d, uint32_t tid, uint64_t at, const char *name);
void df_scope(struct df *d, uint32_t tid, uint64_t at, const char *name, int enter);
void df_func(struct df *d, uint32_t tid, uint64_t at, uint64_t addr, int enter);
/* A module mapped at @base whose ELF addresses start at 0x400000; build-id @id x4. */
void df_module(struct df *d, uint64_t base, const char *path, uint8_t id);
/* Write symbols.ppvsym: function @name at ELF address 0x401000 (0x100 bytes)
 * in each of the @n modules @paths, build-ids @ids x4. */
void df_symbols(struct df *d, const char *name, const char *const *paths, const uint8_t *ids,
		size_t n);
void df_io(struct df *d, uint32_t tid, uint64_t start, uint64_t end, int kind, const char *name,
	   uint64_t bytes, int err);
void df_error(struct df *d, uint32_t tid, uint64_t at);
/* Close the writer, open the trace, build its profile. */
void df_end(struct df *d);
void df_close(struct df *d);

/*
 * The standard run, thread 100 ("app"), offsets in us:
 *   main 0..1000
 *     compute 100..300 { helper 150..200 { file-write "/tmp/out.log" 512 B 160..180 } }
 *     compute 300..500, compute 500..700
 *     io_work 700..950 { database "query_users" 4096 B 710..810,
 *                        network "peer:80" 1000 B 815..875,
 *                        file-read "/etc/config" 0 B 880..920 ENOENT, error at 930 }
 */
void df_standard(struct df *d);

typedef int (*df_render_fn)(const struct ppv_profile *, const struct ppv_render_opts *, FILE *);

/* Render into d->text; return the renderer's result. */
int df_render(struct df *d, df_render_fn fn, const struct ppv_render_opts *o);

/* Line @n (from 0) of d->text with runs of spaces squeezed to one, or NULL. */
char *df_line(const struct df *d, int n);

#endif
