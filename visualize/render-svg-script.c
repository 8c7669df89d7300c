/* SPDX-License-Identifier: MIT */
/*
 * render-svg-script.c - the SVG document every flame graph and flame chart
 * is written as: the header with inline CSS and JavaScript (click to zoom,
 * reset, search with Ctrl-F or the button, matched percentage, details on
 * hover, text refitted to frame widths), one <g> per frame with its <title>
 * tooltip, text clipped to the frame, the colour palette (hue family by
 * module, shade by name), XML escaping. Self-contained: nothing is fetched.
 * Does not own: which frames exist or where they go (render-svg.c,
 * render-flamechart.c).
 */
#include <stdint.h>
#include <string.h>

#include "render-flame.h"

#define FONT_PX 12.0
#define CHAR_PX (FONT_PX * 0.59) /* average glyph width of the sans-serif font */

static const char css[] =
	"svg.ppvf text{font-family:Verdana,Helvetica,Arial,sans-serif;font-size:12px;\n"
	"fill:rgb(0,0,0)}\n"
	"#ppvf-title{text-anchor:middle;font-size:17px}\n"
	"#ppvf-subtitle{text-anchor:middle;fill:rgb(90,90,90)}\n"
	"#ppvf-note,#ppvf-details{font-size:11px}\n"
	"#ppvf-matched{text-anchor:end}\n"
	"svg.ppvf .ppvf-btn{cursor:pointer;fill:rgb(0,0,160)}\n"
	"svg.ppvf .ppvf-btn:hover{text-decoration:underline}\n"
	"svg.ppvf .ppvf-hide{display:none}\n"
	"svg.ppvf .f{cursor:pointer}\n"
	"svg.ppvf .f text{pointer-events:none}\n"
	"svg.ppvf .f:hover rect{stroke:rgb(0,0,0);stroke-width:0.5}\n"
	"svg.ppvf .ppvf-parent{opacity:0.5}\n";

/* ES5 on purpose: old viewers (rsvg, Inkscape) ignore the script anyway. */
static const char script[] =
	"(function () {\n"
	"\"use strict\";\n"
	"var W = 1200, PAD = 10, CW = 7.08, frames = [], zoomed = null;\n"
	"var details, matched, resetBtn;\n"
	"function el(id) { return document.getElementById('ppvf-' + id); }\n"
	"function fit(f, x, w) {\n"
	"  var n = Math.floor((w - 6) / CW);\n"
	"  f.t.setAttribute('x', (x + 3).toFixed(2));\n"
	"  f.t.textContent = n < 3 ? '' : f.name.length <= n ? f.name :\n"
	"    f.name.substring(0, n - 2) + '..';\n"
	"}\n"
	"function place(f, x, w) {\n"
	"  f.r.setAttribute('x', x.toFixed(3));\n"
	"  f.r.setAttribute('width', w.toFixed(3));\n"
	"  fit(f, x, w);\n"
	"}\n"
	"function zoom(z) {\n"
	"  var x0 = z.x, x1 = z.x + z.w, s = (W - 2 * PAD) / z.w;\n"
	"  zoomed = z;\n"
	"  frames.forEach(function (f) {\n"
	"    var a = Math.max(f.x, x0), b = Math.min(f.x + f.w, x1);\n"
	"    if (b - a < 0.05) { f.g.classList.add('ppvf-hide'); return; }\n"
	"    f.g.classList.remove('ppvf-hide');\n"
	"    if (f.x < x0 - 0.05 || f.x + f.w > x1 + 0.05) f.g.classList.add('ppvf-parent');\n"
	"    else f.g.classList.remove('ppvf-parent');\n"
	"    place(f, PAD + (a - x0) * s, (b - a) * s);\n"
	"  });\n"
	"  resetBtn.classList.remove('ppvf-hide');\n"
	"}\n"
	"function unzoom() {\n"
	"  zoomed = null;\n"
	"  frames.forEach(function (f) {\n"
	"    f.g.classList.remove('ppvf-hide');\n"
	"    f.g.classList.remove('ppvf-parent');\n"
	"    place(f, f.x, f.w);\n"
	"  });\n"
	"  resetBtn.classList.add('ppvf-hide');\n"
	"}\n"
	"function clearSearch() {\n"
	"  frames.forEach(function (f) { f.r.setAttribute('fill', f.fill); });\n"
	"  matched.textContent = ' ';\n"
	"}\n"
	"function matchedShare(spans) {\n"
	"  var sum = 0, end = -1;\n"
	"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"  spans.forEach(function (s) {\n"
	"    if (s[1] <= end) return;\n"
	"    sum += s[1] - Math.max(s[0], end);\n"
	"    end = s[1];\n"
	"  });\n"
	"  return 100 * sum / (W - 2 * PAD);\n"
	"}\n"
	"function search() {\n"
	"  var term = window.prompt('Search frames (regular expression):', ''), re, spans = [];\n"
	"  if (term === null) return;\n"
	"  if (term === '') { clearSearch(); return; }\n"
	"  try { re = new RegExp(term); }\n"
	"  catch (e) { window.alert('Bad expression: ' + e); return; }\n"
	"  frames.forEach(function (f) {\n"
	"    if (!f.dim && re.test(f.name)) {\n"
	"      f.r.setAttribute('fill', 'rgb(230,0,230)');\n"
	"      spans.push([f.x, f.x + f.w]);\n"
	"    } else {\n"
	"      f.r.setAttribute('fill', f.fill);\n"
	"    }\n"
	"  });\n"
	"  matched.textContent = 'Matched: ' + matchedShare(spans).toFixed(1) + '% (Esc clears)';\n"
	"}\n"
	"function hook(f) {\n"
	"  f.g.addEventListener('click', function () { zoom(f); });\n"
	"  f.g.addEventListener('mouseover', function () { details.textContent = f.info; });\n"
	"  f.g.addEventListener('mouseout', function () { details.textContent = ' '; });\n"
	"}\n"
	"function init() {\n"
	"  var gs = el('frames').querySelectorAll('g.f'), i;\n"
	"  details = el('details'); matched = el('matched'); resetBtn = el('reset');\n"
	"  for (i = 0; i < gs.length; i++) {\n"
	"    var g = gs[i], r = g.querySelector('rect');\n"
	"    var tip = g.querySelector('title').textContent;\n"
	"    var f = { g: g, r: r, t: g.querySelector('text'), x: +r.getAttribute('x'),\n"
	"      w: +r.getAttribute('width'), name: tip.split('\\n')[0],\n"
	"      info: tip.replace(/\\n/g, ' | '), fill: r.getAttribute('fill'),\n"
	"      dim: g.classList.contains('ppvf-dim') };\n"
	"    frames.push(f);\n"
	"    hook(f);\n"
	"  }\n"
	"  resetBtn.addEventListener('click', unzoom);\n"
	"  el('search').addEventListener('click', search);\n"
	"  matched.addEventListener('click', clearSearch);\n"
	"  if (document.documentElement.tagName.toLowerCase() !== 'svg')\n"
	"    return; /* inlined in a page: leave the page's keys alone */\n"
	"  window.addEventListener('keydown', function (e) {\n"
	"    if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {\n"
	"      e.preventDefault();\n"
	"      search();\n"
	"    } else if (e.key === 'Escape') {\n"
	"      clearSearch();\n"
	"      unzoom();\n"
	"    }\n"
	"  });\n"
	"}\n"
	"window.addEventListener('load', init);\n"
	"})();\n";

/* One UTF-8 sequence at @s: its length, or 0 if it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (s[0] < 0x80)
		return 1;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void ppv_svg_escape(const char *str, size_t max, FILE *out)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t chars = 0; *s && chars < max; chars++) {
		size_t n = utf8_len(s);

		if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '"')
			fputs("&quot;", out);
		else if (*s == '\n')
			fputc('\n', out);
		else if (*s < 0x20 || *s == 0x7f || !n)
			fputc('?', out);
		else
			fwrite(s, 1, n, out);
		s += n ? n : 1;
	}
}

void ppv_svg_begin(struct ppv_svg *s, FILE *out, double height, const char *title,
		   const char *subtitle)
{
	s->out = out;
	s->height = height;
	fprintf(out, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		     "<svg class=\"ppvf\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
		     "viewBox=\"0 0 %.0f %.0f\" "
		     "xmlns=\"http://www.w3.org/2000/svg\">\n",
		PPV_SVG_WIDTH, height, PPV_SVG_WIDTH, height);
	fprintf(out, "<style type=\"text/css\"><![CDATA[\n%s]]></style>\n", css);
	fprintf(out, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n", script);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" "
		     "fill=\"rgb(250,250,240)\"/>\n<text id=\"ppvf-title\" x=\"%.0f\" y=\"24\">",
		PPV_SVG_WIDTH / 2);
	ppv_svg_escape(title, 200, out);
	fprintf(out, "</text>\n<text id=\"ppvf-subtitle\" x=\"%.0f\" y=\"44\">", PPV_SVG_WIDTH / 2);
	ppv_svg_escape(subtitle ? subtitle : "", 200, out);
	fprintf(out, "</text>\n<text id=\"ppvf-reset\" class=\"ppvf-btn ppvf-hide\" "
		     "x=\"%.0f\" y=\"24\">Reset Zoom</text>\n<text id=\"ppvf-search\" "
		     "class=\"ppvf-btn\" x=\"%.0f\" y=\"24\" text-anchor=\"end\">Search (Ctrl-F)"
		     "</text>\n<g id=\"ppvf-frames\">\n",
		PPV_SVG_PAD, PPV_SVG_WIDTH - PPV_SVG_PAD);
}

/* The name cut to what a @w pixel wide frame shows: none, all, or a prefix and "..". */
static void write_label(const char *name, double w, FILE *out)
{
	double fits;
	size_t len = 0;

	if (w < 6 + 3 * CHAR_PX)
		return;
	fits = (double)(size_t)((w - 6) / CHAR_PX);
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		len += (*s & 0xc0) != 0x80;
	if ((double)len <= fits) {
		ppv_svg_escape(name, SIZE_MAX, out);
		return;
	}
	ppv_svg_escape(name, (size_t)fits - 2, out);
	fputs("..", out);
}

void ppv_svg_frame_write(struct ppv_svg *s, const struct ppv_svg_frame *f)
{
	FILE *out = s->out;

	fprintf(out, "<g class=\"f%s\"><title>", f->dim ? " ppvf-dim" : "");
	ppv_svg_escape(f->name, SIZE_MAX, out);
	if (f->tooltip && *f->tooltip) {
		fputc('\n', out);
		ppv_svg_escape(f->tooltip, SIZE_MAX, out);
	}
	fprintf(out, "</title><rect x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" height=\"%.1f\" "
		     "rx=\"2\" ry=\"2\" fill=\"%s\"/><text x=\"%.2f\" y=\"%.1f\">",
		f->x, f->y, f->w, PPV_SVG_FRAME_H - 1, f->fill, f->x + 3, f->y + 10.5);
	write_label(f->name, f->w, out);
	fputs("</text></g>\n", out);
}

void ppv_svg_end(struct ppv_svg *s, const char *note)
{
	fprintf(s->out, "</g>\n<text id=\"ppvf-details\" x=\"%.0f\" y=\"%.0f\"> </text>\n"
			"<text id=\"ppvf-matched\" class=\"ppvf-btn\" x=\"%.0f\" "
			"y=\"%.0f\"> </text>\n"
			"<text id=\"ppvf-note\" x=\"%.0f\" y=\"%.0f\">",
		PPV_SVG_PAD, s->height - 20, PPV_SVG_WIDTH - PPV_SVG_PAD, s->height - 20,
		PPV_SVG_PAD, s->height - 6);
	ppv_svg_escape(note ? note : "", 400, s->out);
	fputs("</text>\n</svg>\n", s->out);
}

static uint32_t hash32(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static double hue_to_rgb(double p, double q, double t)
{
	t = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
	if (t < 1.0 / 6)
		return p + (q - p) * 6 * t;
	if (t < 0.5)
		return q;
	if (t < 2.0 / 3)
		return p + (q - p) * (2.0 / 3 - t) * 6;
	return p;
}

static int channel(double p, double q, double t)
{
	return (int)(255 * hue_to_rgb(p, q, t) + 0.5);
}

static void hsl(double h, double s, double l, char *buf, size_t len)
{
	double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;

	/* No libm: the library does not link it, and these are all small positives. */
	while (h < 0)
		h += 360.0;
	while (h >= 360.0)
		h -= 360.0;
	h /= 360.0;
	snprintf(buf, len, "rgb(%d,%d,%d)", channel(p, q, h + 1.0 / 3), channel(p, q, h),
		 channel(p, q, h - 1.0 / 3));
}

/*
 * Hue families keep away from blue, which is the scopes' (and a diff's
 * "shrank"): a frame's module is visible at a glance, its name shifts the
 * shade within the family so neighbours stay apart.
 */
void ppv_svg_fill(const char *name, const char *module, int scope, char *buf, size_t len)
{
	static const double families[] = { 5, 25, 42, 95, 150, 285, 320 };
	const char *base = module ? strrchr(module, '/') : NULL;
	uint32_t hn = hash32(name), hm;
	double hue;

	base = base ? base + 1 : module ? module : "?";
	hm = hash32(base);
	hue = scope ? 215 : families[hm % (sizeof(families) / sizeof(families[0]))];
	hue += (double)(hn % 21) - 10;
	hsl(hue, 0.55 + (double)((hn >> 8) % 25) / 100, 0.55 + (double)((hn >> 16) % 12) / 100,
	    buf, len);
}
