/* test-trace.c - libperprovis's trace API: opening directories and files,
 * merging processes and threads in time order, symbolization, counters. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <perprovis/ppv-trace.h>

#include "native-writer.h"
#include "symbols-file.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/ppv-an-test.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(trace_api, .init = setup, .fini = teardown);

static struct ppv_native_writer *writer(uint32_t pid, uint64_t start)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = pid, .ppid = 1, .start_ns = start,
				     .clock_source = PPV_CLOCK_MONOTONIC, .chunk_size = 4096 };
	struct ppv_native_writer *w;
	char path[128];

	snprintf(path, sizeof(path), "%s/%u.ppv", dir, pid);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	return w;
}

static void add(struct ppv_native_writer *w, int type, uint32_t tid, uint64_t ts, uint64_t addr)
{
	struct ppv_event e = { .type = (uint16_t)type, .tid = tid, .ts = ts, .func = { addr } };

	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
}

static void add_module(struct ppv_native_writer *w, uint64_t base, uint64_t bias,
		       const char *path, uint8_t id)
{
	uint8_t bid[4] = { id, id, id, id };
	struct ppv_event e = { .type = PPV_EVENT_MODULE_LOAD, .ts = 1,
			       .module = { base, 0x10000, bias, path, bid, 4 } };

	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
}

/*
 * Two processes, three threads each. Each "drain cycle" writes thread by
 * thread, so within a chunk thread 2's events precede thread 3's earlier
 * ones, like the recorder's writer does; SYNC ends every cycle.
 */
static void write_two_processes(uint64_t *total)
{
	*total = 0;
	for (uint32_t pid = 100; pid <= 200; pid += 100) {
		struct ppv_native_writer *w = writer(pid, 1000);

		add_module(w, 0x400000, 0, "/bin/fake", 1);
		for (int cycle = 0; cycle < 50; cycle++) {
			uint64_t base = 10000 + (uint64_t)cycle * 1000;

			for (uint32_t t = 1; t <= 3; t++)
				for (int i = 0; i < 20; i++) {
					add(w, i % 2 ? PPV_EVENT_EXIT : PPV_EVENT_ENTER, pid + t,
					    base + (uint64_t)i * 40 + t * 3 + pid / 100,
					    0x401000);
					(*total)++;
				}
			cr_assert_eq(ppv_native_writer_flush(w, base + 999), 0);
		}
		cr_assert_eq(ppv_native_writer_close(w), 0);
	}
}

Test(trace_api, merges_processes_and_threads_in_time_order)
{
	struct ppv_trace *t;
	struct ppv_event ev;
	uint64_t total, funcs = 0, last = 0;

	write_two_processes(&total);
	cr_assert_eq(ppv_trace_open(dir, &t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_trace_process_count(t), 2);
	while (ppv_trace_next(t, &ev) > 0) {
		if (ev.type == PPV_EVENT_CLOCK)
			continue;
		cr_assert_geq(ev.ts, last, "%s at %llu after %llu", ppv_event_type_name(ev.type),
			      (unsigned long long)ev.ts, (unsigned long long)last);
		last = ev.ts;
		funcs += ev.type == PPV_EVENT_ENTER || ev.type == PPV_EVENT_EXIT;
	}
	cr_assert_eq(funcs, total);
	for (size_t i = 0; i < 2; i++) {
		const struct ppv_process_info *p = ppv_trace_borrow_process(t, i);

		cr_assert(p->complete);
		cr_assert_eq(p->lost, 0);
		cr_assert_gt(p->events, total / 2);
		cr_assert_eq(p->start_ns, 1000);
	}
	cr_assert_str_eq(ppv_trace_warnings(t), "");
	ppv_trace_close(t);
}

Test(trace_api, symbolizes_from_the_embedded_table_with_the_load_bias)
{
	struct ppv_native_writer *w = writer(300, 0);
	static const uint8_t bid[4] = { 7, 7, 7, 7 };
	struct ppv_sym syms[] = { { 0x1000, 0x80, "main" }, { 0x1080, 0x40, "helper" } };
	struct ppv_symtab tab = { "/opt/app/pie", bid, 4, 2, syms };
	struct ppv_trace *t;
	struct ppv_event ev;
	struct ppv_symbol s;
	char path[128], buf[128];

	add_module(w, 0x555555554000, 0x555555554000, "/opt/app/pie", 7);
	add(w, PPV_EVENT_ENTER, 300, 50, 0x555555554000 + 0x1090);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	snprintf(path, sizeof(path), "%s/symbols.ppvsym", dir);
	cr_assert_eq(ppv_symbols_file_write(path, &tab, 1), 0);

	cr_assert_eq(ppv_trace_open(dir, &t), 0, "%s", ppv_trace_open_error());
	while (ppv_trace_next(t, &ev) > 0 && ev.type != PPV_EVENT_ENTER)
		;
	cr_assert_eq(ppv_trace_symbolize(t, 300, ev.func.addr, &s), 0);
	cr_assert_str_eq(s.name, "helper");
	cr_assert_eq(s.offset, 0x10);
	cr_assert_str_eq(ppv_trace_format_symbol(t, 300, 0x555555554000 + 0x1000, buf, sizeof(buf)),
			 "main");
	/* inside the module but in no symbol: module+offset from the bias */
	cr_assert_str_eq(ppv_trace_format_symbol(t, 300, 0x555555554000 + 0x5000, buf, sizeof(buf)),
			 "pie+0x5000");
	/* in no module at all */
	cr_assert_str_eq(ppv_trace_format_symbol(t, 300, 0x1234, buf, sizeof(buf)), "0x1234");
	cr_assert_eq(ppv_trace_module_count(t, 0), 1);
	{
		struct ppv_module_info mi;

		cr_assert_eq(ppv_trace_module(t, 0, 0, &mi), 0);
		cr_assert_str_eq(mi.symbols, "embedded");
		cr_assert_eq(mi.nsyms, 2);
	}
	ppv_trace_close(t);
}

Test(trace_api, opens_a_single_process_file)
{
	struct ppv_native_writer *w = writer(400, 0);
	struct ppv_trace *t;
	struct ppv_event ev;
	char path[128];
	int n = 0;

	add(w, PPV_EVENT_ENTER, 400, 10, 0x10);
	add(w, PPV_EVENT_EXIT, 400, 20, 0x10);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	snprintf(path, sizeof(path), "%s/400.ppv", dir);
	cr_assert_eq(ppv_trace_open(path, &t), 0, "%s", ppv_trace_open_error());
	while (ppv_trace_next(t, &ev) > 0)
		n += ev.type == PPV_EVENT_ENTER || ev.type == PPV_EVENT_EXIT;
	cr_assert_eq(n, 2);
	ppv_trace_close(t);
}

Test(trace_api, explains_what_it_cannot_open)
{
	struct ppv_trace *t;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing", dir);
	cr_assert_eq(ppv_trace_open(path, &t), -ENOENT);
	cr_assert(strstr(ppv_trace_open_error(), path));

	cr_assert_eq(ppv_trace_open(dir, &t), -EINVAL, "an empty directory");
	cr_assert(strstr(ppv_trace_open_error(), "no process files"), "%s", ppv_trace_open_error());

	snprintf(path, sizeof(path), "%s/x.ppv", dir);
	{
		FILE *f = fopen(path, "w");

		fputs("definitely not a trace, just text that is long enough......\n", f);
		fclose(f);
	}
	cr_assert_eq(ppv_trace_open(dir, &t), -EINVAL);
	cr_assert(strstr(ppv_trace_open_error(), "x.ppv: offset 0: not a PerProVis trace"), "%s",
		  ppv_trace_open_error());
}

Test(trace_api, reports_a_torn_process_and_its_losses)
{
	struct ppv_native_writer *w = writer(500, 0);
	struct ppv_event loss = { .type = PPV_EVENT_LOSS, .tid = 500, .ts = 30, .loss = { 9 } };
	struct ppv_trace *t;
	struct ppv_event ev;
	char path[128];

	add(w, PPV_EVENT_ENTER, 500, 10, 0x10);
	cr_assert_eq(ppv_native_writer_append(w, &loss), 0);
	cr_assert_eq(ppv_native_writer_flush(w, 20), 0);
	add(w, PPV_EVENT_EXIT, 500, 40, 0x10);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	snprintf(path, sizeof(path), "%s/500.ppv", dir);
	cr_assert_eq(truncate(path, 64 + 24 + 10), 0); /* keep the header, cut the first chunk */
	cr_assert_eq(ppv_trace_open(dir, &t), 0);
	while (ppv_trace_next(t, &ev) > 0)
		;
	cr_assert_eq(ppv_trace_borrow_process(t, 0)->complete, 0);
	cr_assert(strstr(ppv_trace_warnings(t), "torn chunk"), "%s", ppv_trace_warnings(t));
	ppv_trace_close(t);

	w = writer(500, 0);
	add(w, PPV_EVENT_ENTER, 500, 10, 0x10);
	cr_assert_eq(ppv_native_writer_append(w, &loss), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	cr_assert_eq(ppv_trace_open(dir, &t), 0);
	while (ppv_trace_next(t, &ev) > 0)
		;
	cr_assert_eq(ppv_trace_borrow_process(t, 0)->lost, 9);
	ppv_trace_close(t);
}
