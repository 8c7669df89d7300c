/* test-ctf.c - CTF traces (LTTng) read through babeltrace2: the formats
 * reader (formats/ctf-reader.c) and the trace API on top of it
 * (analyzer/trace-ctf.c), against the small traces in tests/data/ctf/
 * (see its README: cyg-prog.c under liblttng-ust-cyg-profile{,-fast}.so,
 * perprovis-prog.c for our own provider). The recorded binaries are not
 * in the tree, so addresses are checked as module + offset. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <perprovis/ppv-trace.h>

#include "ctf-reader.h"

#define DATA PPV_CTF_DATA_DIR

/* cyg-prog.c as built for the traces (gcc 12 -O1): ELF addresses */
#define MAIN_OFF 0x11f3
#define WORK_OFF 0x119c
#define LEAF_OFF 0x1169

struct counts {
	size_t n[PPV_EVENT_TYPE_COUNT];
	uint64_t lost;
	size_t events;
};

static struct ppv_ctf_reader *open_ok(const char *name)
{
	struct ppv_ctf_reader *r;
	char path[512];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", DATA, name);
	rc = ppv_ctf_reader_open(path, &r);
	cr_assert_eq(rc, 0, "open %s: %d %s", path, rc, ppv_ctf_reader_open_error());
	return r;
}

/* Read everything, checking that time never goes back. */
static struct counts read_all(struct ppv_ctf_reader *r, struct ppv_event *evs, size_t cap)
{
	struct counts c = { 0 };
	struct ppv_event ev;
	uint64_t last = 0;
	int rc;

	while ((rc = ppv_ctf_reader_next(r, &ev)) == 1) {
		cr_assert_lt(ev.type, PPV_EVENT_TYPE_COUNT);
		cr_assert_geq(ev.ts, last, "event %zu goes back in time", c.events);
		last = ev.ts;
		if (c.events < cap)
			evs[c.events] = ev;
		c.n[ev.type]++;
		if (ev.type == PPV_EVENT_LOSS)
			c.lost += ev.loss.count;
		c.events++;
	}
	cr_assert_eq(rc, 0, "read error: %s", ppv_ctf_reader_last_error(r));
	return c;
}

static const struct ppv_event *module_named(const struct ppv_event *evs, size_t n, const char *base)
{
	for (size_t i = 0; i < n; i++) {
		const char *slash;

		if (evs[i].type != PPV_EVENT_MODULE_LOAD)
			continue;
		slash = strrchr(evs[i].module.path, '/');
		if (strcmp(slash ? slash + 1 : evs[i].module.path, base) == 0)
			return &evs[i];
	}
	return NULL;
}

TestSuite(ctf_reader);

Test(ctf_reader, reads_cyg_profile_fast_with_statedump)
{
	struct ppv_ctf_reader *r = open_ok("fast");
	struct ppv_event evs[64];
	const struct ppv_event *exe;
	uint64_t want[] = { MAIN_OFF, WORK_OFF, LEAF_OFF, LEAF_OFF, LEAF_OFF };
	size_t ne = 0, depth = 0, maxdepth = 0;
	struct counts c = read_all(r, evs, 64);
	const struct ppv_ctf_process *p;
	static const uint8_t build_id[20] = { 0xc1, 0x06, 0x62, 0xe8, 0x63, 0xa7, 0xd0,
					      0x3e, 0x66, 0x1d, 0x50, 0x96, 0xdd, 0x7a,
					      0x0d, 0x7d, 0xfc, 0xa4, 0xac, 0x4b };

	cr_assert_eq(c.events, 19);
	cr_assert_eq(c.n[PPV_EVENT_ENTER], 5);
	cr_assert_eq(c.n[PPV_EVENT_EXIT], 5);
	cr_assert_eq(c.n[PPV_EVENT_THREAD_START], 1);
	/* 9 bin_info records, minus [linux-vdso.so.1] (no file) */
	cr_assert_eq(c.n[PPV_EVENT_MODULE_LOAD], 8);
	cr_assert_eq(c.n[PPV_EVENT_LOSS], 0);

	exe = module_named(evs, c.events, "cyg-prog");
	cr_assert_not_null(exe, "no module load for cyg-prog from the statedump");
	cr_assert_eq(exe->module.base, 0x561c21727000ull);
	cr_assert_eq(exe->module.bias, exe->module.base, "a PIE's bias is its base");
	cr_assert_eq(exe->module.size, 16440);
	cr_assert_eq(exe->module.build_id_len, 20);
	cr_assert_eq(memcmp(exe->module.build_id, build_id, 20), 0);
	cr_assert_eq(exe->tid, 0, "module loads belong to the process, not a thread");

	for (size_t i = 0; i < c.events; i++) {
		const struct ppv_event *e = &evs[i];

		if (e->type == PPV_EVENT_THREAD_START) {
			cr_assert_eq(ne, 0, "thread start after its first call");
			cr_assert_str_eq(e->thread.name, "cyg-prog");
			cr_assert_eq(e->pid, e->tid);
		} else if (e->type == PPV_EVENT_ENTER) {
			cr_assert_lt(ne, 5);
			cr_assert_eq(e->func.addr - exe->module.bias, want[ne], "entry %zu", ne);
			ne++;
			depth++;
			maxdepth = depth > maxdepth ? depth : maxdepth;
		} else if (e->type == PPV_EVENT_EXIT) {
			cr_assert_eq(e->func.addr, 0, "the fast variant records no exit address");
			cr_assert_gt(depth, 0);
			depth--;
		}
	}
	cr_assert_eq(depth, 0);
	cr_assert_eq(maxdepth, 3);

	cr_assert_eq(ppv_ctf_reader_process_count(r), 1);
	p = ppv_ctf_reader_process(r, 0);
	cr_assert_eq(p->pid, 3982);
	cr_assert_str_eq(p->procname, "cyg-prog"); /* not the listener thread's "cyg-prog-ust" */
	cr_assert_eq(p->events, 19);
	cr_assert_eq(p->lost, 0);
	cr_assert_leq(p->first_ns, p->last_ns);
	cr_assert(ppv_ctf_reader_unix_epoch(r));
	cr_assert_null(ppv_ctf_reader_process(r, 1));
	cr_assert_eq(ppv_ctf_reader_trace_count(r), 1);
	cr_assert_str_eq(ppv_ctf_reader_warnings(r), "");
	ppv_ctf_reader_close(r);
}

Test(ctf_reader, reads_plain_cyg_profile_exits_by_address)
{
	struct ppv_ctf_reader *r = open_ok("plain");
	struct ppv_event evs[64];
	uint64_t stack[8];
	size_t depth = 0;
	struct counts c = read_all(r, evs, 64);

	cr_assert_eq(c.n[PPV_EVENT_ENTER], 5);
	cr_assert_eq(c.n[PPV_EVENT_EXIT], 5);
	cr_assert_not_null(module_named(evs, c.events, "cyg-prog"));
	for (size_t i = 0; i < c.events; i++) {
		if (evs[i].type == PPV_EVENT_ENTER) {
			cr_assert_lt(depth, 8);
			stack[depth++] = evs[i].func.addr;
		} else if (evs[i].type == PPV_EVENT_EXIT) {
			cr_assert_gt(depth, 0);
			cr_assert_eq(evs[i].func.addr, stack[--depth], "exit %zu", i);
		}
	}
	ppv_ctf_reader_close(r);
}

Test(ctf_reader, fixed_executable_has_no_bias)
{
	struct ppv_ctf_reader *r = open_ok("nopie");
	struct ppv_event evs[64];
	struct counts c = read_all(r, evs, 64);
	const struct ppv_event *exe = module_named(evs, c.events, "cyg-prog-nopie");
	const struct ppv_event *libc = module_named(evs, c.events, "libc.so.6");

	cr_assert_not_null(exe);
	cr_assert_eq(exe->module.base, 0x400000);
	cr_assert_eq(exe->module.bias, 0);
	cr_assert_not_null(libc);
	cr_assert_eq(libc->module.bias, libc->module.base);
	for (size_t i = 0; i < c.events; i++)
		if (evs[i].type == PPV_EVENT_ENTER) {
			/* main: the ELF address itself */
			cr_assert_eq(evs[i].func.addr, 0x4011cf);
			break;
		}
	cr_assert_str_eq(ppv_ctf_reader_process(r, 0)->procname, "cyg-prog-nopie");
	ppv_ctf_reader_close(r);
}

Test(ctf_reader, dlopen_and_dlclose_change_the_module_map)
{
	struct ppv_ctf_reader *r = open_ok("dlopen");
	struct ppv_event e[16];
	static const uint16_t want[] = {
		PPV_EVENT_THREAD_START, PPV_EVENT_ENTER, PPV_EVENT_MODULE_LOAD, PPV_EVENT_ENTER,
		PPV_EVENT_EXIT, PPV_EVENT_MODULE_UNLOAD, PPV_EVENT_EXIT,
	};
	struct counts c = read_all(r, e, 16);

	cr_assert_eq(c.events, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c.events; i++)
		cr_assert_eq(e[i].type, want[i], "event %zu is %s", i,
			     ppv_event_type_name(e[i].type));
	cr_assert_str_eq(e[2].module.path, "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
	cr_assert_eq(e[2].module.base, 0x7f1fb32ce000ull);
	cr_assert_eq(e[2].module.bias, e[2].module.base);
	cr_assert_eq(e[2].module.size, 123280);
	cr_assert_eq(e[2].module.build_id_len, 20, "the build_id event was joined to its dlopen");
	cr_assert_eq(e[2].module.build_id[0], 0x1f);
	cr_assert_eq(e[2].module.build_id[1], 0x95);
	cr_assert_eq(e[5].module.base, e[2].module.base);
	cr_assert_eq(e[2].tid, 0);
	ppv_ctf_reader_close(r);
}

Test(ctf_reader, unknown_event_classes_are_skipped_with_one_warning)
{
	struct ppv_ctf_reader *r = open_ok("unknown");
	struct ppv_event evs[1];
	struct counts c = read_all(r, evs, 0);
	const char *w = ppv_ctf_reader_warnings(r);

	cr_assert_eq(c.n[PPV_EVENT_ENTER], 5);
	cr_assert_eq(c.n[PPV_EVENT_EXIT], 5);
	cr_assert_eq(c.events, 11);
	cr_assert_not_null(strstr(w, "skipped 7 events"), "%s", w);
	cr_assert_not_null(strstr(w, "lttng_ust_libc:"), "%s", w);
	cr_assert_eq(strchr(w, '\n'), w + strlen(w) - 1, "one line: %s", w);
	ppv_ctf_reader_close(r);
}

Test(ctf_reader, discarded_events_become_losses)
{
	struct ppv_ctf_reader *r = open_ok("discard");
	struct ppv_event evs[1];
	struct counts c = read_all(r, evs, 0);

	cr_assert_eq(c.n[PPV_EVENT_LOSS], 1);
	cr_assert_eq(c.lost, 39776);
	cr_assert_eq(c.n[PPV_EVENT_ENTER] + c.n[PPV_EVENT_EXIT], 228);
	cr_assert_eq(ppv_ctf_reader_process(r, 0)->lost, 39776);
	ppv_ctf_reader_close(r);
}

Test(ctf_reader, maps_the_perprovis_provider)
{
	struct ppv_ctf_reader *r = open_ok("perprovis");
	struct ppv_event e[16];
	static const uint16_t want[] = {
		PPV_EVENT_THREAD_START, PPV_EVENT_ENTER, PPV_EVENT_SCOPE_ENTER, PPV_EVENT_IO,
		PPV_EVENT_IO, PPV_EVENT_SCOPE_EXIT, PPV_EVENT_THREAD_START, PPV_EVENT_ENTER,
		PPV_EVENT_ERROR, PPV_EVENT_EXIT, PPV_EVENT_EXIT,
	};
	struct counts c = read_all(r, e, 16);

	cr_assert_eq(c.events, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c.events; i++) {
		cr_assert_eq(e[i].type, want[i], "event %zu is %s", i,
			     ppv_event_type_name(e[i].type));
		cr_assert_eq(e[i].pid, 8222);
	}
	cr_assert_eq(e[0].tid, 8222);
	cr_assert_str_eq(e[0].thread.name, "perprovis-prog");
	cr_assert_eq(e[1].func.addr, 0x1000);
	cr_assert_str_eq(e[2].scope.name, "load");
	cr_assert_eq(e[3].io.kind, 1);
	cr_assert_eq(e[3].io.fd, 3);
	cr_assert_eq(e[3].io.bytes, 4096);
	cr_assert_eq(e[3].io.err, 0);
	cr_assert_eq(e[3].ts - e[3].io.start, 1000, "io.start = ts - duration_ns");
	cr_assert_str_eq(e[3].io.name, "data.bin");
	cr_assert_eq(e[4].io.kind, 2);
	cr_assert_eq(e[4].io.fd, 4);
	cr_assert_eq(e[4].io.err, 9);
	cr_assert_eq(e[4].io.start, e[4].ts);
	cr_assert_null(e[4].io.name, "an empty name is no name");
	cr_assert_str_eq(e[5].scope.name, "load");
	cr_assert_eq(e[5].scope.name, e[2].scope.name, "names are interned once");
	cr_assert_eq(e[6].tid, 8225);
	cr_assert_eq(e[7].func.addr, 0x2000);
	cr_assert_eq(e[8].error.code, -5);
	cr_assert_eq(e[8].tid, 8225);
	cr_assert_eq(e[9].func.addr, 0x2000);
	cr_assert_eq(e[10].func.addr, 0x1000);
	cr_assert_eq(e[10].tid, 8222);
	ppv_ctf_reader_close(r);
	/* nothing kept pointers into freed memory: ASan/valgrind runs catch it */
}

Test(ctf_reader, missing_vpid_vtid_contexts_are_named)
{
	struct ppv_ctf_reader *r = (struct ppv_ctf_reader *)1;

	cr_assert_eq(ppv_ctf_reader_open(DATA "/nocontext", &r), -EINVAL);
	cr_assert_null(r);
	cr_assert_not_null(strstr(ppv_ctf_reader_open_error(),
				  "lttng add-context -u -t vpid -t vtid"),
			   "%s", ppv_ctf_reader_open_error());
}

Test(ctf_reader, corrupt_metadata_is_a_clear_error)
{
	struct ppv_ctf_reader *r = (struct ppv_ctf_reader *)1;

	cr_assert_eq(ppv_ctf_reader_open(DATA "/corrupt", &r), -EINVAL);
	cr_assert_null(r);
	cr_assert_not_null(strstr(ppv_ctf_reader_open_error(), "cannot read the CTF trace"),
			   "%s", ppv_ctf_reader_open_error());
	cr_assert_not_null(strstr(ppv_ctf_reader_open_error(), "corrupt"));
}

Test(ctf_reader, no_trace_is_enoent)
{
	char dir[] = "/tmp/ppv-ctf-test.XXXXXX";
	struct ppv_ctf_reader *r;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(ppv_ctf_reader_open(dir, &r), -ENOENT);
	cr_assert_null(r);
	cr_assert_not_null(strstr(ppv_ctf_reader_open_error(), "no CTF trace"));
	rmdir(dir);
	cr_assert_eq(ppv_ctf_reader_open(DATA "/cyg-prog.c", &r), -ENOENT,
		     "a file outside a trace directory");
}

Test(ctf_reader, finds_every_trace_below_a_directory)
{
	struct ppv_ctf_reader *r;
	struct ppv_event ev;
	int rc;

	/* the whole folder holds several traces, one of them corrupt */
	cr_assert_eq(ppv_ctf_reader_open(DATA, &r), -EINVAL);
	/* a metadata file names its own trace */
	cr_assert_eq(ppv_ctf_reader_open(DATA "/fast/ust/uid/0/64-bit/metadata", &r), 0);
	while ((rc = ppv_ctf_reader_next(r, &ev)) == 1)
		;
	cr_assert_eq(rc, 0);
	cr_assert_eq(ppv_ctf_reader_process(r, 0)->events, 19);
	ppv_ctf_reader_close(r);
	ppv_ctf_reader_close(NULL);
}

Test(ctf_reader, merges_several_traces_in_time_order)
{
	char dir[] = "/tmp/ppv-ctf-test.XXXXXX", cmd[512];
	struct ppv_ctf_reader *r;
	struct ppv_event evs[1];
	struct counts c;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -r '%s/fast' '%s/perprovis' '%s/'", DATA, DATA, dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(ppv_ctf_reader_open(dir, &r), 0, "%s", ppv_ctf_reader_open_error());
	cr_assert_eq(ppv_ctf_reader_trace_count(r), 2);
	c = read_all(r, evs, 0); /* checks that time never goes back */
	cr_assert_eq(c.events, 19 + 11);
	cr_assert_eq(ppv_ctf_reader_process_count(r), 2);
	/* fast/ was recorded first */
	cr_assert_eq(ppv_ctf_reader_process(r, 0)->pid, 3982);
	cr_assert_eq(ppv_ctf_reader_process(r, 1)->pid, 8222);
	cr_assert_eq(ppv_ctf_reader_process(r, 1)->events, 11);
	ppv_ctf_reader_close(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(ctf_trace);

Test(ctf_trace, opens_through_ppv_trace_open)
{
	struct ppv_trace *t;
	const struct ppv_event *ev;
	const struct ppv_process_info *pi;
	struct ppv_module_info mi;
	struct ppv_symbol s;
	uint64_t main_addr = 0;
	size_t n = 0, m, found = 0;
	int rc;

	rc = ppv_trace_open(DATA "/fast", &t);
	cr_assert_eq(rc, 0, "%s", ppv_trace_open_error());
	/* the first process is known from the start (time windows use it) */
	cr_assert_eq(ppv_trace_process_count(t), 1);
	pi = ppv_trace_borrow_process(t, 0);
	cr_assert_eq(pi->pid, 3982);
	cr_assert_gt(pi->start_ns, 0);
	while ((rc = ppv_trace_next_borrow(t, &ev)) == 1) {
		if (ev->type == PPV_EVENT_ENTER && !main_addr)
			main_addr = ev->func.addr;
		n++;
	}
	cr_assert_eq(rc, 0, "%s", ppv_trace_last_error(t));
	cr_assert_eq(n, 19);
	pi = ppv_trace_borrow_process(t, 0);
	cr_assert_eq(pi->events, 19);
	cr_assert_eq(pi->lost, 0);
	cr_assert(pi->complete);
	cr_assert_str_eq(pi->cmdline, "cyg-prog");
	cr_assert_geq(pi->end_ns, pi->start_ns);
	cr_assert_null(ppv_trace_info(t, 0, "granularity"));

	/* the module map came from the statedump */
	cr_assert_eq(ppv_trace_module_count(t, 0), 8);
	for (m = 0; m < 8; m++) {
		cr_assert_eq(ppv_trace_module(t, 0, m, &mi), 0);
		if (strstr(mi.path, "/cyg-prog")) {
			found++;
			cr_assert_eq(mi.build_id_len, 20);
			cr_assert_eq(mi.bias, 0x561c21727000ull);
		}
	}
	cr_assert_eq(found, 1);
	rc = ppv_trace_symbolize(t, 3982, main_addr, &s);
	cr_assert_not_null(s.module);
	cr_assert_not_null(strstr(s.module, "/cyg-prog"));
	if (rc == 0) /* the recorded binary is on this machine */
		cr_assert_str_eq(s.name, "main");
	else
		cr_assert_eq(s.offset, MAIN_OFF);
	ppv_trace_close(t);
}

Test(ctf_trace, losses_reach_the_process_counters)
{
	struct ppv_trace *t;
	const struct ppv_event *ev;
	int rc;

	cr_assert_eq(ppv_trace_open(DATA "/discard", &t), 0, "%s", ppv_trace_open_error());
	while ((rc = ppv_trace_next_borrow(t, &ev)) == 1)
		;
	cr_assert_eq(rc, 0);
	cr_assert_eq(ppv_trace_borrow_process(t, 0)->lost, 39776);
	ppv_trace_close(t);
}

Test(ctf_trace, open_errors_name_the_cause)
{
	struct ppv_trace *t;

	cr_assert_eq(ppv_trace_open(DATA "/corrupt", &t), -EINVAL);
	cr_assert_null(t);
	cr_assert_not_null(strstr(ppv_trace_open_error(), "cannot read the CTF trace"));
	cr_assert_eq(ppv_trace_open(DATA "/nocontext", &t), -EINVAL);
	cr_assert_not_null(strstr(ppv_trace_open_error(), "-t vpid -t vtid"));
}

Test(ctf_trace, a_native_file_outside_a_ctf_trace_still_opens)
{
	char dir[] = "/tmp/ppv-ctf-test.XXXXXX", cmd[512], path[600];
	struct ppv_trace *t;
	const struct ppv_event *ev;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp '%s/valid.ppv' '%s/process'", PPV_GOLDEN_DIR, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/process", dir);
	cr_assert_eq(ppv_trace_open(path, &t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_trace_next_borrow(t, &ev), 1, "%s", ppv_trace_last_error(t));
	ppv_trace_close(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}
