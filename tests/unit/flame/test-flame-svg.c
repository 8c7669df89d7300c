/* test-flame-svg.c - SVG flame graphs: frames, widths, orientation,
 * escaping, tooltips and the differential colours. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flame-fixture.h"

static struct ffx fx, fx2;

static void teardown(void)
{
	ffx_close(&fx);
	ffx_close(&fx2);
}

TestSuite(flame_svg, .fini = teardown);

/* The <rect> attribute @attr of the frame whose tooltip starts with "@name\n". */
static double frame_attr(const char *svg, const char *name, const char *attr)
{
	char key[128], a[32];
	const char *s, *r;

	snprintf(key, sizeof(key), "<title>%s\n", name);
	s = strstr(svg, key);
	cr_assert_not_null(s, "no frame %s", name);
	r = strstr(s, "<rect ");
	cr_assert_not_null(r);
	snprintf(a, sizeof(a), " %s=\"", attr);
	r = strstr(r, a);
	cr_assert_not_null(r);
	return strtod(r + strlen(a), NULL);
}

/* The fill of the frame named @name. */
static char *frame_fill(const char *svg, const char *name, char *buf, size_t len)
{
	char key[128];
	const char *s, *f, *e;

	snprintf(key, sizeof(key), "<title>%s\n", name);
	s = strstr(svg, key);
	cr_assert_not_null(s, "no frame %s", name);
	f = strstr(s, "fill=\"");
	cr_assert_not_null(f);
	f += 6;
	e = strchr(f, '"');
	snprintf(buf, len, "%.*s", (int)(e - f), f);
	return buf;
}

Test(flame_svg, draws_one_frame_per_path_plus_the_root)
{
	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, NULL), 0);
	cr_assert(strncmp(fx.text, "<?xml", 5) == 0);
	cr_assert_eq(ffx_count(fx.text, "<g class=\"f\">"), 8);
	cr_assert_eq(ffx_count(fx.text, "<g "), ffx_count(fx.text, "</g>"));
	cr_assert_eq(ffx_count(fx.text, "<title>work\n"), 2);
	cr_assert_eq(ffx_count(fx.text, "<title>leaf\n"), 2);
	cr_assert_eq(ffx_count(fx.text, "</svg>\n"), 1);
	cr_assert_eq(ffx_count(fx.text, "http://"), 1, "only the SVG namespace, no fetches");
}

Test(flame_svg, widths_are_shares_of_the_total_weight)
{
	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, NULL), 0);
	/* 1180 px for 200 us: main 120 us, worker 80 us right of it. */
	cr_assert_float_eq(frame_attr(fx.text, "all", "width"), 1180.0, 0.01);
	cr_assert_float_eq(frame_attr(fx.text, "main", "width"), 708.0, 0.01);
	cr_assert_float_eq(frame_attr(fx.text, "worker", "x"), 10.0 + 708.0, 0.01);
	cr_assert_float_eq(frame_attr(fx.text, "worker", "width"), 472.0, 0.01);
	cr_assert_float_eq(frame_attr(fx.text, "helper", "x"), 10.0 + 80 * 5.9, 0.01);
	cr_assert(strstr(fx.text, "calls: 2, time: 80.00 us\ntime: 80.00 us (40.00% of time)"));
}

Test(flame_svg, grows_up_by_default_and_down_as_an_icicle)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .icicle = 1, .title = "Mine & yours" };

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, NULL), 0);
	cr_assert_float_eq(frame_attr(fx.text, "all", "y"), 60.0 + 3 * 16, 0.01);
	cr_assert_float_eq(frame_attr(fx.text, "main", "y"), 60.0 + 2 * 16, 0.01);
	cr_assert(strstr(fx.text, ">Flame Graph</text>"));
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, &o), 0);
	cr_assert_float_eq(frame_attr(fx.text, "all", "y"), 60.0, 0.01);
	cr_assert_float_eq(frame_attr(fx.text, "main", "y"), 76.0, 0.01);
	cr_assert(strstr(fx.text, ">Mine &amp; yours</text>"));
}

Test(flame_svg, escapes_names_and_clips_labels_to_the_frame)
{
	ffx_open(&fx, FFX_ODD_NAMES, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, NULL), 0);
	cr_assert(strstr(fx.text, "<title>x&lt;y&gt;&amp;&quot;q\n"));
	cr_assert_null(strstr(fx.text, "x<y"));
	/* 4 us of 50 us is 94.4 px: a 13-character label fits, a longer name is cut. */
	cr_assert(strstr(fx.text, ">x&lt;y&gt;&amp;&quot;q</text>"));
	cr_assert(strstr(fx.text, "<title>a;b\nc\n"), "the tooltip keeps the real name");
}

Test(flame_svg, colours_frames_by_module_and_scopes_in_their_own_family)
{
	char a[32], b[32];

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, NULL), 0);
	/* Scopes: blue family (hue 205..225): blue is the largest component. */
	frame_fill(fx.text, "work", a, sizeof(a));
	frame_fill(fx.text, "main", b, sizeof(b));
	cr_assert_str_neq(a, b, "names shift the shade");
	{
		int r, g, bl;

		cr_assert_eq(sscanf(a, "rgb(%d,%d,%d)", &r, &g, &bl), 3);
		cr_assert(bl > r && bl > g, "%s", a);
	}
}

Test(flame_svg, merges_runs_of_frames_too_narrow_to_draw)
{
	ffx_open(&fx, FFX_SMALL, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, NULL), 0);
	/* Each tNN is 0.012 px wide; the twenty together 0.236 px: one grey frame. */
	cr_assert_eq(ffx_count(fx.text, "<g class=\"f\">"), 3, "all, main, big");
	cr_assert_eq(ffx_count(fx.text, "<g class=\"f ppvf-dim\"><title>(20 small frames)\n"), 1);
	cr_assert_null(strstr(fx.text, "<title>t0"));
	cr_assert(strstr(fx.text, ">20 frames narrower than 0.1 px left out"));
	cr_assert_float_eq(frame_attr(fx.text, "(20 small frames)", "width"),
			   1180.0 * 20 / 100050, 0.001);
}

Test(flame_svg, io_weight_draws_only_paths_with_io)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = PPV_FLAME_IO };

	ffx_open(&fx, FFX_ODD_NAMES, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, &o), 0);
	/* By I/O only main;reader has weight: main and reader span the graph. */
	cr_assert_float_eq(frame_attr(fx.text, "reader", "width"), 1180.0, 0.01);
	cr_assert_eq(ffx_count(fx.text, "<g class=\"f\">"), 3);
	cr_assert(strstr(fx.text, "4.00 KiB (100.00% of I/O bytes)"));
}

Test(flame_svg, diff_is_red_where_self_grew_and_blue_where_it_shrank)
{
	char c[32], *text = NULL;

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	ffx_open(&fx2, FFX_SLOWER, NULL);
	cr_assert_eq(ffx_render_diff(&text, &fx, &fx2, 1, NULL), 0);
	/* leaf 20 -> 30 us: +1/3; work 60 -> 50 us: -1/6; extra is new. */
	cr_assert_str_eq(frame_fill(text, "leaf", c, sizeof(c)), "rgb(255,147,147)");
	cr_assert_str_eq(frame_fill(text, "work", c, sizeof(c)), "rgb(183,183,255)");
	cr_assert_str_eq(frame_fill(text, "helper", c, sizeof(c)), "rgb(220,220,220)");
	cr_assert_str_eq(frame_fill(text, "extra", c, sizeof(c)), "rgb(255,0,0)");
	cr_assert_null(strstr(text, "<title>worker"), "drawn from the second profile");
	cr_assert(strstr(text, "self before: 20.00 us, after: 30.00 us, "
			       "delta: +10.00 us (+50.0%)"));
	/* The second profile's 120 us fill the width. */
	cr_assert_float_eq(frame_attr(text, "main", "width"), 1180.0, 0.01);
	free(text);
}
