/* SPDX-License-Identifier: MIT */
/*
 * render-svg.c - SVG flame graphs of one profile, and differential ones of
 * two (drawn from the second, red where a stack's self weight grew, blue
 * where it shrank). Owns the flame graph's geometry: frame widths from the
 * stack tree's subtree weights, flame or icicle orientation, frames
 * narrower than PPV_SVG_MIN_PX left out (runs of them merged into one grey
 * frame when together they are wide enough), tooltips and colours. Does
 * not own: the stack tree (render-folded.c) or the document, its script
 * and palette (render-svg-script.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-flame.h"

#define PLOT_W (PPV_SVG_WIDTH - 2 * PPV_SVG_PAD)

struct flame {
	const struct ppv_profile *p;
	const struct ppv_render_opts *o;
	struct ppv_stack_tree t;
	int side;           /* the side drawn: 0, or 1 for a diff */
	int diff;
	double scale;       /* pixels per unit of weight */
	uint32_t depth;     /* deepest frame drawn */
	unsigned char *shown;
	uint64_t omitted;   /* frames left out */
	struct ppv_svg svg;
};

static double px(const struct flame *f, uint64_t w)
{
	return (double)w * f->scale;
}

/* A frame is shown if its parent is and it is wide enough; parents come first. */
static int choose_frames(struct flame *f)
{
	const struct ppv_stack_tree *t = &f->t;

	f->shown = calloc(t->n, 1);
	if (!f->shown)
		return -ENOMEM;
	f->shown[0] = 1;
	for (uint32_t i = 1; i < t->n; i++) {
		const struct ppv_stack_node *n = &t->v[i];

		if (!n->sum[f->side])
			continue;
		f->shown[i] = f->shown[n->parent] && px(f, n->sum[f->side]) >= PPV_SVG_MIN_PX;
		if (!f->shown[i])
			f->omitted++;
		else if (n->depth > f->depth)
			f->depth = n->depth;
	}
	return 0;
}

static double frame_y(const struct flame *f, uint32_t depth)
{
	if (f->o->icicle)
		return PPV_SVG_TOP + depth * PPV_SVG_FRAME_H;
	return PPV_SVG_TOP + (f->depth - depth) * PPV_SVG_FRAME_H;
}

static const char *measure(enum ppv_flame_by by)
{
	switch (by) {
	case PPV_FLAME_CALLS:
		return "calls";
	case PPV_FLAME_IO:
		return "I/O bytes";
	case PPV_FLAME_MEMORY:
		return "bytes allocated";
	default:
		return "time";
	}
}

static void format_weight(enum ppv_flame_by by, uint64_t v, char *buf, size_t len)
{
	if (by == PPV_FLAME_TIME)
		ppv_format_duration(v, buf, len);
	else if (by == PPV_FLAME_IO || by == PPV_FLAME_MEMORY)
		ppv_format_bytes(v, buf, len);
	else
		snprintf(buf, len, "%" PRIu64 " calls", v);
}

static void tooltip(const struct flame *f, const struct ppv_stack_node *n, char *buf, size_t len)
{
	char tot[PPV_DURATION_LEN], w[PPV_BYTES_LEN + 8], sw[PPV_BYTES_LEN + 8];
	double pct = 100.0 * (double)n->sum[f->side] / (double)f->t.v[0].sum[f->side];
	int k;

	format_weight(f->t.by, n->sum[f->side], w, sizeof(w));
	format_weight(f->t.by, n->weight[f->side], sw, sizeof(sw));
	k = snprintf(buf, len, "calls: %" PRIu64 ", time: %s\n%s: %s (%.2f%% of %s), self %s",
		     n->calls[f->side], ppv_format_duration(n->total_ns[f->side], tot, sizeof(tot)),
		     measure(f->t.by), w, pct, measure(f->t.by), sw);
	if (f->diff && k > 0 && (size_t)k < len) {
		uint64_t b = n->weight[0], a = n->weight[1];
		char bs[sizeof(w)], as[sizeof(w)], ds[sizeof(w)];

		format_weight(f->t.by, b, bs, sizeof(bs));
		format_weight(f->t.by, a, as, sizeof(as));
		format_weight(f->t.by, a > b ? a - b : b - a, ds, sizeof(ds));
		snprintf(buf + k, len - (size_t)k, "\nself before: %s, after: %s, delta: %s%s",
			 bs, as, a > b ? "+" : a < b ? "-" : "", ds);
		if (b)
			snprintf(buf + strlen(buf), len - strlen(buf), " (%+.1f%%)",
				 100.0 * ((double)a - (double)b) / (double)b);
	}
}

/* Red if the self weight grew, blue if it shrank, deeper the larger the change. */
static void diff_fill(const struct ppv_stack_node *n, char *buf, size_t len)
{
	uint64_t b = n->weight[0], a = n->weight[1];
	double rel = (double)(a > b ? a - b : b - a) / (double)(a > b ? a : b ? b : 1);
	int c = (int)(220 * (1 - rel) + 0.5);

	if (a > b)
		snprintf(buf, len, "rgb(255,%d,%d)", c, c);
	else if (a < b)
		snprintf(buf, len, "rgb(%d,%d,255)", c, c);
	else
		snprintf(buf, len, "rgb(220,220,220)");
}

static void draw_node(struct flame *f, uint32_t i)
{
	const struct ppv_stack_node *n = &f->t.v[i];
	struct ppv_svg_frame fr = { .name = n->name };
	char tip[512], fill[32];

	tooltip(f, n, tip, sizeof(tip));
	if (f->diff)
		diff_fill(n, fill, sizeof(fill));
	else if (i == 0)
		snprintf(fill, sizeof(fill), "rgb(200,200,200)");
	else
		ppv_svg_fill(n->name, n->module, n->scope, fill, sizeof(fill));
	fr.x = PPV_SVG_PAD + px(f, n->x);
	fr.w = px(f, n->sum[f->side]);
	fr.y = frame_y(f, n->depth);
	fr.tooltip = tip;
	fr.fill = fill;
	ppv_svg_frame_write(&f->svg, &fr);
}

/* One grey frame for @count hidden siblings from @first, @w units wide. */
static void draw_merged(struct flame *f, uint32_t first, uint64_t count, uint64_t w)
{
	const struct ppv_stack_node *n = &f->t.v[first];
	struct ppv_svg_frame fr = { .fill = "rgb(190,190,190)", .dim = 1 };
	char name[64], tip[64];

	if (px(f, w) < PPV_SVG_MIN_PX)
		return;
	snprintf(name, sizeof(name), "(%" PRIu64 " small frames)", count);
	snprintf(tip, sizeof(tip), "%.2f%% of %s",
		 100.0 * (double)w / (double)f->t.v[0].sum[f->side], measure(f->t.by));
	fr.name = name;
	fr.tooltip = tip;
	fr.x = PPV_SVG_PAD + px(f, n->x);
	fr.w = px(f, w);
	fr.y = frame_y(f, n->depth);
	ppv_svg_frame_write(&f->svg, &fr);
}

static void draw_children(struct flame *f, uint32_t parent)
{
	const struct ppv_stack_tree *t = &f->t;
	uint32_t first = PPV_STACK_NONE;
	uint64_t count = 0, w = 0;

	for (uint32_t c = t->v[parent].first_child; c != PPV_STACK_NONE; c = t->v[c].next_sibling) {
		if (!t->v[c].sum[f->side])
			continue;
		if (f->shown[c]) {
			if (count)
				draw_merged(f, first, count, w);
			count = w = 0;
			continue;
		}
		if (!count++)
			first = c;
		w += t->v[c].sum[f->side];
	}
	if (count)
		draw_merged(f, first, count, w);
}

static void caveats(const struct ppv_profile *p, char *buf, size_t len)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);

	snprintf(buf, len, "%s%s", s->lost || s->unfinished_calls || s->unmatched_exits ||
		 s->repaired_frames || s->truncated ? "; caveats: see ppv-analyze summary" : "",
		 s->truncated ? " (trace truncated)" : "");
	if (s->lost)
		snprintf(buf + strlen(buf), len - strlen(buf), ", %" PRIu64 " events lost",
			 s->lost);
	if (s->unfinished_calls)
		snprintf(buf + strlen(buf), len - strlen(buf), ", %" PRIu64 " calls unfinished",
			 s->unfinished_calls);
}

static void draw(struct flame *f)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(f->p);
	char sub[320], note[400], cav[200];
	const char *title = f->o->title;

	if (!title && f->diff)
		title = "Differential Flame Graph";
	else if (!title)
		title = f->o->icicle ? "Icicle Graph" : "Flame Graph";
	snprintf(sub, sizeof(sub), "width: %s%s%s%s", f->t.by == PPV_FLAME_TIME ? "self time" :
		 measure(f->t.by), f->diff ? " (after); red grew, blue shrank (self)" : "",
		 s->cmdline ? " - " : "", s->cmdline ? s->cmdline : "");
	ppv_svg_begin(&f->svg, f->svg.out, PPV_SVG_TOP + (f->depth + 1) * PPV_SVG_FRAME_H +
		      PPV_SVG_BOTTOM, title, sub);
	for (uint32_t i = 0; i < f->t.n; i++) {
		if (!f->shown[i])
			continue;
		draw_node(f, i);
		draw_children(f, i);
	}
	caveats(f->p, cav, sizeof(cav));
	snprintf(note, sizeof(note), "%" PRIu64 " frames narrower than %.1f px left out "
		 "(grey: merged)%s", f->omitted, PPV_SVG_MIN_PX, cav);
	ppv_svg_end(&f->svg, note);
}

static int render(const struct ppv_profile *base, const struct ppv_profile *cur,
		  const struct ppv_render_opts *opts, FILE *out)
{
	struct flame f = { .p = cur, .diff = base != NULL, .side = base != NULL };
	struct ppv_render_opts o;
	int rc;

	rc = ppv_render_opts_fill(opts, PPV_RENDER_DEFAULT_LIMIT, &o);
	if (rc == 0)
		rc = ppv_stack_tree_init(&f.t, o.flame_by);
	if (rc < 0)
		return rc;
	f.o = &o;
	rc = ppv_stack_tree_add(&f.t, cur, f.side);
	if (rc == 0 && base)
		rc = ppv_stack_tree_add(&f.t, base, 0);
	if (rc == 0) {
		ppv_stack_tree_layout(&f.t, f.side);
		if (!f.t.v[0].sum[f.side])
			f.t.v[0].sum[f.side] = 1; /* an empty run: one full-width "all" */
		f.scale = PLOT_W / (double)f.t.v[0].sum[f.side];
		rc = choose_frames(&f);
	}
	if (rc == 0) {
		f.svg.out = out;
		draw(&f);
	}
	free(f.shown);
	ppv_stack_tree_fini(&f.t);
	return rc < 0 ? rc : ppv_render_end(out);
}

int ppv_render_svg(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	return render(NULL, p, o, out);
}

int ppv_render_svg_diff(const struct ppv_profile *base, const struct ppv_profile *cur,
			const struct ppv_render_opts *o, FILE *out)
{
	return render(base, cur, o, out);
}
