/* tl-fixture.h - synthetic traces for the timeline and callgrind tests:
 * written with the formats writer (scopes, I/O, errors, thread names at
 * known times), opened with ppv_trace_open(), then profiled with or without
 * a timeline fed during the pass. */
#ifndef PPV_TEST_TL_FIXTURE_H
#define PPV_TEST_TL_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>

#include "synth-trace.h"

/*
 * The standard run, thread 100 ("app"), offsets in us:
 *   main 0..1000
 *     compute 100..300 { helper 150..200 { file-write "/tmp/out.log" 512 B 160..180 } }
 *     compute 300..500, compute 500..700
 *     io_work 700..950 { database "query_users" 4096 B 710..810,
 *                        network "peer:80" 1000 B 815..875,
 *                        file-read "/etc/config" 0 B 880..920 ENOENT, error 7 at 930 }
 * Not profiled: tlf_timeline() or tlf_render() does it.
 */
void tlf_standard(struct synth *f);

/*
 * Profile the trace with a timeline (@o) fed during the pass into f->text;
 * @events: also feed on_event. Return: the first failure of new, the pass
 * or finish.
 */
int tlf_timeline(struct synth *f, const struct ppv_timeline_opts *o, int events);

/* Profile the trace (no callbacks) and render it with @fn into f->text. */
int tlf_render(struct synth *f, int (*fn)(const struct ppv_profile *,
					const struct ppv_render_opts *, FILE *));

#endif
