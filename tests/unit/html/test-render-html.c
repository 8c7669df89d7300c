/* test-render-html.c - ppv_render_html(): escaping of every name, a
 * well-formed element structure, the hotspot table's rows and order, the
 * summary and caveats, the charts, the call tree and its limits, the I/O
 * tables, the memory note, the embedded flame graph and write errors. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html-fixture.h"

static struct synth h;

static void setup(void)
{
	hf_standard(&h);
}

static void teardown(void)
{
	synth_close(&h);
}

TestSuite(render_html, .init = setup, .fini = teardown);

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

/* The text of <section id="@id">...</section>, as a new string. */
static char *section(const char *id)
{
	char open[64];
	const char *s, *e;

	snprintf(open, sizeof(open), "<section id=\"%s\">", id);
	s = strstr(h.text, open);
	cr_assert_not_null(s, "no section %s in:\n%s", id, h.text);
	e = strstr(s, "</section>");
	cr_assert_not_null(e);
	return strndup(s, (size_t)(e - s));
}

/* The element with id @id up to the first @end after it, as a new string. */
static char *between(const char *from, const char *end)
{
	const char *s = strstr(h.text, from), *e;

	cr_assert_not_null(s, "no %s in:\n%s", from, h.text);
	e = strstr(s, end);
	cr_assert_not_null(e, "no %s after %s", end, from);
	return strndup(s, (size_t)(e - s));
}

static int is_void(const char *name, size_t len)
{
	static const char *const v[] = { "meta", "link", "br", "hr", "img", "input", "wbr",
					 "col", "area", "base", "source", "track", "embed" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strlen(v[i]) == len && strncasecmp(v[i], name, len) == 0)
			return 1;
	return 0;
}

/* Text between tags: no raw '<' or '>', and every '&' starts an entity. */
static void assert_text_escaped(const char *s, const char *e)
{
	for (; s < e; s++) {
		cr_assert_neq(*s, '>', "raw '>' in text: %.40s", s);
		if (*s == '&')
			cr_assert(isalpha((unsigned char)s[1]) || s[1] == '#',
				  "bare '&' in text: %.40s", s);
	}
}

/*
 * Every element closed in order (void elements and "/>" aside), no '<'
 * inside a tag, the text between tags escaped; the contents of <script>
 * and <style> are skipped up to their end tag.
 */
static void assert_well_formed(const char *s)
{
	const char *stack[1024];
	size_t lens[1024], depth = 0;

	for (const char *t = s; *t;) {
		const char *lt = strchr(t, '<'), *name, *end;
		size_t len;
		int closing;

		assert_text_escaped(t, lt ? lt : t + strlen(t));
		if (!lt)
			break;
		if (strncmp(lt, "<!--", 4) == 0 || strncmp(lt, "<![CDATA[", 9) == 0) {
			end = strstr(lt, lt[2] == '-' ? "-->" : "]]>");
			cr_assert_not_null(end);
			t = end + 3;
			continue;
		}
		end = strchr(lt + 1, '>');
		cr_assert_not_null(end, "unclosed tag: %.40s", lt);
		cr_assert_null(memchr(lt + 1, '<', (size_t)(end - lt - 1)), "'<' in tag: %.60s", lt);
		t = end + 1;
		if (lt[1] == '!')
			continue;
		closing = lt[1] == '/';
		name = lt + 1 + closing;
		len = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:");
		cr_assert_gt(len, 0, "bad tag: %.40s", lt);
		if (closing) {
			cr_assert_gt(depth, 0, "stray </%.*s>", (int)len, name);
			depth--;
			cr_assert(lens[depth] == len && strncasecmp(stack[depth], name, len) == 0,
				  "</%.*s> closes <%.*s>", (int)len, name, (int)lens[depth],
				  stack[depth]);
			continue;
		}
		if (is_void(name, len) || end[-1] == '/')
			continue;
		cr_assert_lt(depth, 1024);
		stack[depth] = name;
		lens[depth++] = len;
		if ((len == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (len == 5 && strncasecmp(name, "style", 5) == 0)) {
			char close[16];

			snprintf(close, sizeof(close), "</%.*s>", (int)len, name);
			t = strstr(t, close);
			cr_assert_not_null(t, "no %s", close);
		}
	}
	cr_assert_eq(depth, 0, "%zu elements left open, innermost <%.*s>", depth,
		     depth ? (int)lens[depth - 1] : 0, depth ? stack[depth - 1] : "");
}

Test(render_html, escapes_every_name_in_every_section)
{
	static const char *const ids[] = { "hotspots", "charts", "tree", "io" };

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	cr_assert_null(strstr(h.text, HF_NASTY), "raw name in the page");
	cr_assert_null(strstr(h.text, "<b>"));
	cr_assert_null(strstr(h.text, "<out>"));
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char *s = section(ids[i]);

		cr_assert_geq(count(s, HF_NASTY_ESCAPED), 1, "not in %s:\n%s", ids[i], s);
		free(s);
	}
	cr_assert_not_null(strstr(h.text, "/tmp/&lt;out&gt;.log"));
	cr_assert_not_null(strstr(h.text, "<title>PerProVis report: synthetic --run &lt;x&gt;"
					  "</title>"));
}

Test(render_html, is_one_well_formed_page)
{
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	cr_assert_eq(strncmp(h.text, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33), 0);
	cr_assert_eq(strcmp(h.text + h.len - 8, "</html>\n"), 0);
	cr_assert_eq(count(h.text, "<head>"), 1);
	cr_assert_eq(count(h.text, "<body>"), 1);
	cr_assert_not_null(strstr(h.text, "<meta charset=\"utf-8\">"));
	assert_well_formed(h.text);
}

Test(render_html, needs_nothing_from_the_network)
{
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	cr_assert_null(strstr(h.text, "<link"));
	cr_assert_null(strstr(h.text, " src="));
	cr_assert_null(strstr(h.text, "@import"));
	cr_assert_null(strstr(h.text, "url("));
	cr_assert_null(strstr(h.text, "href=\"http"));
	cr_assert_null(strstr(h.text, "href=\"//"));
}

/* The first cell (the function) of each hotspot row, in order. */
static void assert_hot_rows(const char *const *names, size_t n, size_t cells)
{
	char *body = between("<table id=\"ppv-hot\"", "</tbody>");
	const char *row = strstr(body, "<tbody>");

	cr_assert_eq(count(body, "<tr>"), n + 1, "%s", body); /* and the heading row */
	for (size_t i = 0; i < n; i++) {
		char want[128];
		const char *end;
		char *r;

		row = strstr(row, "<tr>");
		end = strstr(row, "</tr>");
		r = strndup(row, (size_t)(end - row));
		snprintf(want, sizeof(want), "<tr><td class=\"fn\">%s</td>", names[i]);
		cr_assert_eq(strncmp(r, want, strlen(want)), 0, "row %zu: %s", i, r);
		cr_assert_eq(count(r, "<td"), cells, "row %zu: %s", i, r);
		free(r);
		row = end;
	}
	free(body);
}

Test(render_html, lists_every_function_by_total_time)
{
	static const char *const names[] = { "main", "compute", "io_work", HF_NASTY_ESCAPED };

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	assert_hot_rows(names, 4, 13);
	cr_assert_not_null(strstr(h.text, "4 of 4 functions"));
	/* main: 1 call of 1 ms, 100% of the run, no source known */
	cr_assert_not_null(strstr(h.text, "<tr><td class=\"fn\">main</td><td data-v=\"1\">1</td>"
					  "<td data-v=\"1000000\">1.00 ms</td>"));
	cr_assert_not_null(strstr(h.text, "<td data-v=\"1000000\">100.0%</td>"
					  "<td class=\"src\">-</td></tr>"));
	cr_assert_not_null(strstr(h.text, "<th data-key=\"total\" data-type=\"num\" "
					  "title=\"inclusive time (recursion counted once)\" "
					  "aria-sort=\"descending\">total</th>"));
}

Test(render_html, starts_sorted_by_the_requested_key_and_limit)
{
	static const char *const by_calls[] = { "compute", HF_NASTY_ESCAPED };
	static const char *const by_io[] = { "io_work", HF_NASTY_ESCAPED, "compute", "main" };
	struct ppv_render_opts o = { .sz = sizeof(o), .sort = PPV_SORT_CALLS, .limit = 2 };

	cr_assert_eq(synth_render(&h, ppv_render_html, &o), 0);
	assert_hot_rows(by_calls, 2, 13);
	cr_assert_not_null(strstr(h.text, "2 of 4 functions"));
	cr_assert_not_null(strstr(h.text, "aria-sort=\"descending\">calls</th>"));
	cr_assert_eq(count(h.text, "aria-sort=\""), 1);
	o = (struct ppv_render_opts){ .sz = sizeof(o), .sort = PPV_SORT_IO };
	cr_assert_eq(synth_render(&h, ppv_render_html, &o), 0);
	assert_hot_rows(by_io, 4, 14); /* with an I/O column */
	cr_assert_not_null(strstr(h.text, "aria-sort=\"descending\">I/O</th>"));
}

/* No allocation in the standard run: the memory order still works, with
 * its column of zeros. */
Test(render_html, sorts_by_memory_with_an_allocated_column)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .sort = PPV_SORT_MEMORY };

	cr_assert_eq(synth_render(&h, ppv_render_html, &o), 0);
	cr_assert_not_null(strstr(h.text, "aria-sort=\"descending\">allocated</th>"));
	cr_assert_eq(count(h.text, "aria-sort=\""), 1);
}

Test(render_html, summarizes_the_run)
{
	const struct ppv_profile_summary *s;
	char *sum, want[128];

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	s = ppv_profile_summary(h.p);
	sum = section("summary");
	cr_assert_not_null(strstr(sum, "<tr><th>command</th><td>synthetic --run &lt;x&gt;</td>"));
	cr_assert_not_null(strstr(sum, "<tr><th>process</th><td>100</td></tr>"));
	cr_assert_not_null(strstr(sum, "<tr><th>start</th><td>2026-01-01T00:00:00.000Z</td>"),
			   "%s", sum);
	/* the last event is 1 ms later, 1.999 ms after the process's start */
	cr_assert_not_null(strstr(sum, "<tr><th>end</th><td>2026-01-01T00:00:00.001Z</td>"));
	cr_assert_not_null(strstr(sum, "<tr><th>duration</th><td>1.00 ms</td>"));
	snprintf(want, sizeof(want), "<tr><th>calls</th><td>%" PRIu64 "</td>", s->total_calls);
	cr_assert_not_null(strstr(sum, want), "%s", sum);
	snprintf(want, sizeof(want), "<tr><th>errors</th><td>%" PRIu64 "</td>", s->errors);
	cr_assert_not_null(strstr(sum, want), "%s", sum);
	cr_assert_gt(s->errors, 0);
	cr_assert_not_null(strstr(sum, "<tr><th>I/O</th><td>4 operations, 5.48 KiB</td>"));
	cr_assert_not_null(strstr(sum, "<tr><th>lost</th><td>0 events</td>"));
	cr_assert_not_null(strstr(sum, "<td class=\"fn\">app</td>"));
	cr_assert_not_null(strstr(sum, "<p id=\"ppv-caveats\">None:"));
	free(sum);
}

Test(render_html, lists_the_caveats_as_the_text_reports_word_them)
{
	char *sum;

	synth_close(&h);
	synth_begin(&h, HF_CMDLINE);
	synth_thread(&h, 7, 0, "t");
	synth_scope(&h, 7, 0, "main", 1);
	synth_scope(&h, 7, 10, "step", 1);
	synth_scope(&h, 7, 20, "step", 0); /* main never returns */
	synth_end(&h);
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	sum = section("summary");
	cr_assert_not_null(strstr(sum, "<ul class=\"caveats\" id=\"ppv-caveats\">"));
	cr_assert_not_null(strstr(sum, "<li>1 calls unfinished (no exit recorded): closed at "
				       "the last timestamp seen</li>"), "%s", sum);
	cr_assert_not_null(strstr(sum, "<tr><th>unfinished calls</th><td>1</td>"));
	free(sum);
}

Test(render_html, charts_the_top_functions_by_total_and_self_time)
{
	char *total, *self;

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	total = between("<figure class=\"chart\" id=\"ppv-chart-total\">", "</figure>");
	self = between("<figure class=\"chart\" id=\"ppv-chart-self\">", "</figure>");
	cr_assert_eq(count(total, "class=\"bar-row\""), 4);
	cr_assert_eq(count(self, "class=\"bar-row\""), 4);
	/* widths relative to the largest bar: compute 600 us of main's 1000 us */
	cr_assert_not_null(strstr(total, "<span class=\"bar-name\" title=\"main\">main</span>"
					 "<span class=\"bar-track\"><span class=\"bar-fill\" "
					 "style=\"width:100.00%\"></span></span>"
					 "<span class=\"bar-val\">1.00 ms (100.0%)</span>"));
	cr_assert_not_null(strstr(total, "title=\"compute\">compute</span><span class=\"bar-track\">"
					 "<span class=\"bar-fill\" style=\"width:60.00%\">"));
	/* self: compute 550 us is the largest; main 150, io_work 250, the scope 50 */
	cr_assert_lt(strstr(self, ">compute<"), strstr(self, ">io_work<"));
	cr_assert_not_null(strstr(self, "style=\"width:27.27%\"></span></span>"
					"<span class=\"bar-val\">150.00 us (15.0%)</span>"));
	free(total);
	free(self);
}

Test(render_html, nests_the_call_tree_in_details)
{
	char *tree;

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	tree = section("tree");
	cr_assert_not_null(strstr(tree, "<ul class=\"tree\">\n<li><details open><summary>"
					"<span class=\"n\">main</span> <span class=\"m\">100.0% "
					"&middot; total 1.00 ms &middot; self 150.00 us &middot; "
					"1 calls</span></summary>\n<ul>\n<li><details open><summary>"
					"<span class=\"n\">compute</span>"), "%s", tree);
	cr_assert_eq(count(tree, "<details"), 2, "%s", tree);
	cr_assert_eq(count(tree, "<li class=\"leaf\">"), 2, "%s", tree);
	cr_assert_not_null(strstr(tree, "<li class=\"leaf\"><span class=\"n\">" HF_NASTY_ESCAPED
					"</span> <span class=\"m\">5.0% &middot; total 50.00 us"));
	cr_assert_not_null(strstr(tree, "<li class=\"leaf\"><span class=\"n\">io_work</span>"));
	free(tree);
}

/* main calling a chain d0 { d1 { ... d@n-1 } }. */
static void chain_trace(int n)
{
	char name[16];

	synth_close(&h);
	synth_begin(&h, HF_CMDLINE);
	synth_thread(&h, 7, 0, "t");
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		synth_scope(&h, 7, 10u * (unsigned int)i, name, 1);
	}
	for (int i = n - 1; i >= 0; i--) {
		snprintf(name, sizeof(name), "d%d", i);
		synth_scope(&h, 7, 1000000u - 10u * (unsigned int)i, name, 0);
	}
	synth_end(&h);
}

Test(render_html, cuts_a_deep_tree_at_the_depth_limit)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .max_depth = 3 };
	char *tree;

	chain_trace(40);
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	assert_well_formed(h.text);
	tree = section("tree");
	cr_assert_eq(count(tree, "<details"), 15, "%s", tree); /* 16 levels, the last a leaf */
	cr_assert_not_null(strstr(tree, "<span class=\"n\">d15</span>"));
	cr_assert_null(strstr(tree, "<span class=\"n\">d16</span>"));
	cr_assert_not_null(strstr(tree, "<span class=\"cut\">(1 callee path not shown: "
					"depth limit)</span>"));
	free(tree);
	cr_assert_eq(synth_render(&h, ppv_render_html, &o), 0);
	tree = section("tree");
	cr_assert_eq(count(tree, "<details"), 2, "%s", tree);
	cr_assert_not_null(strstr(tree, "At most 3 levels"));
	free(tree);
}

Test(render_html, sums_up_paths_past_the_node_limit)
{
	char name[16], *tree, want[64];
	const int n = 2100;

	synth_close(&h);
	synth_begin(&h, HF_CMDLINE);
	synth_thread(&h, 7, 0, "t");
	synth_scope(&h, 7, 0, "main", 1);
	for (int i = 0; i < n; i++) { /* longer first, so the tree keeps this order */
		snprintf(name, sizeof(name), "f%04d", i);
		synth_scope(&h, 7, 100u * (unsigned int)i, name, 1);
		synth_scope(&h, 7, 100u * (unsigned int)i + 99u - (unsigned int)i / 30u, name, 0);
	}
	synth_scope(&h, 7, 100u * (unsigned int)n, "main", 0);
	synth_end(&h);
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	assert_well_formed(h.text);
	tree = section("tree");
	/* main and 1999 callees make the 2000 paths shown */
	cr_assert_eq(count(tree, "<li class=\"leaf\">"), 1999);
	snprintf(want, sizeof(want), "&hellip; %d more paths (over the node limit)", n - 1999);
	cr_assert_not_null(strstr(tree, want), "%s", tree + strlen(tree) - 600);
	free(tree);
}

Test(render_html, hides_paths_below_the_minimum_share)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .min_percent = 10.0 };
	char *tree;

	cr_assert_eq(synth_render(&h, ppv_render_html, &o), 0);
	tree = section("tree");
	cr_assert_null(strstr(tree, HF_NASTY_ESCAPED));
	cr_assert_not_null(strstr(tree, "<span class=\"n\">compute</span> <span class=\"m\">60.0% "
					"&middot; total 600.00 us &middot; self 550.00 us &middot; "
					"3 calls</span> <span class=\"cut\">(1 callee path not shown: "
					"below the minimum share)</span>"), "%s", tree);
	free(tree);
}

Test(render_html, tables_io_by_kind_name_and_function)
{
	char *kind, *name, *func;

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	kind = between("<table id=\"ppv-io-kind\"", "</table>");
	name = between("<table id=\"ppv-io-name\"", "</table>");
	func = between("<table id=\"ppv-io-func\"", "</table>");
	cr_assert_eq(count(kind, "<tr>"), 1 + 4 + 1); /* heading, kinds, total */
	cr_assert_not_null(strstr(kind, "<tfoot>\n<tr><td class=\"kind\">total</td>"
					"<td data-v=\"4\">4</td><td data-v=\"5608\">5.48 KiB</td>"));
	cr_assert_not_null(strstr(kind, "<tr><td class=\"kind\">file-write</td>"
					"<td data-v=\"1\">1</td><td data-v=\"512\">512 B</td>"
					"<td data-v=\"20000\">20.00 us</td>"
					"<td data-v=\"20000\">20.00 us</td>"
					"<td data-v=\"25600000\">25.60</td><td data-v=\"0\">0</td></tr>"));
	cr_assert_eq(count(name, "<tr>"), 1 + 4);
	cr_assert_lt(strstr(name, "query_users"), strstr(name, "peer:80"));
	cr_assert_not_null(strstr(name, "<td class=\"fn\">/tmp/&lt;out&gt;.log</td>"));
	cr_assert_eq(count(func, "<tr>"), 1 + 4);
	cr_assert_not_null(strstr(func, "<td class=\"fn\">" HF_NASTY_ESCAPED "</td>"));
	free(kind);
	free(name);
	free(func);
}

Test(render_html, says_when_no_io_was_recorded)
{
	char *io;

	chain_trace(2);
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	io = section("io");
	cr_assert_not_null(strstr(io, "No I/O recorded"));
	cr_assert_null(strstr(io, "<table"));
	free(io);
}

Test(render_html, says_when_no_allocation_was_recorded_and_shows_no_figure)
{
	char *mem;

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	mem = section("memory");
	cr_assert_not_null(strstr(mem, "No allocations recorded"));
	cr_assert_null(strstr(mem, "<table"));
	cr_assert_null(strstr(h.text, ">allocated</th>"), "no memory column in the hotspots");
	free(mem);
}

/* The memory run (synth-trace.h): tables of functions, totals and leaks,
 * and the hotspot table's column of bytes allocated. */
Test(render_html, shows_memory_when_recorded)
{
	struct synth m;
	char *mem, *saved_text;

	synth_memory_run(&m);
	cr_assert_eq(synth_render(&m, ppv_render_html, NULL), 0);
	saved_text = h.text; /* section() reads h.text */
	h.text = m.text;
	mem = section("memory");
	h.text = saved_text;
	cr_assert_not_null(strstr(m.text, ">allocated</th>"));
	cr_assert_eq(count(mem, "<table"), 3);
	cr_assert_not_null(strstr(mem, "<tr><td class=\"fn\">main</td><td data-v=\"1\">1</td>"
				       "<td data-v=\"1\">1</td><td data-v=\"100\">100 B</td>"
				       "<td data-v=\"5\">5</td><td data-v=\"6608\">6.45 KiB</td>"),
			   "%s", mem);
	cr_assert_not_null(strstr(mem, "<td data-v=\"300\">300 B</td><td data-v=\"1\">1</td>"
				       "<td class=\"fn\">main &gt; send</td>"), "%s", mem);
	cr_assert_not_null(strstr(mem, "<td data-v=\"3145728\">3.00 MiB</td>"), "%s", mem);
	cr_assert_not_null(strstr(mem, "1 frees of addresses not allocated"));
	cr_assert_not_null(strstr(m.text, "<table id=\"ppv-io-class\""));
	cr_assert_not_null(strstr(m.text, "<table id=\"ppv-io-op\""));
	free(mem);
	synth_close(&m);
}

Test(render_html, embeds_the_flame_graph_or_says_why_not)
{
	struct ppv_render_opts so = { .sz = sizeof(so), .flame_by = PPV_FLAME_TIME,
				      .title = "Flame graph (self time)" };
	char *svg = NULL, *flame;
	size_t len = 0;
	FILE *m = open_memstream(&svg, &len);
	int rc;

	cr_assert_not_null(m);
	rc = ppv_render_svg(h.p, &so, m);
	cr_assert_eq(fclose(m), 0);
	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	flame = section("flame");
	if (rc == 0) {
		const char *start = strstr(svg, "<svg");

		cr_assert_not_null(start);
		cr_assert_not_null(strstr(flame, start), "the SVG is not inlined whole");
		cr_assert_null(strstr(flame, "<?xml"));
		cr_assert_null(strstr(flame, "<!DOCTYPE"));
		cr_assert_null(strstr(flame, "ppv-flame-missing"));
	} else {
		char want[160];

		snprintf(want, sizeof(want), "The flame graph could not be drawn: %s.",
			 strerror(-rc));
		cr_assert_not_null(strstr(flame, want), "%s", flame);
		cr_assert_null(strstr(flame, "<svg"));
	}
	free(flame);
	free(svg);
}

Test(render_html, catches_script_errors_before_the_flame_graph_runs)
{
	const char *catcher, *ready;

	cr_assert_eq(synth_render(&h, ppv_render_html, NULL), 0);
	catcher = strstr(h.text, "setAttribute('data-ppv-error'");
	ready = strstr(h.text, "setAttribute('data-ppv-ready','1')");
	cr_assert_not_null(catcher);
	cr_assert_not_null(ready);
	cr_assert_lt(catcher, strstr(h.text, "</head>"));
	cr_assert_gt(ready, strstr(h.text, "<section id=\"memory\">"));
}

Test(render_html, escapes_the_title)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .title = "T<1> & 'two'" };

	cr_assert_eq(synth_render(&h, ppv_render_html, &o), 0);
	cr_assert_not_null(strstr(h.text, "<title>T&lt;1&gt; &amp; &#39;two&#39;</title>"));
	cr_assert_not_null(strstr(h.text, "<h1>T&lt;1&gt; &amp; &#39;two&#39;</h1>"));
}

Test(render_html, reports_a_failed_write)
{
	FILE *full = fopen("/dev/full", "w");

	cr_assert_not_null(full);
	cr_assert_eq(ppv_render_html(h.p, NULL, full), -EIO);
	fclose(full);
}

Test(render_html, rejects_bad_options)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .min_percent = 101.0 };

	cr_assert_eq(synth_render(&h, ppv_render_html, &o), -EINVAL);
}
