/* test-golden.c - the reader against the checked-in traces of
 * tests/data/traces/ (written by make-golden.c): a format change that
 * breaks old files shows up here. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static const char *golden(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", PPV_GOLDEN_DIR, name);
	return path;
}

Test(golden_traces, valid_reads_back_exactly)
{
	struct ppv_native_reader *r;
	struct ppv_event ev;
	int enters = 0, exits = 0, io = 0, scopes = 0;

	cr_assert_eq(ppv_native_reader_open(golden("valid.ppv"), &r), 0, "%s",
		     ppv_native_reader_open_error());
	cr_assert_str_eq(ppv_native_reader_info(r, "cmdline"), "golden --test");
	cr_assert_eq(ppv_native_reader_header(r)->pid, 4242);
	while (ppv_native_reader_next(r, &ev) > 0) {
		enters += ev.type == PPV_EVENT_ENTER;
		exits += ev.type == PPV_EVENT_EXIT;
		scopes += ev.type == PPV_EVENT_SCOPE_ENTER;
		if (ev.type == PPV_EVENT_IO) {
			io++;
			cr_assert_str_eq(ev.io.name, "query_users");
			cr_assert_eq(ev.io.bytes, 4096);
			cr_assert_eq(ev.ts - ev.io.start, 1500);
		}
	}
	cr_assert_eq(enters, 10);
	cr_assert_eq(exits, 10);
	cr_assert_eq(scopes, 1);
	cr_assert_eq(io, 1);
	cr_assert(ppv_native_reader_stats(r)->complete);
	ppv_native_reader_close(r);
}

Test(golden_traces, truncated_ends_early_with_a_warning)
{
	struct ppv_native_reader *r;
	struct ppv_event ev;
	int rc;

	cr_assert_eq(ppv_native_reader_open(golden("truncated.ppv"), &r), 0);
	while ((rc = ppv_native_reader_next(r, &ev)) > 0)
		;
	cr_assert_eq(rc, 0);
	cr_assert(ppv_native_reader_stats(r)->torn);
	cr_assert_not_null(ppv_native_reader_warning(r));
	cr_assert(strstr(ppv_native_reader_warning(r), "torn chunk at offset"), "%s",
		  ppv_native_reader_warning(r));
	ppv_native_reader_close(r);
}

Test(golden_traces, bad_magic_is_not_a_trace)
{
	struct ppv_native_reader *r;

	cr_assert_eq(ppv_native_reader_open(golden("bad-magic.ppv"), &r), -EINVAL);
	cr_assert(strstr(ppv_native_reader_open_error(), "not a PerProVis trace"));
}

Test(golden_traces, future_version_is_not_supported)
{
	struct ppv_native_reader *r;

	cr_assert_eq(ppv_native_reader_open(golden("future-version.ppv"), &r), -ENOTSUP);
}

Test(golden_traces, bad_crc_is_corrupt)
{
	cr_assert_eq(th_count(golden("bad-crc.ppv"), NULL, NULL), -EINVAL);
}
