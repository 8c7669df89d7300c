/* test-render-io.c - ppv_render_io(): the by-kind table (enum order, with a
 * total), by name and by function (largest total time first), throughput,
 * errors, the row limit, the empty report and caveat notes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "data-fixture.h"
#include "expect-file.h"

static struct synth d;

static void setup(void)
{
	df_standard(&d);
}

static void teardown(void)
{
	synth_close(&d);
}

TestSuite(render_io, .init = setup, .fini = teardown);

/* Line @n of the output, spaces squeezed, equals @want. */
static void assert_line(int n, const char *want)
{
	char *got = synth_line(&d, n);

	cr_assert_not_null(got, "no line %d in:\n%s", n, d.text);
	cr_assert_str_eq(got, want, "line %d of:\n%s", n, d.text);
	free(got);
}

Test(render_io, sums_each_kind_in_enum_order_with_a_total)
{
	cr_assert_eq(synth_render(&d, ppv_render_io, NULL), 0);
	assert_line(0, "I/O by kind");
	assert_line(1, "kind ops bytes total time avg time MB/s errors");
	/* MB/s = bytes * 1e3 / ns: 512e3 / 20000 = 25.60 */
	assert_line(2, "file-read 1 0 B 40.00 us 40.00 us 0.00 1");
	assert_line(3, "file-write 1 512 B 20.00 us 20.00 us 25.60 0");
	assert_line(4, "network 1 1000 B 60.00 us 60.00 us 16.67 0");
	assert_line(5, "database 1 4.00 KiB 100.00 us 100.00 us 40.96 0");
	/* 5608 B in 220 us: 25.49 MB/s, 55 us per operation */
	assert_line(6, "total 4 5.48 KiB 220.00 us 55.00 us 25.49 1");
}

Test(render_io, lists_names_and_functions_by_total_time)
{
	cr_assert_eq(synth_render(&d, ppv_render_io, NULL), 0);
	assert_line(7, "");
	assert_line(8, "I/O by name");
	assert_line(9, "kind ops bytes total time avg time MB/s errors name");
	assert_line(10, "database 1 4.00 KiB 100.00 us 100.00 us 40.96 0 query_users");
	assert_line(11, "network 1 1000 B 60.00 us 60.00 us 16.67 0 peer:80");
	assert_line(12, "file-read 1 0 B 40.00 us 40.00 us 0.00 1 /etc/config");
	assert_line(13, "file-write 1 512 B 20.00 us 20.00 us 25.60 0 /tmp/out.log");
	assert_line(14, "");
	assert_line(15, "I/O by function");
	assert_line(16, "kind ops bytes total time avg time MB/s errors function");
	assert_line(17, "database 1 4.00 KiB 100.00 us 100.00 us 40.96 0 io_work");
	assert_line(18, "network 1 1000 B 60.00 us 60.00 us 16.67 0 io_work");
	assert_line(19, "file-read 1 0 B 40.00 us 40.00 us 0.00 1 io_work");
	assert_line(20, "file-write 1 512 B 20.00 us 20.00 us 25.60 0 helper");
	cr_assert_null(synth_line(&d, 21), "%s", d.text);
}

Test(render_io, aligns_columns)
{
	cr_assert_eq(synth_render(&d, ppv_render_io, NULL), 0);
	cr_assert(strstr(d.text, "\nkind              ops       bytes  total time    avg time"
				 "       MB/s  errors\n") != NULL, "%s", d.text);
	cr_assert(strstr(d.text, "\ndatabase            1    4.00 KiB   100.00 us   100.00 us"
				 "      40.96       0  query_users\n") != NULL, "%s", d.text);
}

Test(render_io, limits_named_rows)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .limit = 1 };

	cr_assert_eq(synth_render(&d, ppv_render_io, &o), 0);
	assert_line(10, "database 1 4.00 KiB 100.00 us 100.00 us 40.96 0 query_users");
	assert_line(11, "... and 3 more");
	assert_line(15, "database 1 4.00 KiB 100.00 us 100.00 us 40.96 0 io_work");
	assert_line(16, "... and 3 more");
}

Test(render_io, rejects_bad_options_and_reports_write_errors)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .min_percent = -1 };
	FILE *full = fopen("/dev/full", "w");

	cr_assert_eq(synth_render(&d, ppv_render_io, &o), -EINVAL);
	cr_assert_not_null(full);
	cr_assert_eq(ppv_render_io(d.p, NULL, full), -EIO);
	fclose(full);
}

Test(io_empty, says_no_io_was_recorded_and_keeps_the_notes)
{
	struct synth t;

	synth_begin(&t, "synthetic --run");
	synth_scope(&t, 7, 0, "outer", 1);
	synth_scope(&t, 7, 100, "inner", 1);
	synth_scope(&t, 7, 200, "inner", 0);
	synth_end(&t);
	cr_assert_eq(synth_render(&t, ppv_render_io, NULL), 0);
	cr_assert_str_eq(t.text,
			 "No I/O recorded (ppv-record traces I/O calls unless --no-io; annotate other I/O with ppv_io_begin()/ppv_io_end()).\n"
			 "\nnote: 1 calls unfinished (no exit recorded): closed at the last "
			 "timestamp seen\n");
	synth_close(&t);
}

/* Automatic I/O (the memory run): the class and operation tables appear,
 * and a "blocked" column counts the EAGAIN read, which is not an error. */
Test(io_auto, adds_class_and_operation_tables_and_blocked_counts)
{
	struct synth m;

	synth_memory_run(&m);
	cr_assert_eq(synth_render(&m, ppv_render_io, NULL), 0);
	expect_file(m.text, "io-auto.txt");
	synth_close(&m);
}

Test(io_auto, prints_one_table_when_asked)
{
	struct synth m;
	struct ppv_render_opts o = { .sz = sizeof(o), .io_by = PPV_IO_BY_OP };
	enum ppv_io_by by;

	synth_memory_run(&m);
	cr_assert_eq(synth_render(&m, ppv_render_io, &o), 0);
	expect_file(m.text, "io-auto-op.txt");
	cr_assert_eq(ppv_io_by_parse("class", &by), 0);
	cr_assert_eq(by, PPV_IO_BY_CLASS);
	cr_assert_eq(ppv_io_by_parse("function", &by), 0);
	cr_assert_eq(by, PPV_IO_BY_FUNCTION);
	cr_assert_eq(ppv_io_by_parse("fd", &by), -EINVAL);
	o.io_by = (enum ppv_io_by)9;
	cr_assert_eq(synth_render(&m, ppv_render_io, &o), -EINVAL);
	synth_close(&m);
}

/* Annotated I/O only: --by class still shows its one "unknown" row. */
Test(render_io, explicit_io_has_the_unknown_class)
{
	struct ppv_render_opts o = { .sz = sizeof(o), .io_by = PPV_IO_BY_CLASS };

	cr_assert_eq(synth_render(&d, ppv_render_io, &o), 0);
	cr_assert_str_eq(d.text, "I/O by descriptor class\n"
				 "class             ops       bytes  total time    avg time"
				 "       MB/s  errors\n"
				 "unknown             4    5.48 KiB   220.00 us    55.00 us"
				 "      25.49       1\n");
}
