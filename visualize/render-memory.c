/* SPDX-License-Identifier: MIT */
/*
 * render-memory.c - the memory report of `ppv-analyze memory`: one row per
 * function that allocated (itself or through its callees), the totals of
 * each process (heap and resident set), then the blocks never freed
 * grouped by the call path that allocated them, largest first.
 * Owns: the report's layout and its memory caveats (frees of unknown
 * addresses, frees lost in a pause, allocations outside every function).
 * Does not own: the figures (analyzer/memory.c), the order of functions
 * (ppv_profile_sorted()) or the run's caveats (format.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "render-common.h"

#define W_N 8
#define W_B 11
/* A leak's call path shows at most this many frames, the innermost ones. */
#define PATH_FRAMES 8

static void func_header(FILE *out)
{
	fprintf(out, "%*s %*s %*s %*s %*s %*s %*s %*s %*s  %s\n", W_N, "calls", W_N, "allocs",
		W_B, "allocated", W_N, "incl", W_B, "incl bytes", W_N, "frees", W_B, "freed",
		W_B, "retained", W_B, "peak", "function");
}

static void func_row(const struct ppv_func_stats *f, FILE *out)
{
	char b[PPV_BYTES_LEN], bi[PPV_BYTES_LEN], fr[PPV_BYTES_LEN], re[PPV_BYTES_LEN],
		pk[PPV_BYTES_LEN];

	fprintf(out, "%*" PRIu64 " %*" PRIu64 " %*s %*" PRIu64 " %*s %*" PRIu64 " %*s %*s %*s  %s\n",
		W_N, f->calls, W_N, f->alloc_count, W_B,
		ppv_format_bytes(f->alloc_bytes, b, sizeof(b)), W_N, f->alloc_count_incl, W_B,
		ppv_format_bytes(f->alloc_bytes_incl, bi, sizeof(bi)), W_N, f->free_count, W_B,
		ppv_format_bytes(f->freed_bytes, fr, sizeof(fr)), W_B,
		ppv_format_bytes(f->retained_bytes, re, sizeof(re)), W_B,
		ppv_format_bytes(f->peak_bytes, pk, sizeof(pk)), f->name);
}

/* Functions that allocated, by bytes allocated inclusive. */
static int print_functions(const struct ppv_profile *p, unsigned int limit, FILE *out)
{
	const struct ppv_func_stats **v;
	size_t n, shown = 0;
	int rc = ppv_render_sorted(p, PPV_SORT_MEMORY, &v, &n);

	if (rc < 0)
		return rc;
	while (shown < n && v[shown]->alloc_count_incl)
		shown++;
	fprintf(out, "Memory by function (bytes allocated, inclusive): %zu of %zu functions\n\n",
		shown < limit ? shown : limit, shown);
	func_header(out);
	for (size_t i = 0; i < shown && i < limit; i++)
		func_row(v[i], out);
	free(v);
	return 0;
}

static void totals_row(const char *who, const struct ppv_memory_stats *m, FILE *out)
{
	char ab[PPV_BYTES_LEN], fb[PPV_BYTES_LEN], lb[PPV_BYTES_LEN], pb[PPV_BYTES_LEN],
		rss[PPV_BYTES_LEN];

	fprintf(out, "%-8s %*" PRIu64 " %*s %*" PRIu64 " %*s %*" PRIu64 " %*s %*s %*s\n", who, W_N,
		m->alloc_count, W_B, ppv_format_bytes(m->alloc_bytes, ab, sizeof(ab)), W_N,
		m->free_count, W_B, ppv_format_bytes(m->freed_bytes, fb, sizeof(fb)), W_N,
		m->live_count, W_B, ppv_format_bytes(m->live_bytes, lb, sizeof(lb)), W_B,
		ppv_format_bytes(m->peak_bytes, pb, sizeof(pb)), W_B,
		m->rss_samples ? ppv_format_bytes(m->peak_rss, rss, sizeof(rss)) : "-");
}

static void print_totals(const struct ppv_profile *p, FILE *out)
{
	size_t n;
	const struct ppv_memory_stats *v = ppv_profile_memory_by_process(p, &n);
	char pid[16];

	fprintf(out, "\nTotals\n%-8s %*s %*s %*s %*s %*s %*s %*s %*s\n", "process", W_N, "allocs",
		W_B, "allocated", W_N, "frees", W_B, "freed", W_N, "live", W_B, "live bytes", W_B,
		"peak heap", W_B, "peak RSS");
	for (size_t i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%" PRIu32, v[i].pid);
		totals_row(pid, &v[i], out);
	}
	if (n > 1)
		totals_row("all", ppv_profile_memory_total(p), out);
}

/* "main > parse > leaf", the innermost PATH_FRAMES frames. */
static void print_path(const struct ppv_profile *p, const struct ppv_cct_node *n, FILE *out)
{
	const struct ppv_cct_node *v[PATH_FRAMES];
	size_t k = 0;

	if (!n->parent) {
		fputs("(outside any recorded function)", out);
		return;
	}
	for (; n->parent && k < PATH_FRAMES; n = n->parent)
		v[k++] = n;
	if (n->parent)
		fputs("... > ", out);
	while (k-- > 0)
		fprintf(out, "%s%s", ppv_render_func_name(p, v[k]->func), k ? " > " : "");
}

static void print_leaks(const struct ppv_profile *p, unsigned int limit, FILE *out)
{
	size_t n;
	const struct ppv_leak *l = ppv_profile_leaks(p, &n);
	const struct ppv_memory_stats *m = ppv_profile_memory_total(p);
	char b[PPV_BYTES_LEN];

	if (!n) {
		fprintf(out, "\nNo leaks: every block allocated was freed.\n");
		return;
	}
	fprintf(out, "\nLeaks: %" PRIu64 " blocks never freed, %s, on %zu call paths", m->live_count,
		ppv_format_bytes(m->live_bytes, b, sizeof(b)), n);
	fprintf(out, ", largest first\n%*s %*s  %s\n", W_B, "bytes", W_N,
		"blocks", "call path");
	for (size_t i = 0; i < n && i < limit; i++) {
		fprintf(out, "%*s %*" PRIu64 "  ", W_B, ppv_format_bytes(l[i].bytes, b, sizeof(b)),
			W_N, l[i].count);
		print_path(p, l[i].node, out);
		fputc('\n', out);
	}
	if (n > limit)
		fprintf(out, "... and %zu more paths\n", n - limit);
}

/* What the memory figures cannot see, before the run's own caveats. */
static void memory_notes(const struct ppv_memory_stats *m, FILE *out)
{
	if (m->unmatched_frees || m->unseen_frees || m->outside_count)
		fputc('\n', out);
	if (m->unmatched_frees)
		fprintf(out, "note: %" PRIu64 " frees of addresses not allocated while recording "
			     "(allocated before it began, or during a pause): ignored\n",
			m->unmatched_frees);
	if (m->unseen_frees)
		fprintf(out, "note: %" PRIu64 " blocks were freed without a recorded free (their "
			     "address was allocated again): counted as freed\n", m->unseen_frees);
	if (m->outside_count)
		fprintf(out, "note: %" PRIu64 " allocations were made outside every recorded "
			     "function: in the totals and the leaks only\n", m->outside_count);
}

int ppv_render_memory(const struct ppv_profile *p, const struct ppv_render_opts *opts,
		      FILE *out)
{
	const struct ppv_memory_stats *m = ppv_profile_memory_total(p);
	struct ppv_render_opts o;
	int rc = ppv_render_opts_fill(opts, PPV_RENDER_DEFAULT_LIMIT, &o);

	if (rc < 0)
		return rc;
	if (!m->events) {
		fprintf(out, "No allocations recorded (record with ppv-record -g fine, or "
			     "--memory).\n");
		if (m->rss_samples)
			print_totals(p, out);
	} else {
		rc = print_functions(p, o.limit, out);
		if (rc < 0)
			return rc;
		print_totals(p, out);
		print_leaks(p, o.limit, out);
		memory_notes(m, out);
	}
	ppv_render_notes(p, out);
	return ppv_render_end(out);
}
