/* test-roundtrip.c - every event kind written by the native writer reads
 * back with every field intact; clocks, strings, threads and chunks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "module-index.h"

static char *path;

static void setup(void)
{
	path = th_path("t.ppv");
}

static void teardown(void)
{
	th_remove(path);
}

TestSuite(native_roundtrip, .init = setup, .fini = teardown);

static const uint8_t bid[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6,
				 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* One event of every kind, in file order, with distinctive values. */
static const struct ppv_event *samples(size_t *n)
{
	static struct ppv_event ev[24];
	size_t k = 0;

	memset(ev, 0, sizeof(ev));
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_MODULE_LOAD, .tid = 7, .ts = 100,
				      .module = { 0x555500000000, 0x4000, 0x555500000000,
						  "/usr/bin/app", bid, sizeof(bid) } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_THREAD_START, .tid = 7, .ts = 110,
				      .thread = { "worker-1" } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_ENTER, .tid = 7, .ts = 120,
				      .func = { 0x555500001130 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_ENTER, .tid = 7, .ts = 125,
				      .func = { 0x555500001000 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_EXIT, .tid = 7, .ts = 190,
				      .func = { 0x555500001000 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_SCOPE_ENTER, .tid = 7, .ts = 200,
				      .scope = { "data_processing" } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_IO, .tid = 7, .ts = 5000,
				      .io = { .start = 1200, .bytes = 123456789012ull,
					      .name = "query_users", .err = 110, .fd = 9,
					      .kind = 4 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_IO, .tid = 7, .ts = 5000,
				      .io = { .start = 4990, .bytes = 64, .name = "127.0.0.1:8080",
					      .err = 0, .fd = 5, .kind = 3, .op = PPV_IO_OP_WRITE,
					      .fdclass = PPV_FD_TCP } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_ALLOC, .tid = 7, .ts = 5000,
				      .alloc = { 0x7f0012345670, 4096, PPV_ALLOC_CALLOC } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_FREE, .tid = 7, .ts = 5000,
				      .alloc = { 0x7f0012345670, 0, PPV_ALLOC_REALLOC } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_FREE, .tid = 7, .ts = 5000,
				      .alloc = { 0x7f0020000000, 1 << 20, PPV_ALLOC_MMAP } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_MEMSTAT, .tid = 7, .ts = 5000,
				      .memstat = { 123456789, 987654321 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_PAUSE, .tid = 7, .ts = 5000 };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_RESUME, .tid = 7, .ts = 5000 };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_ERROR, .tid = 7, .ts = 5001,
				      .error = { -42 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_SCOPE_EXIT, .tid = 7, .ts = 5002,
				      .scope = { "data_processing" } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_EXIT, .tid = 7, .ts = 5003,
				      .func = { 0x555500001130 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_LOSS, .tid = 7, .ts = 5004,
				      .loss = { 77 } };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_THREAD_EXIT, .tid = 7, .ts = 5005 };
	ev[k++] = (struct ppv_event){ .type = PPV_EVENT_MODULE_UNLOAD, .tid = 7, .ts = 5006,
				      .module = { .base = 0x555500000000 } };
	*n = k;
	return ev;
}

static void expect_same(const struct ppv_event *a, const struct ppv_event *b)
{
	cr_assert_eq(a->type, b->type, "type %u, expected %u", a->type, b->type);
	cr_assert_eq(a->ts, b->ts, "%s: ts %llu, expected %llu", ppv_event_type_name(b->type),
		     (unsigned long long)a->ts, (unsigned long long)b->ts);
	cr_assert_eq(a->tid, b->tid);
	cr_assert_eq(a->pid, 42);
	switch (b->type) {
	case PPV_EVENT_ENTER:
	case PPV_EVENT_EXIT:
		cr_assert_eq(a->func.addr, b->func.addr);
		break;
	case PPV_EVENT_SCOPE_ENTER:
	case PPV_EVENT_SCOPE_EXIT:
		cr_assert_str_eq(a->scope.name, b->scope.name);
		break;
	case PPV_EVENT_IO:
		cr_assert_eq(a->io.start, b->io.start);
		cr_assert_eq(a->io.bytes, b->io.bytes);
		cr_assert_str_eq(a->io.name, b->io.name);
		cr_assert_eq(a->io.err, b->io.err);
		cr_assert_eq(a->io.fd, b->io.fd);
		cr_assert_eq(a->io.kind, b->io.kind);
		cr_assert_eq(a->io.op, b->io.op);
		cr_assert_eq(a->io.fdclass, b->io.fdclass);
		break;
	case PPV_EVENT_ALLOC:
	case PPV_EVENT_FREE:
		cr_assert_eq(a->alloc.addr, b->alloc.addr);
		cr_assert_eq(a->alloc.size, b->alloc.size);
		cr_assert_eq(a->alloc.kind, b->alloc.kind);
		break;
	case PPV_EVENT_MEMSTAT:
		cr_assert_eq(a->memstat.rss, b->memstat.rss);
		cr_assert_eq(a->memstat.peak_rss, b->memstat.peak_rss);
		break;
	case PPV_EVENT_ERROR:
		cr_assert_eq(a->error.code, b->error.code);
		break;
	case PPV_EVENT_THREAD_START:
		cr_assert_str_eq(a->thread.name, b->thread.name);
		break;
	case PPV_EVENT_LOSS:
		cr_assert_eq(a->loss.count, b->loss.count);
		break;
	case PPV_EVENT_MODULE_LOAD:
		cr_assert_eq(a->module.size, b->module.size);
		cr_assert_eq(a->module.bias, b->module.bias);
		cr_assert_str_eq(a->module.path, b->module.path);
		cr_assert_eq(a->module.build_id_len, b->module.build_id_len);
		cr_assert_arr_eq(a->module.build_id, b->module.build_id, b->module.build_id_len);
		/* fallthrough */
	case PPV_EVENT_MODULE_UNLOAD:
		cr_assert_eq(a->module.base, b->module.base);
		break;
	default:
		break;
	}
}

Test(native_roundtrip, keeps_every_field_of_every_event_kind)
{
	size_t n;
	const struct ppv_event *in = samples(&n);
	struct ppv_native_writer *w = th_writer(path, 0);
	struct ppv_native_reader *r;
	struct ppv_event ev;

	cr_assert_eq(ppv_native_writer_set_info(w, "cmdline", "app --fast"), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(ppv_native_writer_append(w, &in[i]), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);

	cr_assert_eq(ppv_native_reader_open(path, &r), 0);
	cr_assert_str_eq(ppv_native_reader_info(r, "cmdline"), "app --fast");
	cr_assert_eq(ppv_native_reader_header(r)->pid, 42);
	cr_assert_eq(ppv_native_reader_header(r)->ppid, 1);
	cr_assert_eq(ppv_native_reader_header(r)->start_ns, 1000);
	cr_assert_eq(ppv_native_reader_header(r)->file_kind, PPV_FILE_PROCESS);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(ppv_native_reader_next(r, &ev), 1, "event %zu missing", i);
		expect_same(&ev, &in[i]);
	}
	cr_assert_eq(ppv_native_reader_next(r, &ev), 0);
	cr_assert(ppv_native_reader_stats(r)->complete);
	cr_assert_eq(ppv_native_reader_stats(r)->lost, 77);
	cr_assert_null(ppv_native_reader_warning(r));
	ppv_native_reader_close(r);
}

Test(native_roundtrip, converts_ticks_with_the_clock_calibration)
{
	struct ppv_native_writer *w = th_writer(path, 0);
	struct ppv_event c = { .type = PPV_EVENT_CLOCK };
	struct ppv_event e = { .type = PPV_EVENT_ENTER, .tid = 1, .func = { 0x1000 } };
	struct ppv_native_reader *r;
	struct ppv_event ev;

	/* 2.5 ticks per ns: mult = 0.4 ns per tick in 32.32 fixed point */
	c.clock.ticks = 1000000;
	c.clock.ns = 5000000;
	c.clock.mult = (uint64_t)(0.4 * 4294967296.0);
	cr_assert_eq(ppv_native_writer_append(w, &c), 0);
	e.ts = 1000000 + 2500000; /* one millisecond later */
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e.ts = 1000000 - 25; /* before the anchor: 10 ns earlier */
	e.tid = 2;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);

	cr_assert_eq(ppv_native_reader_open(path, &r), 0);
	cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
	cr_assert_eq(ev.type, PPV_EVENT_CLOCK);
	cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
	cr_assert(ev.ts >= 5999999 && ev.ts <= 6000000, "ts %llu", (unsigned long long)ev.ts);
	cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
	cr_assert(ev.ts >= 4999989 && ev.ts <= 4999990, "ts %llu", (unsigned long long)ev.ts);
	ppv_native_reader_close(r);
}

/* A new calibration line anchored at the previous calibration point can
 * map a later tick to an earlier time than the old line gave a tick drained
 * before it: a thread's time must not go backwards all the same. */
Test(native_roundtrip, a_threads_time_never_goes_backwards_across_calibrations)
{
	struct ppv_native_writer *w = th_writer(path, 0);
	struct ppv_event c = { .type = PPV_EVENT_CLOCK };
	struct ppv_event e = { .type = PPV_EVENT_ENTER, .tid = 1, .func = { 0x1000 } };
	struct ppv_native_reader *r;
	struct ppv_event ev;
	uint64_t ts[3];

	c.clock.mult = UINT64_C(1) << 32; /* 1 ns per tick from (0, 0) */
	cr_assert_eq(ppv_native_writer_append(w, &c), 0);
	e.ts = 1000; /* -> 1000 ns */
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	c.clock.ticks = c.ts = 500; /* 0.9 ns per tick from (500, 500) */
	c.clock.ns = 500;
	c.clock.mult = (uint64_t)(0.9 * 4294967296.0);
	cr_assert_eq(ppv_native_writer_append(w, &c), 0);
	e.ts = 1010; /* -> 959 ns on the new line: held at 1000 */
	e.type = PPV_EVENT_EXIT;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e.ts = 1200; /* -> 1130 ns */
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);

	cr_assert_eq(ppv_native_reader_open(path, &r), 0);
	for (int i = 0; i < 3;) {
		cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
		if (ev.type != PPV_EVENT_CLOCK)
			ts[i++] = ev.ts;
	}
	cr_assert_eq(ts[0], 1000);
	cr_assert_eq(ts[1], 1000, "ts %llu", (unsigned long long)ts[1]);
	cr_assert(ts[2] >= 1129 && ts[2] <= 1130, "ts %llu", (unsigned long long)ts[2]);
	ppv_native_reader_close(r);
}

Test(native_roundtrip, interleaves_threads_across_many_chunks)
{
	struct ppv_native_writer *w = th_writer(path, 4096);
	struct ppv_native_reader *r;
	struct ppv_event ev;
	uint64_t seen[4] = { 0 }, last[4] = { 0 };
	const int per_thread = 20000;

	for (int i = 0; i < per_thread; i++) {
		for (uint32_t t = 0; t < 4; t++) {
			struct ppv_event e = { .type = i % 2 ? PPV_EVENT_EXIT : PPV_EVENT_ENTER,
					       .tid = 100 + t, .ts = 1000 + (uint64_t)i * 37 + t,
					       .func = { 0x400000 + t * 0x100 + (uint64_t)(i % 7) } };

			cr_assert_eq(ppv_native_writer_append(w, &e), 0);
		}
		if (i % 5000 == 4999)
			cr_assert_eq(ppv_native_writer_flush(w, 1000 + (uint64_t)i * 37), 0);
	}
	cr_assert_eq(ppv_native_writer_events(w), 4 * per_thread);
	cr_assert_eq(ppv_native_writer_close(w), 0);

	cr_assert_eq(ppv_native_reader_open(path, &r), 0);
	while (ppv_native_reader_next(r, &ev) > 0) {
		uint32_t t;

		if (ev.type == PPV_EVENT_SYNC)
			continue;
		t = ev.tid - 100;
		cr_assert_lt(t, 4);
		cr_assert_eq(ev.ts, 1000 + seen[t] * 37 + t);
		cr_assert_eq(ev.func.addr, 0x400000 + t * 0x100 + seen[t] % 7);
		cr_assert_geq(ev.ts, last[t]);
		last[t] = ev.ts;
		seen[t]++;
	}
	for (int t = 0; t < 4; t++)
		cr_assert_eq(seen[t], per_thread);
	cr_assert_gt(ppv_native_reader_stats(r)->chunks, 10, "small chunks must split the file");
	ppv_native_reader_close(r);
}

Test(native_roundtrip, ends_a_flushed_chunk_with_its_watermark)
{
	struct ppv_native_writer *w = th_writer(path, 0);
	struct ppv_event e = { .type = PPV_EVENT_ENTER, .tid = 1, .ts = 500, .func = { 1 } };
	struct ppv_native_reader *r;
	struct ppv_event ev;

	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	cr_assert_eq(ppv_native_writer_flush(w, 450), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	cr_assert_eq(ppv_native_reader_open(path, &r), 0);
	cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
	cr_assert_eq(ev.type, PPV_EVENT_ENTER);
	cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
	cr_assert_eq(ev.type, PPV_EVENT_SYNC);
	cr_assert_eq(ev.ts, 450);
	ppv_native_reader_close(r);
}

Test(native_roundtrip, interns_strings_and_survives_a_full_table)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .clock_source = PPV_CLOCK_MONOTONIC,
				     .max_strings = 4 };
	struct ppv_native_writer *w;
	struct ppv_native_reader *r;
	struct ppv_event ev;
	char names[50][16];
	int i = 0;

	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	for (int k = 0; k < 50; k++)
		snprintf(names[k], sizeof(names[k]), "scope-%d", k);
	for (int round = 0; round < 3; round++)
		for (int k = 0; k < 50; k++) {
			struct ppv_event e = { .type = PPV_EVENT_SCOPE_ENTER, .tid = 1,
					       .ts = (uint64_t)(round * 50 + k),
					       .scope = { names[k] } };

			cr_assert_eq(ppv_native_writer_append(w, &e), 0);
		}
	cr_assert_eq(ppv_native_writer_close(w), 0);
	cr_assert_eq(ppv_native_reader_open(path, &r), 0);
	while (ppv_native_reader_next(r, &ev) > 0) {
		cr_assert_str_eq(ev.scope.name, names[i % 50]);
		i++;
	}
	cr_assert_eq(i, 150);
	ppv_native_reader_close(r);
}

Test(native_roundtrip, defines_a_repeated_string_once)
{
	struct ppv_native_writer *w = th_writer(path, 0);
	struct ppv_event e = { .type = PPV_EVENT_SCOPE_ENTER, .tid = 1,
			       .scope = { "a-rather-long-scope-name-that-would-show-up" } };
	size_t len;
	uint8_t *buf;
	char copy[64];

	for (int k = 0; k < 1000; k++) {
		snprintf(copy, sizeof(copy), "%s", e.scope.name); /* same content, new pointer */
		e.scope.name = copy;
		e.ts = (uint64_t)k;
		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	}
	cr_assert_eq(ppv_native_writer_close(w), 0);
	buf = th_slurp(path, &len);
	cr_assert_lt(len, 1000, "1000 scopes of one name take %zu bytes", len);
	free(buf);
}

static void collect_module(const struct ppv_module_ref *m, void *arg)
{
	char *log = arg;

	snprintf(log + strlen(log), 256 - strlen(log), "%s:%u;", m->path, m->build_id_len);
}

/* A normally closed file carries its module index and totals; a file cut
 * before END (a killed process) has none, and readers must decode events. */
Test(native_roundtrip, a_closed_file_indexes_its_modules)
{
	static const uint8_t id4[4] = { 1, 2, 3, 4 };
	struct ppv_native_writer *w = th_writer(path, 0);
	struct ppv_event m = { .type = PPV_EVENT_MODULE_LOAD, .ts = 5,
			       .module = { 0x1000, 0x100, 0, "/bin/one", id4, 4 } };
	struct ppv_event e = { .type = PPV_EVENT_ENTER, .tid = 1, .ts = 10, .func = { 0x1010 } };
	struct ppv_file_totals tot;
	char log[256] = "";
	uint8_t *buf;
	size_t len;

	cr_assert_eq(ppv_native_writer_append(w, &m), 0);
	m.module.path = "/lib/two.so";
	m.module.build_id_len = 0;
	cr_assert_eq(ppv_native_writer_append(w, &m), 0);
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	cr_assert_eq(ppv_module_index_read(path, collect_module, log, &tot), 0);
	cr_assert_str_eq(log, "/bin/one:4;/lib/two.so:0;");
	cr_assert_eq(tot.events, 3);
	cr_assert_eq(tot.lost, 0);
	cr_assert_eq(th_count(path, NULL, NULL), 3); /* the reader skips the index */

	buf = th_slurp(path, &len);
	th_spit(path, buf, len - 24 - 24); /* cut END and its header */
	log[0] = '\0';
	cr_assert_eq(ppv_module_index_read(path, collect_module, log, &tot), -ENOENT);
	free(buf);
}
