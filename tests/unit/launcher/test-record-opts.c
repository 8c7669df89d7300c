/* test-record-opts.c - ppv-record's command line: sizes, modes, intervals,
 * the program and its own options, and the errors a user sees. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "record-opts.h"

static int parse(struct ppv_record_opts *o, char **argv)
{
	int argc = 0;
	FILE *devnull = fopen("/dev/null", "w");
	int rc;

	while (argv[argc])
		argc++;
	rc = ppv_record_opts_parse(argc, argv, o, devnull);
	fclose(devnull);
	return rc;
}

Test(record_opts, parses_sizes_with_suffixes)
{
	uint64_t v;

	cr_assert_eq(ppv_parse_size("65536", &v), 0);
	cr_assert_eq(v, 65536);
	cr_assert_eq(ppv_parse_size("256K", &v), 0);
	cr_assert_eq(v, 256 << 10);
	cr_assert_eq(ppv_parse_size("4M", &v), 0);
	cr_assert_eq(v, 4 << 20);
	cr_assert_eq(ppv_parse_size("1G", &v), 0);
	cr_assert_eq(v, 1ull << 30);
	cr_assert_eq(ppv_parse_size("2MiB", &v), 0);
	cr_assert_eq(v, 2 << 20);
	cr_assert_eq(ppv_parse_size("", &v), -EINVAL);
	cr_assert_eq(ppv_parse_size("-1", &v), -EINVAL);
	cr_assert_eq(ppv_parse_size("12Q", &v), -EINVAL);
	cr_assert_eq(ppv_parse_size("99999999999999999999", &v), -EINVAL);
}

Test(record_opts, takes_every_option_and_leaves_the_program_its_own)
{
	char *argv[] = { "ppv-record", "-o", "out.ppv", "--force", "--buffer-size", "4M", "-m",
			 "drop", "--flush-interval", "50", "--", "./app", "-o", "x", NULL };
	struct ppv_record_opts o;

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_str_eq(o.output, "out.ppv");
	cr_assert(o.force);
	cr_assert_eq(o.buffer_size, 4 << 20);
	cr_assert_str_eq(o.mode, "drop");
	cr_assert_eq(o.flush_ms, 50);
	cr_assert_str_eq(o.argv[0], "./app");
	cr_assert_str_eq(o.argv[1], "-o");
	cr_assert_null(o.argv[3]);
}

Test(record_opts, stops_at_the_program_without_a_double_dash)
{
	char *argv[] = { "ppv-record", "ls", "-l", NULL };
	struct ppv_record_opts o;

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_str_eq(o.mode, "lossless");
	cr_assert_eq(o.backend, PPV_BACKEND_NATIVE);
	cr_assert_null(o.output);
	cr_assert_str_eq(o.argv[0], "ls");
	cr_assert_str_eq(o.argv[1], "-l");
}

Test(record_opts, chooses_the_backend)
{
	char *lttng[] = { "ppv-record", "--backend", "lttng", "-o", "t", "--", "./app", NULL };
	char *native[] = { "ppv-record", "--backend=native", "./app", NULL };
	char *last_wins[] = { "ppv-record", "--backend", "lttng", "--backend", "native", "ls", NULL };
	struct ppv_record_opts o;

	cr_assert_eq(parse(&o, lttng), 0);
	cr_assert_eq(o.backend, PPV_BACKEND_LTTNG);
	cr_assert_str_eq(o.output, "t");
	cr_assert_str_eq(o.argv[0], "./app");
	cr_assert_eq(parse(&o, native), 0);
	cr_assert_eq(o.backend, PPV_BACKEND_NATIVE);
	cr_assert_eq(parse(&o, last_wins), 0);
	cr_assert_eq(o.backend, PPV_BACKEND_NATIVE);
}

Test(record_opts, rejects_an_unknown_or_missing_backend)
{
	char *unknown[] = { "ppv-record", "--backend", "perf", "ls", NULL };
	char *missing[] = { "ppv-record", "--backend", NULL };
	char *after_prog[] = { "ppv-record", "ls", "--backend", "lttng", NULL };
	struct ppv_record_opts o;

	cr_assert_eq(parse(&o, unknown), -EINVAL);
	cr_assert_eq(parse(&o, missing), -EINVAL);
	/* After PROGRAM, --backend belongs to it. */
	cr_assert_eq(parse(&o, after_prog), 0);
	cr_assert_eq(o.backend, PPV_BACKEND_NATIVE);
	cr_assert_str_eq(o.argv[1], "--backend");
}

Test(record_opts, rejects_bad_values)
{
	char *bad_mode[] = { "ppv-record", "-m", "sometimes", "ls", NULL };
	char *small[] = { "ppv-record", "-b", "1K", "ls", NULL };
	char *interval[] = { "ppv-record", "--flush-interval", "0", "ls", NULL };
	char *unknown[] = { "ppv-record", "--frobnicate", "ls", NULL };
	char *noprog[] = { "ppv-record", "-o", "x", NULL };
	struct ppv_record_opts o;

	cr_assert_eq(parse(&o, bad_mode), -EINVAL);
	cr_assert_eq(parse(&o, small), -EINVAL);
	cr_assert_eq(parse(&o, interval), -EINVAL);
	cr_assert_eq(parse(&o, unknown), -EINVAL);
	cr_assert_eq(parse(&o, noprog), -EINVAL);
}

Test(record_opts, help_needs_no_program)
{
	char *argv[] = { "ppv-record", "--help", NULL };
	struct ppv_record_opts o;

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert(o.help);
}
