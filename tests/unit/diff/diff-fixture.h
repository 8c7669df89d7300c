/* diff-fixture.h - synthetic runs with known times for the diff tests:
 * written with the formats writer (named scopes, I/O, allocations),
 * opened with ppv_trace_open() and profiled; and hand-written JSON
 * reports. */
#ifndef PPV_TEST_DIFF_FIXTURE_H
#define PPV_TEST_DIFF_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-diff.h>

#include "native-writer.h"

/* Every timestamp is DX_T0 + an offset in us. */
#define DX_T0 1000000ull
#define DX_PID 200u
#define DX_TID 200u

struct dx_run {
	char dir[64];
	struct ppv_native_writer *w;
	struct ppv_trace *t;
	struct ppv_profile *p;
};

/* Start a trace of process DX_PID, thread DX_TID, in a fresh directory. */
void dx_begin(struct dx_run *r);
/* A named scope entered at @from and left at @to (us): call it for the
 * outer scope first and close it with dx_exit(). */
void dx_enter(struct dx_run *r, uint64_t at_us, const char *name);
void dx_exit(struct dx_run *r, uint64_t at_us, const char *name);
/* A leaf scope @from..@to (us). */
void dx_leaf(struct dx_run *r, uint64_t from_us, uint64_t to_us, const char *name);
/* A file-read of @bytes inside the current scope, @from..@to (us). */
void dx_io(struct dx_run *r, uint64_t from_us, uint64_t to_us, uint64_t bytes);
/* A malloc of @bytes at @addr inside the current scope, at @at_us. */
void dx_alloc(struct dx_run *r, uint64_t at_us, uint64_t addr, uint64_t bytes);
/* Close the writer, open the trace, build its profile. */
void dx_end(struct dx_run *r);
void dx_close(struct dx_run *r);

/*
 * The standard base run (us): main 0..1000 { parse 100..200, render
 * 300..500 { read 512 B 310..320 }, tiny 600..601, old 700..800 }.
 * The standard new run: main 0..1100 { parse 100..300, render 300..500
 * { read 1024 B }, tiny 600..603, fresh 700..710 }, a second parse call
 * 900..950 when @two_parse_calls.
 */
void dx_base(struct dx_run *r);
void dx_new(struct dx_run *r, int two_parse_calls);

/* A diff of two profiles with @o; fails the test on error. */
struct ppv_diff *dx_diff(const struct dx_run *b, const struct dx_run *n,
			 const struct ppv_diff_opts *o);
/* The row of @name, or NULL. */
const struct ppv_diff_row *dx_row(const struct ppv_diff *d, const char *name);

/* Write @text to a new temporary file; return its path (free() it, unlink it). */
char *dx_file(const char *text);

typedef int (*dx_render_fn)(const struct ppv_diff *, const struct ppv_diff_render_opts *,
			    FILE *);
/* Render into a new NUL-terminated string (free() it); *@rc gets the result. */
char *dx_render(dx_render_fn fn, const struct ppv_diff *d, const struct ppv_diff_render_opts *o,
		int *rc);

/* The line of @text that contains @needle (the test fails without one),
 * squeezed: runs of spaces become one. free() it. */
char *dx_line_with(const char *text, const char *needle);
#endif
