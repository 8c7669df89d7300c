/* SPDX-License-Identifier: MIT */
/*
 * render-flamechart.c - flame charts: stacks in time order, fed frame by
 * frame during the analyzer's pass (ppv_flamechart_on_frame as on_frame).
 * Folded form: one line per stretch of time a thread spent in one stack
 * ("root;...;leaf NS", adjacent equal stacks merged), written as the
 * stretch ends, for flamegraph.pl --flamechart. SVG form: one lane per
 * thread, x is time, one frame per call. Owns the per-thread stacks and the
 * SVG's bounded frame buffer: at most PPV_FLAMECHART_MAX_FRAMES calls are
 * kept; when more arrive, the minimum duration kept doubles and shorter
 * calls are dropped (their callees are shorter still), which is invisible
 * at 1200 px unless a chart of more than ~100000 calls is zoomed. At the
 * end, calls narrower than PPV_SVG_MIN_PX are left out too. Does not own:
 * the SVG document (render-svg-script.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-flame.h"

#define PPV_FLAMECHART_MAX_FRAMES (1u << 18)
#define PLOT_W (PPV_SVG_WIDTH - 2 * PPV_SVG_PAD)

struct lane {
	uint32_t pid, tid;
	const char **names; /* the thread's shown stack, outermost first */
	uint32_t *funcs;
	uint32_t n, cap;
	uint64_t last_ts;   /* when the stack last changed */
	uint32_t max_depth; /* SVG: deepest call kept */
	uint64_t first, last; /* SVG: extent of the calls kept */
	int used;
};

struct call {
	uint64_t start, end;
	uint32_t lane, depth, func, calls;
	int unfinished;
};

struct ppv_flamechart {
	struct ppv_render_opts o;
	int svg;
	FILE *out;
	struct lane *lanes;
	uint32_t nlanes, last_lane; /* last_lane: the lane of the previous record */
	/* Folded: the stretch not written yet, merged while its stack repeats. */
	uint32_t *pend_funcs;
	const char **pend_names;
	uint32_t pend_n, pend_cap, pend_lane;
	uint64_t pend_ns;
	/* SVG */
	struct call *calls;
	uint32_t ncalls;
	uint64_t min_ns; /* calls shorter than this were dropped to stay under the cap */
	uint64_t dropped;
};

int ppv_flamechart_new(const struct ppv_render_opts *o, int svg, FILE *out,
		       struct ppv_flamechart **out_fc)
{
	struct ppv_flamechart *fc;
	int rc;

	*out_fc = NULL;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	rc = ppv_render_opts_fill(o, PPV_RENDER_DEFAULT_LIMIT, &fc->o);
	if (rc == 0 && fc->o.flame_by != PPV_FLAME_TIME) /* a chart measures time only */
		rc = -EINVAL;
	if (rc < 0) {
		free(fc);
		return rc;
	}
	fc->svg = svg;
	fc->out = out;
	*out_fc = fc;
	return 0;
}

void ppv_flamechart_free(struct ppv_flamechart *fc)
{
	if (!fc)
		return;
	for (uint32_t i = 0; i < fc->nlanes; i++) {
		free(fc->lanes[i].names);
		free(fc->lanes[i].funcs);
	}
	free(fc->lanes);
	free(fc->pend_funcs);
	free(fc->pend_names);
	free(fc->calls);
	free(fc);
}

static struct lane *lane_of(struct ppv_flamechart *fc, uint32_t pid, uint32_t tid, uint32_t *idx)
{
	struct lane *l = fc->nlanes ? &fc->lanes[fc->last_lane] : NULL;

	if (l && l->tid == tid && l->pid == pid) {
		*idx = fc->last_lane;
		return l;
	}
	for (uint32_t i = fc->nlanes; i-- > 0;) {
		if (fc->lanes[i].tid == tid && fc->lanes[i].pid == pid) {
			*idx = fc->last_lane = i;
			return &fc->lanes[i];
		}
	}
	l = realloc(fc->lanes, (fc->nlanes + 1) * sizeof(*l));
	if (!l)
		return NULL;
	fc->lanes = l;
	l = &fc->lanes[fc->nlanes];
	memset(l, 0, sizeof(*l));
	l->pid = pid;
	l->tid = tid;
	*idx = fc->last_lane = fc->nlanes++;
	return l;
}

static int grow(void **a, void **b, size_t sa, size_t sb, uint32_t *cap, uint32_t need)
{
	uint32_t n = *cap ? *cap : 64;
	void *x, *y;

	while (n < need)
		n *= 2;
	if (n == *cap)
		return 0;
	x = realloc(*a, n * sa);
	if (x)
		*a = x;
	y = x ? realloc(*b, n * sb) : NULL;
	if (!y)
		return -ENOMEM;
	*b = y;
	*cap = n;
	return 0;
}

static void write_pending(struct ppv_flamechart *fc)
{
	if (!fc->pend_ns)
		return;
	for (uint32_t i = 0; i < fc->pend_n; i++) {
		if (i)
			fputc(';', fc->out);
		ppv_folded_name(fc->pend_names[i], fc->out);
	}
	fprintf(fc->out, " %" PRIu64 "\n", fc->pend_ns);
	fc->pend_ns = 0;
}

/* @ns spent by lane @li in its current stack: merged into the pending line, or starts one. */
static int add_stretch(struct ppv_flamechart *fc, uint32_t li, uint64_t ns)
{
	const struct lane *l = &fc->lanes[li];

	if (fc->pend_ns && fc->pend_lane == li && fc->pend_n == l->n &&
	    memcmp(fc->pend_funcs, l->funcs, l->n * sizeof(*l->funcs)) == 0) {
		fc->pend_ns += ns;
		return 0;
	}
	write_pending(fc);
	if (grow((void **)&fc->pend_funcs, (void **)&fc->pend_names, sizeof(*fc->pend_funcs),
		 sizeof(*fc->pend_names), &fc->pend_cap, l->n))
		return -ENOMEM;
	memcpy(fc->pend_funcs, l->funcs, l->n * sizeof(*l->funcs));
	memcpy(fc->pend_names, l->names, l->n * sizeof(*l->names));
	fc->pend_n = l->n;
	fc->pend_lane = li;
	fc->pend_ns = ns;
	return 0;
}

/* The lane's stack follows the records; @depth resynchronizes it if one was missed. */
static int apply(struct lane *l, const struct ppv_frame_record *r)
{
	if (r->exit) {
		l->n = r->depth < l->n ? r->depth : l->n;
		return 0;
	}
	l->n = r->depth < l->n ? r->depth : l->n;
	if (grow((void **)&l->funcs, (void **)&l->names, sizeof(*l->funcs), sizeof(*l->names),
		 &l->cap, l->n + 1))
		return -ENOMEM;
	l->funcs[l->n] = r->func;
	l->names[l->n++] = r->name;
	return 0;
}

/* Drop the calls shorter than the doubled minimum until a quarter of the buffer is free. */
static void compact(struct ppv_flamechart *fc)
{
	while (fc->ncalls > PPV_FLAMECHART_MAX_FRAMES / 4 * 3) {
		uint32_t kept = 0;

		fc->min_ns = fc->min_ns ? 2 * fc->min_ns : 1;
		for (uint32_t i = 0; i < fc->ncalls; i++) {
			const struct call *c = &fc->calls[i];

			if (c->end - c->start >= fc->min_ns)
				fc->calls[kept++] = *c;
		}
		fc->dropped += fc->ncalls - kept;
		fc->ncalls = kept;
	}
}

static int keep_call(struct ppv_flamechart *fc, uint32_t li, const struct ppv_frame_record *r)
{
	uint64_t start = r->start_ns < r->ts ? r->start_ns : r->ts;
	struct call *c = fc->ncalls ? &fc->calls[fc->ncalls - 1] : NULL;

	if (c && c->lane == li && c->depth == r->depth && c->func == r->func && c->end == start) {
		c->end = r->ts;
		c->calls++;
		return 0;
	}
	if (r->ts - start < fc->min_ns) {
		fc->dropped++;
		return 0;
	}
	if (!fc->calls) {
		fc->calls = malloc(PPV_FLAMECHART_MAX_FRAMES * sizeof(*fc->calls));
		if (!fc->calls)
			return -ENOMEM;
	}
	if (fc->ncalls == PPV_FLAMECHART_MAX_FRAMES)
		compact(fc);
	fc->calls[fc->ncalls++] = (struct call){ .start = start, .end = r->ts, .lane = li,
		.depth = r->depth, .func = r->func, .calls = 1, .unfinished = r->unfinished };
	return 0;
}

int ppv_flamechart_on_frame(const struct ppv_frame_record *r, void *arg)
{
	struct ppv_flamechart *fc = arg;
	uint32_t li;
	struct lane *l = lane_of(fc, r->pid, r->tid, &li);
	int rc = 0;

	if (!l)
		return -ENOMEM;
	if (fc->svg) {
		if (r->exit)
			rc = keep_call(fc, li, r);
		return rc;
	}
	if (l->n && r->ts > l->last_ts)
		rc = add_stretch(fc, li, r->ts - l->last_ts);
	l->last_ts = r->ts;
	return rc ? rc : apply(l, r);
}


/* Depth and extent of the calls kept, per lane; the chart's time span. */
static void measure_lanes(struct ppv_flamechart *fc, const struct ppv_profile *p, uint64_t *t0,
			  uint64_t *t1)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);

	*t0 = s->start_ns ? s->start_ns : UINT64_MAX;
	*t1 = s->end_ns;
	for (uint32_t i = 0; i < fc->ncalls; i++) {
		const struct call *c = &fc->calls[i];
		struct lane *l = &fc->lanes[c->lane];

		if (!l->used || c->start < l->first)
			l->first = c->start;
		if (!l->used || c->end > l->last)
			l->last = c->end;
		if (!l->used || c->depth > l->max_depth)
			l->max_depth = c->depth;
		l->used = 1;
		*t0 = c->start < *t0 ? c->start : *t0;
		*t1 = c->end > *t1 ? c->end : *t1;
	}
	if (*t0 > *t1)
		*t0 = *t1;
}

/* Rows of a lane: its thread's frame and one per depth. */
static double lane_h(const struct lane *l)
{
	return l->used ? (l->max_depth + 2) * PPV_SVG_FRAME_H + PPV_SVG_FRAME_H / 2 : 0;
}

struct chart {
	struct ppv_flamechart *fc;
	const struct ppv_profile *p;
	uint64_t t0;
	double scale;
	double *lane_y; /* top of each lane */
	struct ppv_svg svg;
};

static double row_y(const struct chart *ch, uint32_t li, int depth)
{
	const struct lane *l = &ch->fc->lanes[li];

	if (ch->fc->o.icicle)
		return ch->lane_y[li] + (depth + 1) * PPV_SVG_FRAME_H;
	return ch->lane_y[li] + ((int)l->max_depth - depth) * PPV_SVG_FRAME_H;
}

static const char *thread_name(const struct ppv_profile *p, const struct lane *l)
{
	for (size_t i = 0; i < ppv_profile_thread_count(p); i++) {
		const struct ppv_thread_stats *t = ppv_profile_thread(p, i);

		if (t->tid == l->tid && t->pid == l->pid)
			return t->name;
	}
	return NULL;
}

static void draw_lane(struct chart *ch, uint32_t li)
{
	const struct lane *l = &ch->fc->lanes[li];
	const char *tn = thread_name(ch->p, l);
	struct ppv_svg_frame f = { .fill = "rgb(200,200,200)" };
	char name[128], tip[96], a[PPV_DURATION_LEN], d[PPV_DURATION_LEN];

	snprintf(name, sizeof(name), "thread %" PRIu32 "/%" PRIu32 "%s%s", l->pid, l->tid,
		 tn ? " " : "", tn ? tn : "");
	snprintf(tip, sizeof(tip), "start: +%s, span: %s",
		 ppv_format_duration(l->first - ch->t0, a, sizeof(a)),
		 ppv_format_duration(l->last - l->first, d, sizeof(d)));
	f.name = name;
	f.tooltip = tip;
	f.x = PPV_SVG_PAD + (double)(l->first - ch->t0) * ch->scale;
	f.w = (double)(l->last - l->first) * ch->scale;
	f.y = row_y(ch, li, -1);
	ppv_svg_frame_write(&ch->svg, &f);
}

static void draw_call(struct chart *ch, const struct call *c)
{
	const struct ppv_func_stats *fs = ppv_profile_func(ch->p, c->func);
	struct ppv_svg_frame f = { .name = ppv_render_func_name(ch->p, c->func) };
	char tip[160], fill[32], a[PPV_DURATION_LEN], d[PPV_DURATION_LEN];

	snprintf(tip, sizeof(tip), "start: +%s, duration: %s%s",
		 ppv_format_duration(c->start - ch->t0, a, sizeof(a)),
		 ppv_format_duration(c->end - c->start, d, sizeof(d)),
		 c->unfinished ? " (unfinished: closed at the end)" : "");
	if (c->calls > 1)
		snprintf(tip + strlen(tip), sizeof(tip) - strlen(tip),
			 "\n%" PRIu32 " adjacent calls merged", c->calls);
	ppv_svg_fill(f.name, fs ? fs->module : NULL, fs && fs->kind == PPV_FRAME_SCOPE, fill,
		     sizeof(fill));
	f.tooltip = tip;
	f.fill = fill;
	f.x = PPV_SVG_PAD + (double)(c->start - ch->t0) * ch->scale;
	f.w = (double)(c->end - c->start) * ch->scale;
	f.y = row_y(ch, c->lane, (int)c->depth);
	ppv_svg_frame_write(&ch->svg, &f);
}

static void draw_chart(struct chart *ch, double height)
{
	struct ppv_flamechart *fc = ch->fc;
	const char *cmd = ppv_profile_summary(ch->p)->cmdline;
	char sub[300], note[300], m[PPV_DURATION_LEN];
	uint64_t omitted = 0;

	snprintf(sub, sizeof(sub), "x: time, one lane per thread%s%s", cmd ? " - " : "",
		 cmd ? cmd : "");
	ppv_svg_begin(&ch->svg, fc->out, height, fc->o.title ? fc->o.title : "Flame Chart", sub);
	for (uint32_t i = 0; i < fc->nlanes; i++)
		if (fc->lanes[i].used)
			draw_lane(ch, i);
	for (uint32_t i = 0; i < fc->ncalls; i++) {
		const struct call *c = &fc->calls[i];

		if ((double)(c->end - c->start) * ch->scale < PPV_SVG_MIN_PX)
			omitted++;
		else
			draw_call(ch, c);
	}
	snprintf(note, sizeof(note), "%" PRIu64 " calls narrower than %.1f px left out",
		 omitted + fc->dropped, PPV_SVG_MIN_PX);
	if (fc->min_ns)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 " (calls under %s dropped to keep at most %u)",
			 ppv_format_duration(fc->min_ns, m, sizeof(m)), PPV_FLAMECHART_MAX_FRAMES);
	ppv_svg_end(&ch->svg, note);
}

static int write_svg(struct ppv_flamechart *fc, const struct ppv_profile *p)
{
	struct chart ch = { .fc = fc, .p = p };
	double y = PPV_SVG_TOP;
	uint64_t t1;

	measure_lanes(fc, p, &ch.t0, &t1);
	ch.scale = PLOT_W / (double)(t1 > ch.t0 ? t1 - ch.t0 : 1);
	ch.lane_y = calloc(fc->nlanes ? fc->nlanes : 1, sizeof(*ch.lane_y));
	if (!ch.lane_y)
		return -ENOMEM;
	for (uint32_t i = 0; i < fc->nlanes; i++) {
		ch.lane_y[i] = y;
		y += lane_h(&fc->lanes[i]);
	}
	draw_chart(&ch, y + PPV_SVG_BOTTOM);
	free(ch.lane_y);
	return ppv_render_end(fc->out);
}

int ppv_flamechart_finish(struct ppv_flamechart *fc, const struct ppv_profile *p)
{
	if (!fc->svg) {
		write_pending(fc);
		return ppv_render_end(fc->out);
	}
	return write_svg(fc, p);
}
