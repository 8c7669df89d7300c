/* SPDX-License-Identifier: MIT */
/*
 * render-io.c - the I/O report: operations, bytes, total and average time,
 * throughput and errors, by kind (with a total), by name (the name given to
 * ppv_io_begin(), a file path or a peer) and by calling function. Names go
 * in the last column, so long paths need no truncation.
 * Owns: the I/O tables. Does not own: the grouping and sums (the analyzer)
 * or number formatting and caveat notes (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "render-common.h"

#define PPV_IO_DEFAULT_LIMIT 20

static void io_header(FILE *out, const char *last)
{
	fprintf(out, "%-12s %8s %11s %11s %11s %10s %7s%s%s\n", "kind", "ops", "bytes",
		"total time", "avg time", "MB/s", "errors", last ? "  " : "", last ? last : "");
}

/* One row; @label is the name or function column, NULL in the by-kind table. */
static void io_row(FILE *out, const char *kind, const struct ppv_io_stats *s, const char *label)
{
	char bytes[PPV_BYTES_LEN], total[PPV_DURATION_LEN], avg[PPV_DURATION_LEN], mbps[32];

	if (s->total_ns)
		snprintf(mbps, sizeof(mbps), "%.2f", s->mb_per_s);
	else
		snprintf(mbps, sizeof(mbps), "-");
	fprintf(out, "%-12s %8" PRIu64 " %11s %11s %11s %10s %7" PRIu64 "%s%s\n", kind, s->ops,
		ppv_format_bytes(s->bytes, bytes, sizeof(bytes)),
		ppv_format_duration(s->total_ns, total, sizeof(total)),
		ppv_format_duration(s->avg_ns, avg, sizeof(avg)), mbps,
		s->errors, label ? "  " : "", label ? label : "");
}

static void io_by_kind(const struct ppv_profile *p, FILE *out)
{
	size_t n;
	const struct ppv_io_stats *rows = ppv_profile_io_by_kind(p, &n);

	fprintf(out, "I/O by kind\n");
	io_header(out, NULL);
	for (size_t i = 0; i < n; i++)
		io_row(out, ppv_io_kind_name(rows[i].kind), &rows[i], NULL);
	if (n > 1)
		io_row(out, "total", ppv_profile_io_total(p), NULL);
}

/* By name (@by_func 0) or by function: the first @limit rows, then how many were left out. */
static void io_by_label(const struct ppv_profile *p, unsigned int limit, int by_func, FILE *out)
{
	size_t n, shown;
	const struct ppv_io_stats *rows = by_func ? ppv_profile_io_by_func(p, &n)
						  : ppv_profile_io_by_name(p, &n);

	fprintf(out, "\nI/O by %s\n", by_func ? "function" : "name");
	io_header(out, by_func ? "function" : "name");
	shown = n < limit ? n : limit;
	for (size_t i = 0; i < shown; i++) {
		const char *label = by_func ? ppv_render_func_name(p, rows[i].func) : rows[i].name;

		io_row(out, ppv_io_kind_name(rows[i].kind), &rows[i], label ? label : "(unnamed)");
	}
	if (shown < n)
		fprintf(out, "... and %zu more\n", n - shown);
}

int ppv_render_io(const struct ppv_profile *p, const struct ppv_render_opts *opts, FILE *out)
{
	struct ppv_render_opts o;
	size_t nkinds;
	int rc = ppv_render_opts_fill(opts, PPV_IO_DEFAULT_LIMIT, &o);

	if (rc < 0)
		return rc;
	ppv_profile_io_by_kind(p, &nkinds);
	if (!nkinds) {
		fprintf(out, "No I/O recorded (annotate it with ppv_io_begin()/ppv_io_end()).\n");
	} else {
		io_by_kind(p, out);
		io_by_label(p, o.limit, 0, out);
		io_by_label(p, o.limit, 1, out);
	}
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}
