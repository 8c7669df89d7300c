/* SPDX-License-Identifier: MIT */
/*
 * render-flame.h - private to the flame graph renderers (render-folded.c,
 * render-svg.c, render-svg-script.c, render-flamechart.c): the stack tree
 * keyed by function names that folded stacks and SVG flame graphs are drawn
 * from, and the SVG document writer they share. Not installed.
 */
#ifndef PPV_RENDER_FLAME_H
#define PPV_RENDER_FLAME_H

#include <stdint.h>
#include <stdio.h>

#include "render-common.h"

/*
 * The stack tree: calling-context trees of one or two profiles merged by
 * the names of their frames (ids differ between profiles, and two
 * functions of one name on one path are one stack in folded form). Nodes
 * are created parents first, so a parent's index is below its children's.
 * Side 0 is the only side of a single profile, and the "before" of a diff.
 */
#define PPV_STACK_NONE UINT32_MAX

struct ppv_stack_node {
	const char *name;   /* borrowed from a profile */
	const char *module; /* NULL for scopes and unknown modules */
	int scope;
	uint32_t parent, first_child, last_child, next_sibling;
	uint32_t depth;     /* 1 for the threads' outermost frames; 0 for the root */
	uint64_t hash;
	uint64_t weight[2]; /* self weight by flame_by */
	uint64_t sum[2];    /* weight of the subtree: the frame's width */
	uint64_t calls[2];
	uint64_t total_ns[2];
	uint64_t x;         /* offset of the frame in side 1's units (ppv_stack_tree_layout) */
};

struct ppv_stack_tree {
	struct ppv_stack_node *v; /* v[0] is the root */
	uint32_t n, cap;
	uint32_t *slots;          /* open addressing: node index by (parent, name) */
	uint32_t nslots;
	uint32_t max_depth;
	enum ppv_flame_by by;
};

/* Return: 0, or -EINVAL for a flame_by out of range. */
int ppv_flame_by_check(enum ppv_flame_by by);
int ppv_stack_tree_init(struct ppv_stack_tree *t, enum ppv_flame_by by);
/* Merge @p's calling-context tree into @t as @side (0 or 1). Return: 0, -ENOMEM. */
int ppv_stack_tree_add(struct ppv_stack_tree *t, const struct ppv_profile *p, int side);
/* Fill every node's sum[] and, from side @side's sums, its x. */
void ppv_stack_tree_layout(struct ppv_stack_tree *t, int side);
void ppv_stack_tree_fini(struct ppv_stack_tree *t);
/* Write @name with ';' and line breaks replaced, as a folded frame. */
void ppv_folded_name(const char *name, FILE *out);

/*
 * The SVG document writer: flamegraph.pl's geometry (1200 px wide, 16 px
 * frames, 12 px text), frames as <g class="f"><title/><rect/><text/></g>,
 * and the inline CSS and JavaScript (zoom, search, text fitting).
 */
#define PPV_SVG_WIDTH 1200.0
#define PPV_SVG_PAD 10.0
#define PPV_SVG_FRAME_H 16.0
#define PPV_SVG_TOP 60.0     /* title, subtitle, buttons */
#define PPV_SVG_BOTTOM 34.0  /* details line */
#define PPV_SVG_MIN_PX 0.1   /* narrower frames are merged or left out */

struct ppv_svg {
	FILE *out;
	double height;
};

struct ppv_svg_frame {
	double x, w, y;      /* pixels */
	const char *name;
	const char *tooltip; /* the lines after the name, '\n' separated */
	const char *fill;    /* "rgb(...)" */
	int dim;             /* a grey stand-in for merged small frames */
};

/* Write the document's start; @subtitle may be NULL. */
void ppv_svg_begin(struct ppv_svg *s, FILE *out, double height, const char *title,
		   const char *subtitle);
void ppv_svg_frame_write(struct ppv_svg *s, const struct ppv_svg_frame *f);
/* A note under the frames (what was left out, how to read the colours). */
void ppv_svg_end(struct ppv_svg *s, const char *note);
/* Colour of a frame: hue family from the module's basename, shade from @name. */
void ppv_svg_fill(const char *name, const char *module, int scope, char *buf, size_t len);
/* Write @s XML-escaped, control characters and invalid UTF-8 as '?'. */
void ppv_svg_escape(const char *s, size_t max, FILE *out);

#endif /* PPV_RENDER_FLAME_H */
