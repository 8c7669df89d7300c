/* SPDX-License-Identifier: MIT */
/*
 * render-summary.c - the two tabular text reports: the run summary (what
 * ran, when, for how long, how many calls, errors and losses, the top
 * functions) and the hotspots table (one row per function with call
 * counts, times and percentiles, plus I/O and bytes allocated when the
 * trace has them). Owns their layout only: every figure
 * comes from the profile, ordering from ppv_profile_sorted().
 * Does not own: the call tree and call graph (render-tree.c), charts, I/O
 * or JSON reports.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "render-common.h"

#define SUMMARY_DEFAULT_TOP 10

/* Column widths: durations are at most "9999.99 ms" wide below 10^4 s. */
#define W_DUR 10
#define W_CALLS 9
#define W_PCT 6

/* "2026-11-24T10:00:00.123Z" for monotonic @ns (UTC, as `ppv-analyze info`). */
static void print_wall(FILE *out, const struct ppv_profile *p, uint64_t ns)
{
	char buf[PPV_WALL_LEN];
	const char *w = ppv_format_wall(ppv_render_wall_ns(p, ns), 3, buf, sizeof(buf));

	fputs(w ? w : "?", out);
}

/* Whether process @i's pid was listed before: an exec'd image has a file
 * (and a process record) of its own under the same pid. */
static int pid_seen(const struct ppv_profile *p, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (ppv_profile_process(p, j)->pid == ppv_profile_process(p, i)->pid)
			return 1;
	return 0;
}

static void print_processes(const struct ppv_profile *p, FILE *out)
{
	size_t n = ppv_profile_process_count(p), shown = 0;

	for (size_t i = 0; i < n; i++)
		shown += !pid_seen(p, i);
	fprintf(out, "  %-13s", shown == 1 ? "process:" : "processes:");
	for (size_t i = 0, k = 0; i < n; i++)
		if (!pid_seen(p, i))
			fprintf(out, "%s%" PRIu32, k++ ? ", " : "", ppv_profile_process(p, i)->pid);
	fputc('\n', out);
}

static void print_threads(const struct ppv_profile *p, unsigned int limit, FILE *out)
{
	size_t n = ppv_profile_thread_count(p);
	char d[PPV_DURATION_LEN];

	fprintf(out, "  %-13s%zu\n", "threads:", n);
	for (size_t i = 0; i < n && i < limit; i++) {
		const struct ppv_thread_stats *t = ppv_profile_thread(p, i);

		fprintf(out, "    %" PRIu32 "/%-8" PRIu32 " %-16s calls %-10" PRIu64 " total %s\n",
			t->pid, t->tid, t->name ? t->name : "-", t->calls,
			ppv_format_duration(t->total_ns, d, sizeof(d)));
	}
	if (n > limit)
		fprintf(out, "    ... %zu more\n", n - limit);
}

/* Allocations, when recorded, with the peak resident set: one line. The
 * resident set alone (sampled in every recording) is left to `memory`,
 * so that the summary of a run without allocation events stays the same
 * from one machine to the next. */
static void print_memory(const struct ppv_profile *p, FILE *out)
{
	const struct ppv_memory_stats *m = ppv_profile_memory_total(p);
	char a[PPV_BYTES_LEN], l[PPV_BYTES_LEN], r[PPV_BYTES_LEN];

	if (!m->events)
		return;
	fprintf(out, "  memory:      %" PRIu64 " allocations, %s, %s never freed", m->alloc_count,
		ppv_format_bytes(m->alloc_bytes, a, sizeof(a)),
		ppv_format_bytes(m->live_bytes, l, sizeof(l)));
	if (m->rss_samples)
		fprintf(out, "; peak RSS %s", ppv_format_bytes(m->peak_rss, r, sizeof(r)));
	fputc('\n', out);
}

static void print_run(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);
	uint64_t dur = s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;
	char d[PPV_DURATION_LEN], b[PPV_BYTES_LEN];

	fprintf(out, "Run summary\n");
	fprintf(out, "  command:     %s\n", s->cmdline ? s->cmdline : "?");
	print_processes(p, out);
	print_threads(p, o->limit, out);
	fprintf(out, "  start:       ");
	print_wall(out, p, s->start_ns);
	fprintf(out, "\n  end:         ");
	print_wall(out, p, s->end_ns);
	fprintf(out, "\n  duration:    %s\n", ppv_format_duration(dur, d, sizeof(d)));
	fprintf(out, "  granularity: %s\n", s->granularity ? s->granularity : "medium");
	fprintf(out, "  events:      %" PRIu64 "\n", s->events);
	fprintf(out, "  calls:       %" PRIu64 "\n", s->total_calls);
	fprintf(out, "  total time:  %s (all threads' outermost frames)\n",
		ppv_format_duration(s->total_ns, d, sizeof(d)));
	fprintf(out, "  errors:      %" PRIu64 "\n", s->errors);
	if (s->io_ops)
		fprintf(out, "  I/O:         %" PRIu64 " operations, %s\n", s->io_ops,
			ppv_format_bytes(s->io_bytes, b, sizeof(b)));
	print_memory(p, out);
	fprintf(out, "  lost:        %" PRIu64 " events\n", s->lost);
}

static void print_top(const struct ppv_profile *p, unsigned int limit,
		      const struct ppv_func_stats **v, size_t n, FILE *out)
{
	char d[PPV_DURATION_LEN], sf[PPV_DURATION_LEN];

	fprintf(out, "\nTop functions by total time (%zu of %zu):\n", n < limit ? n : limit, n);
	fprintf(out, "  %*s %*s %*s %*s  %s\n", W_DUR, "total", W_PCT, "%run", W_DUR, "self",
		W_CALLS, "calls", "function");
	for (size_t i = 0; i < n && i < limit; i++)
		fprintf(out, "  %*s %*.1f%% %*s %*" PRIu64 "  %s\n", W_DUR,
			ppv_format_duration(v[i]->total_ns, d, sizeof(d)), W_PCT - 1,
			ppv_render_percent(p, v[i]->total_ns), W_DUR,
			ppv_format_duration(v[i]->self_ns, sf, sizeof(sf)), W_CALLS, v[i]->calls,
			v[i]->name);
}

int ppv_render_summary(const struct ppv_profile *p, const struct ppv_render_opts *opts,
		       FILE *out)
{
	const struct ppv_func_stats **v;
	struct ppv_render_opts o;
	size_t n;
	int rc;

	rc = ppv_render_opts_fill(opts, SUMMARY_DEFAULT_TOP, &o);
	if (rc < 0)
		return rc;
	rc = ppv_render_sorted(p, PPV_SORT_TOTAL, &v, &n);
	if (rc < 0)
		return rc;
	print_run(p, &o, out);
	print_top(p, o.limit, v, n, out);
	free(v);
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}

static const char *sort_title(enum ppv_sort_key key)
{
	static const char *const titles[] = {
		[PPV_SORT_TOTAL] = "total time", [PPV_SORT_SELF] = "self time",
		[PPV_SORT_CALLS] = "calls",      [PPV_SORT_AVG] = "average time",
		[PPV_SORT_MAX] = "longest call", [PPV_SORT_P99] = "99th percentile",
		[PPV_SORT_ERRORS] = "errors",    [PPV_SORT_IO] = "I/O bytes",
		[PPV_SORT_MEMORY] = "bytes allocated (inclusive)",
	};

	return titles[key];
}

/* The optional columns: I/O (bytes and time) and bytes allocated
 * (inclusive), shown when the trace has such events or the order asks. */
struct hot_cols {
	int io, mem;
};

static struct hot_cols hot_cols(const struct ppv_profile *p, enum ppv_sort_key key)
{
	return (struct hot_cols){
		.io = key == PPV_SORT_IO || ppv_profile_summary(p)->io_ops,
		.mem = key == PPV_SORT_MEMORY || ppv_profile_memory_total(p)->events,
	};
}

static void print_hot_header(struct hot_cols c, FILE *out)
{
	fprintf(out, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %6s %*s", W_CALLS, "calls", W_DUR,
		"total", W_DUR, "self", W_DUR, "avg", W_DUR, "min", W_DUR, "max", W_DUR, "p50",
		W_DUR, "p95", W_DUR, "p99", "errors", W_PCT + 1, "%run");
	if (c.io)
		fprintf(out, " %*s %*s", W_DUR, "I/O", W_DUR, "I/O time");
	if (c.mem)
		fprintf(out, " %*s", W_DUR, "allocated");
	fprintf(out, "  function\n");
}

static const char *quantile(const struct ppv_func_stats *f, double q, char *buf, size_t len)
{
	if (!f->hist || !ppv_hist_count(f->hist))
		return "-";
	return ppv_format_duration(ppv_hist_percentile(f->hist, q), buf, len);
}

static void print_hot_row(const struct ppv_profile *p, const struct ppv_func_stats *f,
			  struct hot_cols c, FILE *out)
{
	char t[PPV_DURATION_LEN], s[PPV_DURATION_LEN], a[PPV_DURATION_LEN];
	char mn[PPV_DURATION_LEN], mx[PPV_DURATION_LEN], q50[PPV_DURATION_LEN];
	char q95[PPV_DURATION_LEN], q99[PPV_DURATION_LEN], b[PPV_BYTES_LEN];
	char io_t[PPV_DURATION_LEN];

	fprintf(out, "%*" PRIu64 " %*s %*s %*s %*s %*s %*s %*s %*s %6" PRIu64 " %*.1f%%", W_CALLS,
		f->calls, W_DUR, ppv_format_duration(f->total_ns, t, sizeof(t)), W_DUR,
		ppv_format_duration(f->self_ns, s, sizeof(s)), W_DUR,
		ppv_format_duration(f->avg_ns, a, sizeof(a)), W_DUR,
		ppv_format_duration(f->min_ns, mn, sizeof(mn)), W_DUR,
		ppv_format_duration(f->max_ns, mx, sizeof(mx)), W_DUR,
		quantile(f, 0.50, q50, sizeof(q50)), W_DUR, quantile(f, 0.95, q95, sizeof(q95)),
		W_DUR, quantile(f, 0.99, q99, sizeof(q99)), f->errors, W_PCT,
		ppv_render_percent(p, f->total_ns));
	if (c.io)
		fprintf(out, " %*s %*s", W_DUR, ppv_format_bytes(f->io_bytes, b, sizeof(b)), W_DUR,
			ppv_format_duration(f->io_ns, io_t, sizeof(io_t)));
	if (c.mem)
		fprintf(out, " %*s", W_DUR, ppv_format_bytes(f->alloc_bytes_incl, b, sizeof(b)));
	fprintf(out, "  %s\n", f->name);
}

int ppv_render_hotspots(const struct ppv_profile *p, const struct ppv_render_opts *opts,
			FILE *out)
{
	const struct ppv_func_stats **v;
	struct ppv_render_opts o;
	size_t n;
	int rc;

	rc = ppv_render_opts_fill(opts, PPV_RENDER_DEFAULT_LIMIT, &o);
	if (rc < 0)
		return rc;
	rc = ppv_render_sorted(p, o.sort, &v, &n);
	if (rc < 0)
		return rc;
	fprintf(out, "Hotspots by %s: %zu of %zu functions\n\n", sort_title(o.sort),
		n < o.limit ? n : o.limit, n);
	print_hot_header(hot_cols(p, o.sort), out);
	for (size_t i = 0; i < n && i < o.limit; i++)
		print_hot_row(p, v[i], hot_cols(p, o.sort), out);
	free(v);
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}
