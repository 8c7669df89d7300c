/* SPDX-License-Identifier: MIT */
/*
 * render-io.c - the I/O report: operations, bytes, total and average time,
 * throughput and errors, by kind (with a total), by descriptor class, by
 * operation, by name (the name given to ppv_io_begin(), a file path or a
 * peer) and by calling function; or one of these tables (opts->io_by).
 * Names go in the last column, so long paths need no truncation.
 * Operations that would have blocked (EAGAIN, EINPROGRESS, EINTR) are not
 * errors; a "blocked" column counts them when the run has any.
 * Owns: the I/O tables. Does not own: the grouping and sums (the analyzer)
 * or number formatting and caveat notes (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "render-common.h"

#define PPV_IO_DEFAULT_LIMIT 20

struct io_table {
	FILE *out;
	int blocked; /* the run has operations that would block: show them */
};

static const char *const io_by_names[] = {
	[PPV_IO_BY_ALL] = "all",     [PPV_IO_BY_KIND] = "kind", [PPV_IO_BY_CLASS] = "class",
	[PPV_IO_BY_OP] = "op",       [PPV_IO_BY_NAME] = "name", [PPV_IO_BY_FUNCTION] = "function",
};

int ppv_io_by_parse(const char *s, enum ppv_io_by *out)
{
	for (size_t i = 0; s && i < sizeof(io_by_names) / sizeof(io_by_names[0]); i++) {
		if (strcmp(s, io_by_names[i]) == 0) {
			*out = (enum ppv_io_by)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* @first: the first column's title; @last: the name or function column, or NULL. */
static void io_header(const struct io_table *t, const char *first, const char *last)
{
	fprintf(t->out, "%-12s %8s %11s %11s %11s %10s %7s", first, "ops", "bytes", "total time",
		"avg time", "MB/s", "errors");
	if (t->blocked)
		fprintf(t->out, " %7s", "blocked");
	fprintf(t->out, "%s%s\n", last ? "  " : "", last ? last : "");
}

/* One row; @label is the name or function column, NULL in the other tables. */
static void io_row(const struct io_table *t, const char *first, const struct ppv_io_stats *s,
		   const char *label)
{
	char bytes[PPV_BYTES_LEN], total[PPV_DURATION_LEN], avg[PPV_DURATION_LEN], mbps[32];

	if (s->total_ns)
		snprintf(mbps, sizeof(mbps), "%.2f", s->mb_per_s);
	else
		snprintf(mbps, sizeof(mbps), "-");
	fprintf(t->out, "%-12s %8" PRIu64 " %11s %11s %11s %10s %7" PRIu64, first, s->ops,
		ppv_format_bytes(s->bytes, bytes, sizeof(bytes)),
		ppv_format_duration(s->total_ns, total, sizeof(total)),
		ppv_format_duration(s->avg_ns, avg, sizeof(avg)), mbps, s->errors);
	if (t->blocked)
		fprintf(t->out, " %7" PRIu64, s->would_block);
	fprintf(t->out, "%s%s\n", label ? "  " : "", label ? label : "");
}

static void io_by_kind(const struct ppv_profile *p, const struct io_table *t)
{
	size_t n;
	const struct ppv_io_stats *rows = ppv_profile_io_by_kind(p, &n);

	fprintf(t->out, "I/O by kind\n");
	io_header(t, "kind", NULL);
	for (size_t i = 0; i < n; i++)
		io_row(t, ppv_io_kind_name(rows[i].kind), &rows[i], NULL);
	if (n > 1)
		io_row(t, "total", ppv_profile_io_total(p), NULL);
}

/* By descriptor class (@by_op 0) or by operation. */
static void io_by_enum(const struct ppv_profile *p, int by_op, const struct io_table *t)
{
	size_t n;
	const struct ppv_io_stats *rows = by_op ? ppv_profile_io_by_op(p, &n)
						: ppv_profile_io_by_class(p, &n);

	fprintf(t->out, "I/O by %s\n", by_op ? "operation" : "descriptor class");
	io_header(t, by_op ? "operation" : "class", NULL);
	for (size_t i = 0; i < n; i++)
		io_row(t, by_op ? ppv_io_op_name(rows[i].op) : ppv_fd_class_name(rows[i].fdclass),
		       &rows[i], NULL);
}

/* By name (@by_func 0) or by function: the first @limit rows, then how many were left out. */
static void io_by_label(const struct ppv_profile *p, unsigned int limit, int by_func,
			const struct io_table *t)
{
	size_t n, shown;
	const struct ppv_io_stats *rows = by_func ? ppv_profile_io_by_func(p, &n)
						  : ppv_profile_io_by_name(p, &n);

	fprintf(t->out, "I/O by %s\n", by_func ? "function" : "name");
	io_header(t, "kind", by_func ? "function" : "name");
	shown = n < limit ? n : limit;
	for (size_t i = 0; i < shown; i++) {
		const char *label = by_func ? ppv_render_func_name(p, rows[i].func) : rows[i].name;

		io_row(t, ppv_io_kind_name(rows[i].kind), &rows[i], label ? label : "(unnamed)");
	}
	if (shown < n)
		fprintf(t->out, "... and %zu more\n", n - shown);
}

/* Whether any operation was recorded automatically (has a class or an
 * operation): only then do the class and operation tables say more than
 * the kind table. */
static int automatic_io(const struct ppv_profile *p)
{
	size_t n;
	const struct ppv_io_stats *rows = ppv_profile_io_by_op(p, &n);

	return n > 1 || (n == 1 && rows[0].op != PPV_IO_OP_NONE);
}

static void io_tables(const struct ppv_profile *p, const struct ppv_render_opts *o,
		      const struct io_table *t)
{
	int all = o->io_by == PPV_IO_BY_ALL, autom = automatic_io(p);
	int n = 0;

	for (int by = PPV_IO_BY_KIND; by <= PPV_IO_BY_FUNCTION; by++) {
		if (!all && (int)o->io_by != by)
			continue;
		if (all && !autom && (by == PPV_IO_BY_CLASS || by == PPV_IO_BY_OP))
			continue;
		if (n++)
			fputc('\n', t->out);
		if (by == PPV_IO_BY_KIND)
			io_by_kind(p, t);
		else if (by == PPV_IO_BY_CLASS || by == PPV_IO_BY_OP)
			io_by_enum(p, by == PPV_IO_BY_OP, t);
		else
			io_by_label(p, o->limit, by == PPV_IO_BY_FUNCTION, t);
	}
}

int ppv_render_io(const struct ppv_profile *p, const struct ppv_render_opts *opts, FILE *out)
{
	struct ppv_render_opts o;
	struct io_table t = { .out = out, .blocked = ppv_profile_summary(p)->io_would_block != 0 };
	size_t nkinds;
	int rc = ppv_render_opts_fill(opts, PPV_IO_DEFAULT_LIMIT, &o);

	if (rc < 0)
		return rc;
	ppv_profile_io_by_kind(p, &nkinds);
	if (!nkinds)
		fprintf(out, "No I/O recorded (ppv-record traces I/O calls unless --no-io; "
			     "annotate other I/O with ppv_io_begin()/ppv_io_end()).\n");
	else
		io_tables(p, &o, &t);
	if (t.blocked)
		fprintf(out, "\n%" PRIu64 " operations would have blocked (EAGAIN, EINPROGRESS, "
			     "EINTR): counted as blocked, not as errors\n",
			ppv_profile_summary(p)->io_would_block);
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}
