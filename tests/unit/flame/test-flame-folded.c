/* test-flame-folded.c - folded stacks, their differential form and the
 * weight parser, on synthetic traces with known times. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flame-fixture.h"
#include "synth-trace.h"

static struct ffx fx, fx2;

static void teardown(void)
{
	ffx_close(&fx);
	ffx_close(&fx2);
}

TestSuite(flame_folded, .fini = teardown);

Test(flame_folded, parses_every_weight_name)
{
	enum ppv_flame_by by;

	cr_assert_eq(ppv_flame_by_parse("time", &by), 0);
	cr_assert_eq(by, PPV_FLAME_TIME);
	cr_assert_eq(ppv_flame_by_parse("calls", &by), 0);
	cr_assert_eq(by, PPV_FLAME_CALLS);
	cr_assert_eq(ppv_flame_by_parse("memory", &by), 0);
	cr_assert_eq(by, PPV_FLAME_MEMORY);
	cr_assert_eq(ppv_flame_by_parse("io", &by), 0);
	cr_assert_eq(by, PPV_FLAME_IO);
	cr_assert_eq(ppv_flame_by_parse("bytes", &by), -EINVAL);
	cr_assert_eq(ppv_flame_by_parse("", &by), -EINVAL);
}

Test(flame_folded, writes_self_time_per_path_from_the_outermost_frame)
{
	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_folded, NULL), 0);
	cr_assert_str_eq(fx.text, "main 38000\n"
				  "main;work 60000\n"
				  "main;work;leaf 20000\n"
				  "main;helper 2000\n"
				  "worker 30000\n"
				  "worker;work 40000\n"
				  "worker;work;leaf 10000\n");
}

Test(flame_folded, writes_calls_with_by_calls)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = PPV_FLAME_CALLS };

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_folded, &o), 0);
	cr_assert_str_eq(fx.text, "main 1\nmain;work 2\nmain;work;leaf 2\nmain;helper 1\n"
				  "worker 1\nworker;work 1\nworker;work;leaf 1\n");
}

Test(flame_folded, writes_io_bytes_and_only_paths_that_have_them)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = PPV_FLAME_IO };

	ffx_open(&fx, FFX_ODD_NAMES, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_folded, &o), 0);
	cr_assert_str_eq(fx.text, "main;reader 4096\n");
}

Test(flame_folded, replaces_separators_and_line_breaks_in_names)
{
	ffx_open(&fx, FFX_ODD_NAMES, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_folded, NULL), 0);
	cr_assert_eq(ffx_count(fx.text, "main;a:b c 4000\n"), 1, "%s", fx.text);
	cr_assert_eq(ffx_count(fx.text, "main;x<y>&\"q 4000\n"), 1, "%s", fx.text);
	cr_assert_eq(ffx_count(fx.text, "\n"), 4, "one line per path: %s", fx.text);
}

Test(flame_folded, refuses_unknown_weights)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = (enum ppv_flame_by)7 };

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render(&fx, ppv_render_folded, &o), -EINVAL);
	cr_assert_eq(ffx_render(&fx, ppv_render_svg, &o), -EINVAL);
}

/* The memory run (synth-trace.h): each path weighs the bytes its last
 * frame allocated itself; a realloc's new block counts in full. parse
 * with its callee: 6208 of 6608 B, 93.95%. */
Test(flame_folded, memory_weighs_bytes_allocated_self)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = PPV_FLAME_MEMORY };
	struct synth m;
	enum ppv_flame_by by;

	synth_memory_run(&m);
	cr_assert_eq(synth_render(&m, ppv_render_folded, &o), 0);
	cr_assert_str_eq(m.text, "main 100\nmain;parse 6144\nmain;parse;leaf 64\nmain;send 300\n");
	cr_assert_eq(synth_render(&m, ppv_render_svg, &o), 0);
	cr_assert_not_null(strstr(m.text, "bytes allocated: 6.06 KiB (93.95% of bytes allocated), "
					  "self 6.00 KiB"), "%s", m.text);
	cr_assert_eq(ppv_flame_by_parse("memory", &by), 0);
	cr_assert_eq(by, PPV_FLAME_MEMORY);
	synth_close(&m);
}

Test(flame_folded, follows_the_exclude_filter)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao), .exclude = "work" };

	ffx_open(&fx, FFX_TWO_THREADS, &ao);
	cr_assert_eq(ffx_render(&fx, ppv_render_folded, NULL), 0);
	cr_assert_str_eq(fx.text, "main 98000\nmain;leaf 20000\nmain;helper 2000\n"
				  "worker 70000\nworker;leaf 10000\n");
}

Test(flame_folded, diff_lists_the_union_of_paths_by_name_before_and_after)
{
	char *text = NULL;

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	ffx_open(&fx2, FFX_SLOWER, NULL);
	cr_assert_eq(ffx_render_diff(&text, &fx, &fx2, 0, NULL), 0);
	cr_assert_str_eq(text, "main 38000 32000\n"
			       "main;work 60000 50000\n"
			       "main;work;leaf 20000 30000\n"
			       "main;extra 0 6000\n"
			       "main;helper 2000 2000\n"
			       "worker 30000 0\n"
			       "worker;work 40000 0\n"
			       "worker;work;leaf 10000 0\n");
	free(text);
}

Test(flame_folded, diff_of_a_profile_with_itself_has_equal_columns)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .flame_by = PPV_FLAME_CALLS };
	char *text = NULL;

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_eq(ffx_render_diff(&text, &fx, &fx, 0, &o), 0);
	cr_assert_str_eq(text, "main 1 1\nmain;work 2 2\nmain;work;leaf 2 2\nmain;helper 1 1\n"
			       "worker 1 1\nworker;work 1 1\nworker;work;leaf 1 1\n");
	free(text);
}

Test(flame_folded, reports_a_failed_write)
{
	FILE *f = fopen("/dev/full", "w");

	ffx_open(&fx, FFX_TWO_THREADS, NULL);
	cr_assert_not_null(f);
	cr_assert_eq(ppv_render_folded(fx.p, NULL, f), -EIO);
	fclose(f);
}
