/* test-render-callgrind.c - ppv_render_callgrind(): header, summary equal
 * to the sum of self costs, name compression, self cost lines and call
 * edges with their inclusive time, I/O bytes and errors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tl-fixture.h"

static struct synth f;

static void teardown(void)
{
	synth_close(&f);
}

TestSuite(render_callgrind, .fini = teardown);

/*
 * The paragraph (ob=, fl=, fn=, self cost, calls) of function NAME, found
 * through its id: the name may first appear in a cfn= line.
 */
static char *block(const char *name)
{
	char pat[128], *named, *fn, *start, *end;
	unsigned int id;

	snprintf(pat, sizeof(pat), ") %s\n", name);
	named = strstr(f.text, pat);
	cr_assert_not_null(named, "%s is never named in\n%s", name, f.text);
	while (named > f.text && named[-1] != '(')
		named--;
	cr_assert_eq(sscanf(named, "%u)", &id), 1);
	snprintf(pat, sizeof(pat), "\nfn=(%u)", id);
	fn = strstr(f.text, pat);
	cr_assert_not_null(fn, "no fn=(%u) for %s", id, name);
	for (start = fn; start > f.text + 1 && !(start[-1] == '\n' && start[-2] == '\n');)
		start--;
	end = strstr(fn + 1, "\n\n");
	return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

Test(render_callgrind, writes_the_header_and_a_summary_of_self_costs)
{
	tlf_standard(&f);
	cr_assert_eq(tlf_render(&f, ppv_render_callgrind), 0);
	cr_assert_eq(strncmp(f.text, "# callgrind format\nversion: 1\ncreator: ppv-analyze", 50), 0,
		     "%s", f.text);
	cr_assert_not_null(strstr(f.text, "\ncmd: synthetic --run\npositions: line\n"
				  "events: ns ioB errors\nsummary: 1000000 5608 2\n"), "%s", f.text);
}

Test(render_callgrind, writes_self_costs_and_inclusive_call_edges)
{
	char *b;

	tlf_standard(&f);
	cr_assert_eq(tlf_render(&f, ppv_render_callgrind), 0);
	/* scopes: no object, no file, line 0 */
	b = block("main");
	cr_assert_not_null(strstr(b, "ob=(1) ???\nfl=(1) ???\nfn=("), "%s", b);
	cr_assert_not_null(strstr(b, "\n0 150000 0 0\n"), "%s", b);
	cr_assert_not_null(strstr(b, " compute\ncalls=3 0\n0 600000 512 0"), "%s", b);
	cr_assert_not_null(strstr(b, " io_work\ncalls=1 0\n0 250000 5096 2"), "%s", b);
	free(b);
	b = block("compute");
	cr_assert_not_null(strstr(b, "\n0 550000 0 0\n"), "%s", b);
	cr_assert_not_null(strstr(b, "\ncalls=1 0\n0 50000 512 0"), "%s", b);
	free(b);
	b = block("io_work");
	cr_assert_not_null(strstr(b, "\n0 250000 5096 2"), "%s", b);
	cr_assert_null(strstr(b, "calls="), "%s", b);
	free(b);
}

Test(render_callgrind, names_each_function_once_in_full)
{
	const char *names[] = { "main", "compute", "helper", "io_work" };

	tlf_standard(&f);
	cr_assert_eq(tlf_render(&f, ppv_render_callgrind), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char pat[64];
		const char *first;

		snprintf(pat, sizeof(pat), ") %s\n", names[i]);
		first = strstr(f.text, pat);
		cr_assert_not_null(first, "%s never named", names[i]);
		cr_assert_null(strstr(first + 1, pat), "%s named twice", names[i]);
	}
	cr_assert_null(strstr(f.text, "ob=(2)"), "%s", f.text);
}
