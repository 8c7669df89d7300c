/* test-record-opts-recording.c - ppv-record's options for what and when to
 * record: granularity, filters, time and signal values, the production
 * controls, their checks, and the environment they give the runtime. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

Test(record_opts_recording, parses_times_with_units)
{
	uint64_t v;

	cr_assert_eq(ppv_parse_time("250us", 1, &v), 0);
	cr_assert_eq(v, 250000);
	cr_assert_eq(ppv_parse_time("1.5ms", 1, &v), 0);
	cr_assert_eq(v, 1500000);
	cr_assert_eq(ppv_parse_time("2m", 1, &v), 0);
	cr_assert_eq(v, 120000000000ull);
	cr_assert_eq(ppv_parse_time("500", 1, &v), 0, "a bare number is in the given unit");
	cr_assert_eq(v, 500);
	cr_assert_eq(ppv_parse_time("3", 1000000000, &v), 0);
	cr_assert_eq(v, 3000000000ull);
	cr_assert_eq(ppv_parse_time("", 1, &v), -EINVAL);
	cr_assert_eq(ppv_parse_time("-1ms", 1, &v), -EINVAL);
	cr_assert_eq(ppv_parse_time("10parsecs", 1, &v), -EINVAL);
	cr_assert_eq(ppv_parse_time("1e30h", 1, &v), -EINVAL);
}

Test(record_opts_recording, parses_signal_names_and_numbers)
{
	cr_assert_eq(ppv_parse_signal("USR2"), SIGUSR2);
	cr_assert_eq(ppv_parse_signal("SIGUSR1"), SIGUSR1);
	cr_assert_eq(ppv_parse_signal("usr2"), SIGUSR2);
	cr_assert_eq(ppv_parse_signal("RTMIN+3"), SIGRTMIN + 3);
	cr_assert_eq(ppv_parse_signal("12"), 12);
	cr_assert_eq(ppv_parse_signal("KILL"), -EINVAL);
	cr_assert_eq(ppv_parse_signal("9"), -EINVAL, "SIGKILL cannot be caught");
	cr_assert_eq(ppv_parse_signal("11"), -EINVAL, "the crash signals are the recorder's");
	cr_assert_eq(ppv_parse_signal("NOPE"), -EINVAL);
	cr_assert_eq(ppv_parse_signal("0"), -EINVAL);
}

Test(record_opts_recording, takes_granularity_filters_and_controls)
{
	struct ppv_record_opts o;
	char *argv[] = { "ppv-record", "-g", "coarse", "--threshold", "1ms", "-F", "handle_*",
			 "-N", "log_*", "--filter", "parse", "-D", "3", "-t", "10us", "--memory",
			 "--no-io", "--signal", "USR2", "--delay", "2", "--duration", "500ms",
			 "--max-size", "64M", "--rotate", "8", "./app", "-t", NULL };

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_str_eq(o.granularity, "coarse");
	cr_assert_eq(o.threshold_ns, 1000000);
	cr_assert_str_eq(o.filter, "F:handle_*\nN:log_*\nF:parse\n", "patterns in order");
	cr_assert_eq(o.depth, 3);
	cr_assert_eq(o.time_filter_ns, 10000);
	cr_assert_eq(o.memory, 1);
	cr_assert_eq(o.no_io, 1);
	cr_assert_eq(o.pause_signal, SIGUSR2);
	cr_assert_eq(o.delay_ns, 2000000000ull, "a bare --delay is in seconds");
	cr_assert_eq(o.duration_ns, 500000000ull);
	cr_assert_eq(o.max_size, 64ull << 20);
	cr_assert_eq(o.rotate, 8);
	cr_assert_str_eq(o.argv[0], "./app");
	cr_assert_str_eq(o.argv[1], "-t", "the program keeps its own options");
}

Test(record_opts_recording, defaults_leave_the_runtime_its_own)
{
	struct ppv_record_opts o;
	char *argv[] = { "ppv-record", "./app", NULL };

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_null(o.granularity);
	cr_assert_eq(o.memory, -1, "memory follows the granularity unless asked");
	cr_assert_eq(o.filter[0], '\0');
	cr_assert_eq(o.max_size, 0);
}

Test(record_opts_recording, rejects_bad_values_and_combinations)
{
	struct ppv_record_opts o;
	char *bad[][6] = {
		{ "ppv-record", "-g", "extreme", "./app", NULL },
		{ "ppv-record", "--threshold", "0", "./app", NULL },
		{ "ppv-record", "-t", "soon", "./app", NULL },
		{ "ppv-record", "-D", "0", "./app", NULL },
		{ "ppv-record", "-F", "", "./app", NULL },
		{ "ppv-record", "--signal", "KILL", "./app", NULL },
		{ "ppv-record", "--delay", "0", "./app", NULL },
		{ "ppv-record", "--max-size", "512K", "./app", NULL },
		{ "ppv-record", "--rotate", "4", "./app", NULL }, /* needs --max-size */
		{ "ppv-record", "--backend", "lttng", "-g", "fine", "./app" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[7] = { 0 };

		memcpy(argv, bad[i], sizeof(bad[i]));
		cr_assert_eq(parse(&o, argv), -EINVAL, "case %zu (%s %s) was accepted", i,
			     bad[i][1], bad[i][2]);
	}
}

Test(record_opts_recording, exports_what_was_given_to_the_environment)
{
	struct ppv_record_opts o;
	char *argv[] = { "ppv-record", "-g", "fine", "--no-memory", "-N", "noisy", "-t", "5us",
			 "--signal", "USR1", "--max-size", "2M", "./app", NULL };

	unsetenv("PPV_GRANULARITY");
	unsetenv("PPV_MEMORY");
	unsetenv("PPV_FILTER");
	unsetenv("PPV_TIME_FILTER_NS");
	unsetenv("PPV_SIGNAL");
	unsetenv("PPV_MAX_SIZE");
	unsetenv("PPV_DEPTH");
	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_eq(ppv_record_opts_env(&o), 0);
	cr_assert_str_eq(getenv("PPV_GRANULARITY"), "fine");
	cr_assert_str_eq(getenv("PPV_MEMORY"), "0");
	cr_assert_str_eq(getenv("PPV_FILTER"), "N:noisy\n");
	cr_assert_str_eq(getenv("PPV_TIME_FILTER_NS"), "5000");
	cr_assert_str_eq(getenv("PPV_SIGNAL"), "10");
	cr_assert_str_eq(getenv("PPV_MAX_SIZE"), "2097152");
	cr_assert_null(getenv("PPV_DEPTH"), "unset options are not exported");
}
