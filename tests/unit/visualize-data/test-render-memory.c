/* test-render-memory.c - ppv_render_memory() on the memory run (see
 * synth-trace.h): functions by bytes allocated inclusive, totals with the
 * resident set, leaks by call path, the memory caveats, the row limit, and
 * the message of a trace without allocations. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "data-fixture.h"
#include "expect-file.h"

Test(render_memory, matches_the_expected_report)
{
	struct synth s;

	synth_memory_run(&s);
	cr_assert_eq(synth_render(&s, ppv_render_memory, NULL), 0);
	expect_file(s.text, "memory.txt");
	synth_close(&s);
}

Test(render_memory, limits_functions_and_leak_paths)
{
	struct synth s;
	struct ppv_render_opts o = { .sz = sizeof(o), .limit = 1 };

	synth_memory_run(&s);
	cr_assert_eq(synth_render(&s, ppv_render_memory, &o), 0);
	expect_file(s.text, "memory-limit1.txt");
	synth_close(&s);
}

Test(render_memory, says_when_no_allocation_was_recorded)
{
	struct synth s;

	df_standard(&s);
	cr_assert_eq(synth_render(&s, ppv_render_memory, NULL), 0);
	cr_expect_str_eq(s.text, "No allocations recorded (record with ppv-record -g fine, or "
				 "--memory).\n");
	synth_close(&s);
}

Test(render_memory, rejects_bad_options_and_reports_write_errors)
{
	struct synth s;
	struct ppv_render_opts o = { .sz = sizeof(o), .min_percent = -1 };
	FILE *full = fopen("/dev/full", "w");

	synth_memory_run(&s);
	cr_assert_eq(synth_render(&s, ppv_render_memory, &o), -EINVAL);
	cr_assert_not_null(full);
	cr_assert_eq(ppv_render_memory(s.p, NULL, full), -EIO);
	fclose(full);
	synth_close(&s);
}

/* hotspots on the memory run: the I/O columns (bytes, time) and bytes
 * allocated inclusive appear because the trace has such events. */
Test(render_memory, hotspots_show_io_and_memory_columns)
{
	struct synth s;
	struct ppv_render_opts o = { .sz = sizeof(o), .sort = PPV_SORT_MEMORY };

	synth_memory_run(&s);
	cr_assert_eq(synth_render(&s, ppv_render_hotspots, &o), 0);
	expect_file(s.text, "hotspots-memory.txt");
	synth_close(&s);
}

Test(render_memory, the_summary_has_a_memory_line)
{
	struct synth s;

	synth_memory_run(&s);
	cr_assert_eq(synth_render(&s, ppv_render_summary, NULL), 0);
	cr_expect_not_null(strstr(s.text, "\n  I/O:         3 operations, 4.50 KiB\n"
					  "  memory:      5 allocations, 6.45 KiB, 364 B never freed; "
					  "peak RSS 3.00 MiB\n"), "%s", s.text);
	synth_close(&s);
}
