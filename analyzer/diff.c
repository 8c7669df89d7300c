/* SPDX-License-Identifier: MIT */
/*
 * diff.c - comparing two runs (struct ppv_diff): matching each function of
 * the base run with the same function of the new run, the changes in
 * calls, total and self time, bytes allocated and I/O bytes with each
 * run's share, and the verdict of every row under the rule of struct
 * ppv_diff_opts (documented in <perprovis/ppv-diff.h>), in ns or in bytes.
 * Owns: matching, deltas, verdicts, row order.
 * Does not own: reading runs (diff-load.c) or showing them
 * (visualize/render-diff*.c).
 *
 * Matching is two merge-joins of sorted arrays: first on (kind, name,
 * module path), then, among what is left, on (kind, name, module file
 * name), so a program rebuilt in another directory still matches. Both
 * are O(n log n): reports can hold thousands of functions.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff-input.h"

struct ppv_diff {
	struct ppv_diff_opts o;
	const struct ppv_diff_input *in[2]; /* base, new */
	struct ppv_diff_input *owned[2];     /* made by ppv_diff_new_from_profiles() */
	struct ppv_diff_row *rows;
	size_t nrows;
	size_t count[PPV_DIFF_NSTATUS];
};

/* One side of a join: entries not matched yet, by pointer. */
struct side {
	const struct ppv_diff_entry **v;
	size_t n;
};

void ppv_diff_opts_init(struct ppv_diff_opts *o)
{
	*o = (struct ppv_diff_opts){
		.sz = sizeof(*o),
		.metric = PPV_DIFF_METRIC_TOTAL,
		.threshold_percent = PPV_DIFF_DEFAULT_THRESHOLD,
		.noise_floor_percent = PPV_DIFF_DEFAULT_NOISE_FLOOR,
	};
}

static const char *const metric_names[] = { "total", "self", "alloc", "alloc-self" };
#define NMETRICS (sizeof(metric_names) / sizeof(metric_names[0]))

int ppv_diff_metric_parse(const char *s, enum ppv_diff_metric *out)
{
	for (size_t i = 0; s && i < NMETRICS; i++) {
		if (strcmp(s, metric_names[i]) == 0) {
			*out = (enum ppv_diff_metric)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *ppv_diff_metric_name(enum ppv_diff_metric m)
{
	return (unsigned int)m < NMETRICS ? metric_names[m] : "?";
}

int ppv_diff_metric_is_memory(enum ppv_diff_metric m)
{
	return m == PPV_DIFF_METRIC_ALLOC || m == PPV_DIFF_METRIC_ALLOC_SELF;
}

const char *ppv_diff_status_name(enum ppv_diff_status s)
{
	static const char *const names[PPV_DIFF_NSTATUS] = {
		"unchanged", "regressed", "improved", "added", "removed",
	};

	return (unsigned int)s < PPV_DIFF_NSTATUS ? names[s] : "?";
}

/* Copy the caller's options (only @in->sz bytes of them) and check them. */
static int opts_fill(const struct ppv_diff_opts *in, struct ppv_diff_opts *out)
{
	ppv_diff_opts_init(out);
	if (in) {
		if (in->sz < sizeof(size_t))
			return -EINVAL;
		memcpy(out, in, in->sz < sizeof(*out) ? in->sz : sizeof(*out));
		out->sz = sizeof(*out);
	}
	if ((unsigned int)out->metric >= NMETRICS)
		return -EINVAL;
	if (!isfinite(out->threshold_percent) || out->threshold_percent < 0.0)
		return -EINVAL;
	if (!(out->noise_floor_percent >= 0.0 && out->noise_floor_percent <= 100.0))
		return -EINVAL;
	return 0;
}

static const char *file_name(const char *module)
{
	const char *slash = module ? strrchr(module, '/') : NULL;

	return slash ? slash + 1 : module ? module : "";
}

static int cmp_key(const struct ppv_diff_entry *a, const struct ppv_diff_entry *b, int by_file)
{
	int c = (int)a->kind - (int)b->kind;

	if (c)
		return c;
	c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (by_file)
		return strcmp(file_name(a->module), file_name(b->module));
	return strcmp(a->module ? a->module : "", b->module ? b->module : "");
}

static int cmp_exact(const void *a, const void *b)
{
	return cmp_key(*(const struct ppv_diff_entry *const *)a,
		       *(const struct ppv_diff_entry *const *)b, 0);
}

static int cmp_file(const void *a, const void *b)
{
	return cmp_key(*(const struct ppv_diff_entry *const *)a,
		       *(const struct ppv_diff_entry *const *)b, 1);
}

static int side_init(struct side *s, const struct ppv_diff_input *in)
{
	s->n = in->n;
	s->v = calloc(in->n ? in->n : 1, sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	for (size_t i = 0; i < in->n; i++)
		s->v[i] = &in->v[i];
	return 0;
}

/* @part as a percentage of @whole; 0 when @whole is 0. */
static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void figures_set(struct ppv_diff_figures *f, const struct ppv_diff_entry *e,
			const struct ppv_diff_input *in)
{
	if (!e)
		return;
	f->calls = e->calls;
	f->total_ns = e->total_ns;
	f->self_ns = e->self_ns;
	f->io_bytes = e->io_bytes;
	f->total_percent = share(e->total_ns, in->run.total_ns);
	f->self_percent = share(e->self_ns, in->run.total_ns);
	f->alloc_bytes = e->alloc_bytes;
	f->alloc_bytes_incl = e->alloc_bytes_incl;
	f->alloc_incl_percent = share(e->alloc_bytes_incl, in->run.alloc_bytes);
	f->alloc_self_percent = share(e->alloc_bytes, in->run.alloc_bytes);
}

static void row_add(struct ppv_diff *d, const struct ppv_diff_entry *b,
		    const struct ppv_diff_entry *c)
{
	struct ppv_diff_row *r = &d->rows[d->nrows++];
	const struct ppv_diff_entry *e = c ? c : b;

	r->name = e->name;
	r->module = c && c->module ? c->module : b ? b->module : NULL;
	r->kind = e->kind;
	r->in_base = b != NULL;
	r->in_new = c != NULL;
	figures_set(&r->base, b, d->in[0]);
	figures_set(&r->cur, c, d->in[1]);
}

/*
 * Pair equal keys of @b and @c into rows; what stays unmatched is
 * compacted to the front of each side for the next pass.
 */
static void join(struct ppv_diff *d, struct side *b, struct side *c, int by_file)
{
	int (*cmp)(const void *, const void *) = by_file ? cmp_file : cmp_exact;
	size_t i = 0, j = 0, nb = 0, nc = 0;

	qsort(b->v, b->n, sizeof(*b->v), cmp);
	qsort(c->v, c->n, sizeof(*c->v), cmp);
	while (i < b->n && j < c->n) {
		int k = cmp_key(b->v[i], c->v[j], by_file);

		if (k == 0)
			row_add(d, b->v[i++], c->v[j++]);
		else if (k < 0)
			b->v[nb++] = b->v[i++];
		else
			c->v[nc++] = c->v[j++];
	}
	while (i < b->n)
		b->v[nb++] = b->v[i++];
	while (j < c->n)
		c->v[nc++] = c->v[j++];
	b->n = nb;
	c->n = nc;
}

static uint64_t metric_of(const struct ppv_diff *d, const struct ppv_diff_figures *f)
{
	switch (d->o.metric) {
	case PPV_DIFF_METRIC_SELF:
		return f->self_ns;
	case PPV_DIFF_METRIC_ALLOC:
		return f->alloc_bytes_incl;
	case PPV_DIFF_METRIC_ALLOC_SELF:
		return f->alloc_bytes;
	default:
		return f->total_ns;
	}
}

static double share_of(const struct ppv_diff *d, const struct ppv_diff_figures *f)
{
	switch (d->o.metric) {
	case PPV_DIFF_METRIC_SELF:
		return f->self_percent;
	case PPV_DIFF_METRIC_ALLOC:
		return f->alloc_incl_percent;
	case PPV_DIFF_METRIC_ALLOC_SELF:
		return f->alloc_self_percent;
	default:
		return f->total_percent;
	}
}

/* The minimum delta in the metric's unit: bytes or ns. */
static uint64_t min_delta_of(const struct ppv_diff *d)
{
	return ppv_diff_metric_is_memory(d->o.metric) ? d->o.min_delta_bytes : d->o.min_delta_ns;
}

/* Apply the rule of <perprovis/ppv-diff.h> to one matched (or lone) row. */
static void verdict(const struct ppv_diff *d, struct ppv_diff_row *r)
{
	uint64_t before = metric_of(d, &r->base), after = metric_of(d, &r->cur);
	uint64_t grew = after > before ? after - before : before - after;
	uint64_t smaller = after > before ? before : after;
	double floor = d->o.noise_floor_percent, rel;
	int64_t delta = after >= before ? (int64_t)grew : -(int64_t)grew;
	int passes;

	if (ppv_diff_metric_is_memory(d->o.metric))
		r->delta_bytes = delta;
	else
		r->delta_ns = delta;
	if (before)
		r->change_percent = 100.0 * (double)delta / (double)before;
	else
		r->change_percent = after ? INFINITY : 0.0;
	/* relative to the smaller value: swapping the runs swaps regressed and improved */
	rel = smaller ? 100.0 * (double)grew / (double)smaller : grew ? INFINITY : 0.0;
	r->below_floor = share_of(d, &r->base) < floor && share_of(d, &r->cur) < floor;
	passes = !r->below_floor && grew > min_delta_of(d) && rel > d->o.threshold_percent;
	if (!r->in_base)
		r->status = passes && d->o.new_regresses ? PPV_DIFF_REGRESSED : PPV_DIFF_ADDED;
	else if (!r->in_new)
		r->status = PPV_DIFF_REMOVED;
	else if (passes)
		r->status = delta > 0 ? PPV_DIFF_REGRESSED : PPV_DIFF_IMPROVED;
	else
		r->status = PPV_DIFF_UNCHANGED;
}

/* The size of the metric's change: one of delta_ns and delta_bytes is always 0. */
static uint64_t magnitude(const struct ppv_diff_row *r)
{
	int64_t v = r->delta_ns ? r->delta_ns : r->delta_bytes;

	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Regressions first; then by the size of the change; ties by name, module. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct ppv_diff_row *a = pa, *b = pb;
	int ra = a->status == PPV_DIFF_REGRESSED, rb = b->status == PPV_DIFF_REGRESSED;
	uint64_t ma = magnitude(a), mb = magnitude(b);
	int c;

	if (ra != rb)
		return rb - ra;
	if (ma != mb)
		return ma < mb ? 1 : -1;
	c = strcmp(a->name, b->name);
	if (c)
		return c;
	return strcmp(a->module ? a->module : "", b->module ? b->module : "");
}

static int rows_build(struct ppv_diff *d)
{
	struct side b = { 0 }, c = { 0 };
	int rc = -ENOMEM;

	d->rows = calloc(d->in[0]->n + d->in[1]->n + 1, sizeof(*d->rows));
	if (!d->rows || side_init(&b, d->in[0]) < 0 || side_init(&c, d->in[1]) < 0)
		goto out;
	join(d, &b, &c, 0);
	join(d, &b, &c, 1);
	for (size_t i = 0; i < b.n; i++)
		row_add(d, b.v[i], NULL);
	for (size_t i = 0; i < c.n; i++)
		row_add(d, NULL, c.v[i]);
	for (size_t i = 0; i < d->nrows; i++) {
		verdict(d, &d->rows[i]);
		d->count[d->rows[i].status]++;
	}
	qsort(d->rows, d->nrows, sizeof(*d->rows), cmp_rows);
	rc = 0;
out:
	free(b.v);
	free(c.v);
	return rc;
}

int ppv_diff_new(const struct ppv_diff_input *base, const struct ppv_diff_input *cur,
		 const struct ppv_diff_opts *o, struct ppv_diff **out)
{
	struct ppv_diff *d;
	int rc;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->in[0] = base;
	d->in[1] = cur;
	rc = opts_fill(o, &d->o);
	/* zero bytes against zero bytes would read as "no regression" */
	if (rc == 0 && ppv_diff_metric_is_memory(d->o.metric) &&
	    (!base->run.alloc_events || !cur->run.alloc_events))
		rc = -ENODATA;
	if (rc == 0)
		rc = rows_build(d);
	if (rc < 0) {
		ppv_diff_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int ppv_diff_new_from_profiles(const struct ppv_profile *base, const struct ppv_profile *cur,
			       const struct ppv_diff_opts *o, struct ppv_diff **out)
{
	struct ppv_diff_input *in[2] = { NULL, NULL };
	int rc;

	*out = NULL;
	rc = ppv_diff_input_from_profile(base, &in[0]);
	if (rc == 0)
		rc = ppv_diff_input_from_profile(cur, &in[1]);
	if (rc == 0)
		rc = ppv_diff_new(in[0], in[1], o, out);
	if (rc < 0) {
		ppv_diff_input_free(in[0]);
		ppv_diff_input_free(in[1]);
		return rc;
	}
	(*out)->owned[0] = in[0];
	(*out)->owned[1] = in[1];
	return 0;
}

void ppv_diff_free(struct ppv_diff *d)
{
	if (!d)
		return;
	free(d->rows);
	ppv_diff_input_free(d->owned[0]);
	ppv_diff_input_free(d->owned[1]);
	free(d);
}

size_t ppv_diff_row_count(const struct ppv_diff *d)
{
	return d->nrows;
}

const struct ppv_diff_row *ppv_diff_row(const struct ppv_diff *d, size_t i)
{
	return i < d->nrows ? &d->rows[i] : NULL;
}

size_t ppv_diff_regressions(const struct ppv_diff *d)
{
	return d->count[PPV_DIFF_REGRESSED];
}

size_t ppv_diff_count(const struct ppv_diff *d, enum ppv_diff_status s)
{
	return (unsigned int)s < PPV_DIFF_NSTATUS ? d->count[s] : 0;
}

const struct ppv_diff_run *ppv_diff_base_run(const struct ppv_diff *d)
{
	return &d->in[0]->run;
}

const struct ppv_diff_run *ppv_diff_new_run(const struct ppv_diff *d)
{
	return &d->in[1]->run;
}

const struct ppv_diff_opts *ppv_diff_opts(const struct ppv_diff *d)
{
	return &d->o;
}
