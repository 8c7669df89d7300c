/* SPDX-License-Identifier: MIT */
/*
 * render-html.c - the HTML report: one self-contained page (inline styles
 * and script, no network, no external fonts) with the run summary and its
 * caveats, the sections of render-html-parts.c (hotspots, charts, call
 * tree, I/O) and render-html-memory.c (memory), and the flame graph of
 * ppv_render_svg() inlined as <svg>.
 * Owns: the page skeleton, its CSS and JavaScript (sortable tables, error
 * capture, the data-ppv-ready marker), HTML escaping, the summary section
 * and embedding the SVG. Does not own: the SVG itself (render-svg.c), the
 * data sections (render-html-parts.c), any figure (the profile's).
 *
 * The script marks <body data-ppv-ready="1"> once it has set the tables up,
 * and records any script error of the page (the flame graph's included) in
 * a data-ppv-error attribute, so a headless browser's DOM dump shows both.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render-html.h"

void ppv_html_puts(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				fputs("&#xFFFD;", out);
			else
				fputc(c, out);
		}
	}
}

static const char page_css[] =
	":root{--fg:#1d232b;--mute:#5b6573;--line:#d8dde3;--bg:#fff;--alt:#f5f7f9;"
	"--bar:#e4572e;--bar2:#2e86ab;--warn:#fff4d6;--warnline:#e0b400}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
	"color:var(--fg);background:var(--bg)}\n"
	"header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--alt)}\n"
	"header h1{margin:0 0 4px;font-size:20px;word-break:break-all}\n"
	"nav a{margin-right:14px;color:var(--bar2);text-decoration:none}\n"
	"main{padding:0 24px 40px;max-width:1400px}\n"
	"section{margin-top:28px}\n"
	"h2{font-size:17px;border-bottom:2px solid var(--line);padding-bottom:4px}\n"
	"h3{font-size:15px;margin:18px 0 6px}\n"
	".hint{color:var(--mute);margin:4px 0 10px}\n"
	".mono,td,.tree{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
	"font-size:12.5px}\n"
	".scroll{overflow-x:auto}\n"
	"table.data{border-collapse:collapse;white-space:nowrap}\n"
	"table.data th,table.data td{padding:3px 8px;border-bottom:1px solid var(--line);"
	"text-align:right}\n"
	"table.data td.fn,table.data td.src,table.data td.kind,table.data th[data-type=str]"
	"{text-align:left}\n"
	"table.data td.fn{max-width:480px;overflow:hidden;text-overflow:ellipsis}\n"
	"table.data tbody tr:nth-child(even){background:var(--alt)}\n"
	"table.data tfoot td{font-weight:bold}\n"
	"table.sortable th{cursor:pointer;user-select:none;background:var(--alt);"
	"position:sticky;top:0}\n"
	"table.sortable th[aria-sort=descending]::after{content:' \\25BC'}\n"
	"table.sortable th[aria-sort=ascending]::after{content:' \\25B2'}\n"
	"table.kv th{text-align:left;padding:2px 16px 2px 0;color:var(--mute);"
	"font-weight:normal;vertical-align:top}\n"
	"table.kv td{padding:2px 0;word-break:break-all}\n"
	".caveats{background:var(--warn);border-left:4px solid var(--warnline);"
	"padding:8px 12px 8px 28px}\n"
	".charts{display:flex;flex-wrap:wrap;gap:24px}\n"
	".chart{margin:0;flex:1 1 520px;min-width:0}\n"
	".chart figcaption{font-weight:bold;margin-bottom:6px}\n"
	".bar-row{display:grid;grid-template-columns:minmax(80px,14em) 1fr 12em;gap:8px;"
	"align-items:center;margin:2px 0}\n"
	".bar-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;"
	"font-family:ui-monospace,monospace;font-size:12.5px}\n"
	".bar-track{background:var(--alt);height:14px}\n"
	".bar-fill{display:block;height:100%;background:var(--bar)}\n"
	"#ppv-chart-self .bar-fill{background:var(--bar2)}\n"
	".bar-val{font-family:ui-monospace,monospace;font-size:12.5px;white-space:nowrap}\n"
	".tree,.tree ul{list-style:none;margin:0;padding-left:18px}\n"
	".tree{padding-left:0}\n"
	".tree summary{cursor:pointer}\n"
	".tree li.leaf,.tree li.more{padding-left:14px}\n"
	".tree .n{font-weight:600}\n"
	".tree .m,.tree .cut{color:var(--mute);margin-left:8px}\n"
	".tree li.more .n{font-weight:normal;font-style:italic}\n"
	"#ppv-flame{overflow-x:auto;border:1px solid var(--line)}\n"
	"#ppv-flame svg{display:block;max-width:100%;height:auto}\n";

/*
 * Runs first, in <head>: any error of the page's scripts (the flame
 * graph's run while the body is parsed) ends up on <body>, or on <html>
 * before <body> exists.
 */
static const char page_error_js[] =
	"window.addEventListener('error',function(e){"
	"var t=document.body||document.documentElement;"
	"t.setAttribute('data-ppv-error',String(e.message||e.type));},true);\n";

/*
 * Runs last: sortable tables (a click on a heading sorts by that column,
 * numbers largest first, a second click reverses), "#sort=KEY[,asc]" in
 * the address sorts the hotspot table on load, then the ready marker.
 */
static const char page_js[] =
	"(function(){'use strict';\n"
	"function key(td,num){if(!td)return num?-Infinity:'';"
	"var v=td.getAttribute('data-v');"
	"return num?(v===null?-Infinity:Number(v)):td.textContent;}\n"
	"function sortBy(th,desc){var table=th.closest('table'),tb=table.tBodies[0],"
	"col=th.cellIndex,num=th.getAttribute('data-type')==='num',"
	"rows=Array.prototype.slice.call(tb.rows);\n"
	"rows.sort(function(a,b){var x=key(a.cells[col],num),y=key(b.cells[col],num),"
	"c=num?(x<y?-1:x>y?1:0):String(x).localeCompare(String(y));return desc?-c:c;});\n"
	"rows.forEach(function(r){tb.appendChild(r);});\n"
	"Array.prototype.forEach.call(th.parentNode.cells,function(h){"
	"h.removeAttribute('aria-sort');});\n"
	"th.setAttribute('aria-sort',desc?'descending':'ascending');}\n"
	"function toggle(th){var s=th.getAttribute('aria-sort');"
	"sortBy(th,s?s==='ascending':th.getAttribute('data-type')==='num');}\n"
	"document.querySelectorAll('table.sortable th').forEach(function(th){"
	"th.tabIndex=0;th.addEventListener('click',function(){toggle(th);});"
	"th.addEventListener('keydown',function(e){"
	"if(e.key==='Enter'||e.key===' '){e.preventDefault();toggle(th);}});});\n"
	"var m=/^#sort=([a-z0-9]+)(,asc|,desc)?$/.exec(location.hash);\n"
	"if(m){var th=document.querySelector('#ppv-hot th[data-key=\"'+m[1]+'\"]');"
	"if(th)sortBy(th,m[2]?m[2]===',desc':th.getAttribute('data-type')==='num');}\n"
	"document.body.setAttribute('data-ppv-ready','1');\n"
	"})();\n";

/* "2026-11-24T10:00:00.123Z" for monotonic @ns (UTC, as the text summary). */
static void put_wall(FILE *out, const struct ppv_profile *p, uint64_t ns)
{
	char buf[PPV_WALL_LEN];
	const char *w = ppv_format_wall(ppv_render_wall_ns(p, ns), 3, buf, sizeof(buf));

	fputs(w ? w : "?", out);
}

static void kv_begin(FILE *out, const char *label)
{
	fprintf(out, "<tr><th>%s</th><td>", label);
}

static void kv_dur(FILE *out, const char *label, uint64_t ns, const char *after)
{
	char d[PPV_DURATION_LEN];

	kv_begin(out, label);
	fprintf(out, "%s%s</td></tr>\n", ppv_format_duration(ns, d, sizeof(d)), after);
}

static void kv_num(FILE *out, const char *label, uint64_t v, const char *after)
{
	kv_begin(out, label);
	fprintf(out, "%" PRIu64 "%s</td></tr>\n", v, after);
}

static void summary_table(const struct ppv_profile *p, FILE *out)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);
	size_t np = ppv_profile_process_count(p);
	char b[PPV_BYTES_LEN];

	fputs("<table class=\"kv\" id=\"ppv-summary\">\n", out);
	kv_begin(out, "command");
	ppv_html_puts(out, s->cmdline ? s->cmdline : "?");
	fputs("</td></tr>\n", out);
	kv_begin(out, np == 1 ? "process" : "processes");
	for (size_t i = 0; i < np; i++)
		fprintf(out, "%s%" PRIu32, i ? ", " : "", ppv_profile_process(p, i)->pid);
	fputs("</td></tr>\n", out);
	kv_num(out, "threads", ppv_profile_thread_count(p), "");
	kv_begin(out, "start");
	put_wall(out, p, s->start_ns);
	fputs("</td></tr>\n", out);
	kv_begin(out, "end");
	put_wall(out, p, s->end_ns);
	fputs("</td></tr>\n", out);
	kv_dur(out, "duration", s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0, "");
	kv_begin(out, "granularity");
	ppv_html_puts(out, s->granularity ? s->granularity : "medium");
	fputs("</td></tr>\n", out);
	kv_num(out, "events", s->events, "");
	kv_num(out, "calls", s->total_calls, "");
	kv_dur(out, "total time", s->total_ns, " (all threads' outermost frames: 100% of the run)");
	kv_num(out, "errors", s->errors, "");
	kv_begin(out, "I/O");
	fprintf(out, "%" PRIu64 " operations, %s</td></tr>\n", s->io_ops,
		ppv_format_bytes(s->io_bytes, b, sizeof(b)));
	kv_num(out, "lost", s->lost, " events");
	kv_num(out, "unfinished calls", s->unfinished_calls, "");
	kv_num(out, "exits without enter", s->unmatched_exits, "");
	kv_num(out, "repaired frames", s->repaired_frames, "");
	kv_begin(out, "truncated");
	fprintf(out, "%s</td></tr>\n</table>\n", s->truncated ? "yes" : "no");
}

static void thread_table(const struct ppv_profile *p, const struct ppv_render_opts *o,
			 FILE *out)
{
	size_t n = ppv_profile_thread_count(p), shown = n < o->limit ? n : o->limit;
	char d[PPV_DURATION_LEN];

	if (!n)
		return;
	fputs("<h3>Threads</h3>\n<div class=\"scroll\"><table id=\"ppv-threads\" "
	      "class=\"data sortable\">\n<thead><tr><th data-type=\"num\">pid</th>"
	      "<th data-type=\"num\">tid</th><th data-type=\"str\">name</th>"
	      "<th data-type=\"num\">calls</th><th data-type=\"num\">total</th>"
	      "</tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < shown; i++) {
		const struct ppv_thread_stats *t = ppv_profile_thread(p, i);

		fprintf(out, "<tr><td data-v=\"%" PRIu32 "\">%" PRIu32 "</td><td data-v=\"%" PRIu32
			     "\">%" PRIu32 "</td><td class=\"fn\">", t->pid, t->pid, t->tid, t->tid);
		ppv_html_puts(out, t->name ? t->name : "-");
		fprintf(out, "</td><td data-v=\"%" PRIu64 "\">%" PRIu64 "</td><td data-v=\"%" PRIu64
			     "\">%s</td></tr>\n", t->calls, t->calls, t->total_ns,
			ppv_format_duration(t->total_ns, d, sizeof(d)));
	}
	fputs("</tbody></table></div>\n", out);
	if (shown < n)
		fprintf(out, "<p class=\"hint\">&hellip; and %zu more threads</p>\n", n - shown);
}

/*
 * The caveats, worded as every text report words them: ppv_render_notes()
 * into memory, one list item per "note: " line.
 */
static int caveats(const struct ppv_profile *p, FILE *out)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return -ENOMEM;
	ppv_render_notes(p, m);
	if (fclose(m) != 0) {
		free(text);
		return -ENOMEM;
	}
	fputs("<h3>Caveats</h3>\n", out);
	if (!len)
		fputs("<p id=\"ppv-caveats\">None: no events were lost, every call returned, "
		      "and the trace is complete.</p>\n", out);
	else
		fputs("<ul class=\"caveats\" id=\"ppv-caveats\">\n", out);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "note: ", 6) == 0)
			line += 6;
		fputs("<li>", out);
		ppv_html_puts(out, line);
		fputs("</li>\n", out);
	}
	if (len)
		fputs("</ul>\n", out);
	free(text);
	return 0;
}

/*
 * The flame graph, drawn into memory first so that a failure leaves no
 * half an SVG in the page. Whatever precedes <svg (an XML declaration, a
 * doctype) is dropped: the page is HTML.
 */
static int flame_section(const struct ppv_profile *p, FILE *out)
{
	struct ppv_render_opts so = { .sz = sizeof(so), .flame_by = PPV_FLAME_TIME,
				      .title = "Flame graph (self time)" };
	char *svg = NULL, *start;
	size_t len = 0;
	FILE *m = open_memstream(&svg, &len);
	int rc;

	if (!m)
		return -ENOMEM;
	rc = ppv_render_svg(p, &so, m);
	if (fclose(m) != 0 && rc == 0)
		rc = -ENOMEM;
	fputs("<section id=\"flame\">\n<h2>Flame graph</h2>\n", out);
	start = rc == 0 && svg ? strstr(svg, "<svg") : NULL;
	if (start) {
		fputs("<p class=\"hint\">Width is self time summed over each call path; click a "
		      "frame to zoom, hover for details.</p>\n<div id=\"ppv-flame\">\n", out);
		fwrite(start, 1, len - (size_t)(start - svg), out);
		fputs("\n</div>\n", out);
	} else {
		fprintf(out, "<p id=\"ppv-flame-missing\">The flame graph could not be drawn: "
			     "%s.</p>\n", rc < 0 ? strerror(-rc) : "the renderer wrote no SVG");
	}
	fputs("</section>\n", out);
	free(svg);
	return 0;
}

static void page_head(const struct ppv_profile *p, const struct ppv_render_opts *o, FILE *out)
{
	const char *cmd = ppv_profile_summary(p)->cmdline;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"PerProVis ppv-analyze report\">\n<title>",
	      out);
	if (o->title) {
		ppv_html_puts(out, o->title);
	} else {
		fputs("PerProVis report: ", out);
		ppv_html_puts(out, cmd ? cmd : "?");
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n<script>\n%s</script>\n</head>\n<body>\n"
		     "<header>\n<h1>", page_css, page_error_js);
	ppv_html_puts(out, o->title ? o->title : cmd ? cmd : "PerProVis report");
	fputs("</h1>\n<nav><a href=\"#summary\">Summary</a><a href=\"#hotspots\">Hotspots</a>"
	      "<a href=\"#charts\">Top functions</a><a href=\"#tree\">Call tree</a>"
	      "<a href=\"#flame\">Flame graph</a><a href=\"#io\">I/O</a>"
	      "<a href=\"#memory\">Memory</a></nav>\n</header>\n<main>\n", out);
}

int ppv_render_html(const struct ppv_profile *p, const struct ppv_render_opts *opts, FILE *out)
{
	struct ppv_render_opts o;
	int rc = ppv_render_opts_fill(opts, PPV_HTML_DEFAULT_LIMIT, &o);

	if (rc < 0)
		return rc;
	page_head(p, &o, out);
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", out);
	summary_table(p, out);
	thread_table(p, &o, out);
	rc = caveats(p, out);
	fputs("</section>\n", out);
	if (rc == 0)
		rc = ppv_html_hotspots(p, &o, out);
	if (rc == 0)
		rc = ppv_html_charts(p, out);
	if (rc == 0)
		rc = ppv_html_tree(p, &o, out);
	if (rc == 0)
		rc = flame_section(p, out);
	if (rc < 0)
		return rc;
	ppv_html_io(p, &o, out);
	rc = ppv_html_memory(p, &o, out);
	if (rc < 0)
		return rc;
	fprintf(out, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", page_js);
	return ppv_render_end(out);
}
