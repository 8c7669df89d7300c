/* test-profile.c - the analyzer's streaming pass on synthetic traces with
 * known times: self and inclusive time, recursion, unmatched exits, calls
 * left open, longjmp repair, -F/-N, pid/thread/time selection, I/O and
 * errors, the calling-context tree, call edges and percentiles. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv-analyze.h>

#include "native-writer.h"
#include "profile-internal.h"
#include "symbols-file.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/ppv-prof-test.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(profile, .init = setup, .fini = teardown);

/* One scripted event: '>' scope enter, '<' scope exit, 'i' I/O (bytes in
 * @arg, duration 100 ns, error if @err), 'e' error, 'x' thread exit,
 * 'T' thread start (named @name). */
struct step {
	char op;
	uint32_t tid;
	uint64_t ts;
	const char *name;
	uint64_t arg;
	int err;
};

static void write_trace_named(uint32_t pid, const char *file, const struct step *s, size_t n);

static void write_trace(uint32_t pid, const struct step *s, size_t n)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", pid);
	write_trace_named(pid, name, s, n);
}

/* Process @pid's file @file.ppv (an exec'd image writes PID-N.ppv). */
static void write_trace_named(uint32_t pid, const char *file, const struct step *s, size_t n)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = pid, .ppid = 1, .start_ns = 1000,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	struct ppv_native_writer *w;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s.ppv", dir, file);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	for (size_t i = 0; i < n; i++) {
		struct ppv_event e = { .tid = s[i].tid, .ts = s[i].ts };

		switch (s[i].op) {
		case '>':
		case '<':
			e.type = s[i].op == '>' ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT;
			e.scope.name = s[i].name;
			break;
		case 'i':
			e.type = PPV_EVENT_IO;
			e.io.start = s[i].ts - 100;
			e.io.bytes = s[i].arg;
			e.io.name = s[i].name;
			e.io.err = s[i].err;
			e.io.fd = -1;
			e.io.kind = PPV_IO_DATABASE;
			break;
		case 'e':
			e.type = PPV_EVENT_ERROR;
			break;
		case 'x':
			e.type = PPV_EVENT_THREAD_EXIT;
			break;
		case 'T':
			e.type = PPV_EVENT_THREAD_START;
			e.thread.name = s[i].name;
			break;
		}
		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	}
	cr_assert_eq(ppv_native_writer_flush(w, s[n - 1].ts + 1), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
}

struct built {
	struct ppv_trace *t;
	struct ppv_profile *p;
};

static struct built build(const struct ppv_analyze_opts *o)
{
	struct built b;

	cr_assert_eq(ppv_trace_open(dir, &b.t), 0, "%s", ppv_trace_open_error());
	cr_assert_eq(ppv_profile_build(b.t, o, &b.p), 0);
	return b;
}

static void done(struct built b)
{
	ppv_profile_free(b.p);
	ppv_trace_close(b.t);
}

static const struct ppv_func_stats *func(const struct built *b, const char *name)
{
	for (uint32_t i = 0; i < ppv_profile_func_count(b->p); i++)
		if (strcmp(ppv_profile_func(b->p, i)->name, name) == 0)
			return ppv_profile_func(b->p, i);
	return NULL;
}

#define S(op, ts, name) { op, 7, ts, name, 0, 0 }

/* main [0,1000): a [100,400) with b [150,250); b [500,600) */
static const struct step nested[] = {
	S('>', 1000, "main"), S('>', 1100, "a"), S('>', 1150, "b"), S('<', 1250, "b"),
	S('<', 1400, "a"),    S('>', 1500, "b"), S('<', 1600, "b"), S('<', 2000, "main"),
};

Test(profile, self_and_total_time_of_nested_calls)
{
	struct built b;
	const struct ppv_func_stats *m, *a, *f;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(NULL);
	m = func(&b, "main");
	a = func(&b, "a");
	f = func(&b, "b");
	cr_assert(m && a && f);
	cr_assert_eq(m->calls, 1);
	cr_assert_eq(m->total_ns, 1000);
	cr_assert_eq(m->self_ns, 1000 - 300 - 100);
	cr_assert_eq(a->total_ns, 300);
	cr_assert_eq(a->self_ns, 200);
	cr_assert_eq(f->calls, 2);
	cr_assert_eq(f->total_ns, 200);
	cr_assert_eq(f->min_ns, 100);
	cr_assert_eq(f->max_ns, 100);
	cr_assert_eq(f->kind, PPV_FRAME_SCOPE);
	cr_assert_eq(ppv_profile_summary(b.p)->total_calls, 4);
	cr_assert_eq(ppv_profile_summary(b.p)->total_ns, 1000);
	done(b);
}

Test(profile, call_tree_merges_paths_and_sorts_children)
{
	struct built b;
	const struct ppv_cct_node *root, *m, *c1, *c2;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(NULL);
	root = ppv_profile_cct_root(b.p);
	m = root->first_child;
	cr_assert_not_null(m);
	cr_assert_null(m->next_sibling);
	cr_assert_str_eq(ppv_profile_func(b.p, m->func)->name, "main");
	c1 = m->first_child;
	c2 = c1->next_sibling;
	cr_assert_str_eq(ppv_profile_func(b.p, c1->func)->name, "a"); /* 300 ns first */
	cr_assert_str_eq(ppv_profile_func(b.p, c2->func)->name, "b");
	cr_assert_eq(c2->calls, 1);
	cr_assert_eq(c1->first_child->calls, 1);
	cr_assert_eq(c1->first_child->depth, 3);
	done(b);
}

Test(profile, edges_sum_calls_over_paths)
{
	struct built b;
	const struct ppv_call_edge *e;
	size_t n, found = 0;
	uint32_t main_id, b_id;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(NULL);
	main_id = func(&b, "main")->id;
	b_id = func(&b, "b")->id;
	e = ppv_profile_edges(b.p, &n);
	cr_assert_eq(n, 4); /* root→main, main→a, main→b, a→b */
	for (size_t i = 0; i < n; i++) {
		if (e[i].caller == main_id && e[i].callee == b_id) {
			cr_assert_eq(e[i].calls, 1);
			cr_assert_eq(e[i].total_ns, 100);
			found++;
		}
		if (e[i].caller == PPV_CCT_ROOT)
			cr_assert_eq(e[i].callee, main_id);
	}
	cr_assert_eq(found, 1);
	done(b);
}

Test(profile, recursion_counts_inclusive_time_once)
{
	static const struct step rec[] = {
		S('>', 1000, "r"), S('>', 1100, "r"), S('>', 1200, "r"),
		S('<', 1300, "r"), S('<', 1400, "r"), S('<', 1500, "r"),
	};
	struct built b;
	const struct ppv_func_stats *r;

	write_trace(10, rec, 6);
	b = build(NULL);
	r = func(&b, "r");
	cr_assert_eq(r->calls, 3);
	cr_assert_eq(r->total_ns, 500);
	cr_assert_eq(r->sum_ns, 500 + 300 + 100);
	cr_assert_eq(r->self_ns, 500);
	cr_assert_eq(r->max_ns, 500);
	cr_assert_eq(r->min_ns, 100);
	done(b);
}

Test(profile, unmatched_unfinished_and_repaired_frames_are_counted)
{
	static const struct step odd[] = {
		S('<', 1000, "started_before"), /* exit with no enter */
		S('>', 1100, "main"), S('>', 1200, "setjmp_caller"), S('>', 1300, "deep"),
		S('>', 1400, "deeper"), S('<', 1500, "setjmp_caller"), /* longjmp */
		S('>', 1600, "crashes"), S('e', 1700, NULL),
	};
	struct built b;
	const struct ppv_profile_summary *s;

	write_trace(10, odd, sizeof(odd) / sizeof(odd[0]));
	b = build(NULL);
	s = ppv_profile_summary(b.p);
	cr_assert_eq(s->unmatched_exits, 1);
	cr_assert_eq(s->repaired_frames, 2);
	cr_assert_eq(s->unfinished_calls, 2); /* main and crashes, closed at the end */
	cr_assert_eq(func(&b, "deep")->calls, 1);
	cr_assert_eq(func(&b, "deep")->total_ns, 200);
	cr_assert_eq(func(&b, "crashes")->unfinished, 1);
	cr_assert_eq(func(&b, "crashes")->errors, 1);
	cr_assert_eq(func(&b, "main")->total_ns, 600);
	done(b);
}

Test(profile, exclude_gives_the_time_to_the_caller)
{
	struct ppv_analyze_opts o = { .sz = sizeof(o), .exclude = "a" };
	struct built b;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(&o);
	cr_assert_eq(func(&b, "a")->calls, 0);
	/* a's own 200 ns become main's; b inside a stays b's, under main */
	cr_assert_eq(func(&b, "main")->self_ns, 800);
	cr_assert_eq(func(&b, "b")->calls, 2);
	cr_assert_eq(ppv_profile_cct_root(b.p)->first_child->first_child->calls, 2);
	done(b);
}

Test(profile, function_filter_keeps_calls_inside_matches)
{
	struct ppv_analyze_opts o = { .sz = sizeof(o), .function = "a" };
	struct built b;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(&o);
	cr_assert_eq(func(&b, "main")->calls, 0);
	cr_assert_eq(func(&b, "a")->calls, 1);
	cr_assert_eq(func(&b, "b")->calls, 1); /* the one inside a */
	cr_assert_eq(ppv_profile_summary(b.p)->total_ns, 300);
	done(b);
}

Test(profile, time_range_and_thread_selection)
{
	static const struct step two[] = {
		{ '>', 7, 1000, "t7", 0, 0 }, { '>', 8, 1050, "t8", 0, 0 },
		{ '<', 7, 1200, "t7", 0, 0 }, { '<', 8, 1900, "t8", 0, 0 },
		{ '>', 7, 3000, "late", 0, 0 }, { '<', 7, 3100, "late", 0, 0 },
	};
	struct ppv_analyze_opts thr = { .sz = sizeof(thr), .tid = 8 };
	struct ppv_analyze_opts win = { .sz = sizeof(win), .time_start = 0, .time_end = 700 };
	struct built b;

	write_trace(10, two, 6);
	b = build(&thr);
	cr_assert_eq(ppv_profile_summary(b.p)->total_calls, 1);
	cr_assert_eq(ppv_profile_thread_count(b.p), 1);
	cr_assert_eq(ppv_profile_thread(b.p, 0)->tid, 8);
	done(b);
	b = build(&win); /* origin 1000: window [1000, 1700] */
	cr_assert_eq(func(&b, "t7")->calls, 1);
	cr_assert_eq(func(&b, "t8")->total_ns, 650); /* closed at the window's end */
	cr_assert_eq(func(&b, "t8")->unfinished, 1);
	cr_assert_eq(func(&b, "late"), NULL);
	done(b);
}

Test(profile, io_is_attributed_by_kind_name_and_function)
{
	static const struct step io[] = {
		S('>', 1000, "query"),
		{ 'i', 7, 1200, "users", 4096, 0 },
		{ 'i', 7, 1400, "users", 1024, 5 },
		S('<', 1500, "query"),
		{ 'i', 7, 1700, "orders", 10, 0 },
	};
	struct built b;
	const struct ppv_io_stats *r;
	size_t n;

	write_trace(10, io, 5);
	b = build(NULL);
	r = ppv_profile_io_by_kind(b.p, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].kind, PPV_IO_DATABASE);
	cr_assert_eq(r[0].ops, 3);
	cr_assert_eq(r[0].bytes, 5130);
	cr_assert_eq(r[0].total_ns, 300);
	cr_assert_eq(r[0].errors, 1);
	r = ppv_profile_io_by_name(b.p, &n);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(r[0].name, "users");
	cr_assert_eq(r[0].ops, 2);
	r = ppv_profile_io_by_func(b.p, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].func, func(&b, "query")->id);
	cr_assert_eq(r[0].bytes, 5120);
	cr_assert_eq(func(&b, "query")->errors, 1);
	cr_assert_eq(ppv_profile_summary(b.p)->errors, 1);
	done(b);
}

Test(profile, processes_sharing_a_name_add_up)
{
	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	write_trace(11, nested, sizeof(nested) / sizeof(nested[0]));
	struct built b = build(NULL);

	cr_assert_eq(func(&b, "b")->calls, 4);
	cr_assert_eq(ppv_profile_summary(b.p)->nprocesses, 2);
	cr_assert_eq(ppv_profile_thread_count(b.p), 2);
	done(b);
}

Test(profile, sorting_and_bad_keys)
{
	struct built b;
	const struct ppv_func_stats *v[8];
	enum ppv_sort_key k;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(NULL);
	cr_assert_eq(ppv_sort_key_parse("calls", &k), 0);
	cr_assert_eq(ppv_profile_sorted(b.p, k, v), 3);
	cr_assert_str_eq(v[0]->name, "b");
	cr_assert_eq(ppv_profile_sorted(b.p, PPV_SORT_SELF, v), 3);
	cr_assert_str_eq(v[0]->name, "main");
	/* no allocations: every function ties at 0, then by name */
	cr_assert_eq(ppv_profile_sorted(b.p, PPV_SORT_MEMORY, v), 3);
	cr_assert_str_eq(v[0]->name, "a");
	cr_assert_eq(ppv_profile_sorted(b.p, (enum ppv_sort_key)99, v), -EINVAL);
	cr_assert_eq(ppv_sort_key_parse("bogus", &k), -EINVAL);
	done(b);
}

Test(histogram, percentiles_within_one_percent)
{
	struct ppv_hist h = { 0 };

	for (uint64_t v = 1; v <= 100000; v++)
		cr_assert_eq(ppv_hist_add(&h, v * 37), 0);
	for (int i = 1; i <= 99; i++) {
		double q = i / 100.0, want = q * 100000 * 37;
		double got = (double)ppv_hist_percentile(&h, q);

		cr_assert(got > want * 0.99 && got < want * 1.01, "p%d: %f vs %f", i, got, want);
	}
	cr_assert_eq(ppv_hist_percentile(&h, 1.0), 3700000);
	cr_assert_eq(ppv_hist_count(&h), 100000);
	ppv_hist_release(&h);
}

Test(histogram, small_values_are_exact)
{
	struct ppv_hist h = { 0 };

	for (uint64_t v = 0; v < 200; v++)
		cr_assert_eq(ppv_hist_add(&h, v), 0);
	cr_assert_eq(ppv_hist_percentile(&h, 0.5), 99);
	cr_assert_eq(ppv_hist_percentile(&h, 0.005), 0);
	cr_assert_eq(ppv_hist_percentile(NULL, 0.5), 0);
	ppv_hist_release(&h);
}

struct seen {
	char log[512];
	size_t len;
	int events;
};

static int log_frame(const struct ppv_frame_record *r, void *arg)
{
	struct seen *s = arg;

	s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%c%s@%u:%llu%s ",
				   r->exit ? '<' : '>', r->name, r->depth,
				   (unsigned long long)(r->exit ? r->ts - r->start_ns : r->ts),
				   r->unfinished ? "!" : "");
	return 0;
}

static int count_event(const struct ppv_event *ev, void *arg)
{
	((struct seen *)arg)->events++;
	return 0;
}

Test(profile, callbacks_see_every_shown_frame_in_order)
{
	static const struct step open_end[] = {
		S('>', 1000, "main"), S('>', 1100, "a"), S('<', 1200, "a"),
		S('>', 1300, "hidden"), S('>', 1350, "b"), S('<', 1400, "b"), S('<', 1450, "hidden"),
		S('>', 1500, "never_returns"), S('e', 1600, NULL),
	};
	struct seen s = { .len = 0 };
	struct ppv_analyze_opts o = { .sz = sizeof(o), .exclude = "hidden", .on_frame = log_frame,
				      .on_event = count_event, .cb_arg = &s };
	struct built b;

	write_trace(10, open_end, sizeof(open_end) / sizeof(open_end[0]));
	b = build(&o);
	cr_assert_str_eq(s.log, ">main@0:1000 >a@1:1100 <a@1:100 >b@1:1350 <b@1:50 "
				">never_returns@1:1500 <never_returns@1:100! <main@0:600! ");
	cr_assert_eq(s.events, 9);
	done(b);
}

/* C++ symbols are demangled; an address outside every symbol keeps its
 * module and offset; functions of one module merge by name. */
Test(profile, names_are_demangled_and_unknown_addresses_keep_their_module)
{
	static const uint8_t id[4] = { 9, 9, 9, 9 };
	struct ppv_sym syms[] = { { 0x1000, 0x100, "_ZN3ppv4demo5parseERKSs" } };
	struct ppv_symtab tab = { "/opt/app/cxx", id, 4, 1, syms };
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = 20, .ppid = 1, .start_ns = 1000,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	struct ppv_event e = { .type = PPV_EVENT_MODULE_LOAD, .ts = 1000,
			       .module = { 0x400000, 0x10000, 0x400000, "/opt/app/cxx", id, 4 } };
	struct ppv_native_writer *w;
	char path[128];
	struct built b;
	const struct ppv_func_stats *f;

	snprintf(path, sizeof(path), "%s/20.ppv", dir);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e = (struct ppv_event){ .type = PPV_EVENT_ENTER, .tid = 20, .ts = 1100, .func = { 0x401010 } };
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e.func.addr = 0x402000; /* no symbol there */
	e.ts = 1200;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e.type = PPV_EVENT_EXIT;
	e.ts = 1300;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	e.func.addr = 0x401010;
	e.ts = 1400;
	cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	cr_assert_eq(ppv_native_writer_close(w), 0);
	snprintf(path, sizeof(path), "%s/symbols.ppvsym", dir);
	cr_assert_eq(ppv_symbols_file_write(path, &tab, 1), 0);

	b = build(NULL);
	f = func(&b, "ppv::demo::parse(std::string const&)");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->module, "/opt/app/cxx");
	cr_assert_eq(f->total_ns, 300);
	f = func(&b, "cxx+0x2000");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->module, "/opt/app/cxx");
	cr_assert_eq(f->calls, 1);
	done(b);
}

Test(profile, picks_the_duration_that_keeps_a_number_of_calls)
{
	/* main 1000 ns { a 300 { b 100 }, b 100 }: 4 calls of 1000, 300, 100, 100 ns */
	struct built b;

	write_trace(10, nested, sizeof(nested) / sizeof(nested[0]));
	b = build(NULL);
	cr_assert_eq(ppv_profile_min_duration_for(b.p, 4), 0);
	cr_assert_eq(ppv_profile_min_duration_for(b.p, 3), 300); /* b's two calls go */
	cr_assert_eq(ppv_profile_min_duration_for(b.p, 2), 300);
	cr_assert_eq(ppv_profile_min_duration_for(b.p, 1), 1000);
	cr_assert_gt(ppv_profile_min_duration_for(b.p, 0), 1000);
	done(b);
}

/* LTTng's cyg-profile-fast records exits without an address. */
Test(profile, an_exit_without_address_leaves_the_innermost_function)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = 30, .ppid = 1, .start_ns = 1000,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	static const uint64_t at[][2] = { { 0x1000, 1100 }, { 0x2000, 1200 }, { 0, 1300 },
					  { 0, 1400 }, { 0, 1500 } };
	struct ppv_native_writer *w;
	char path[128];
	struct built b;

	snprintf(path, sizeof(path), "%s/30.ppv", dir);
	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	for (int i = 0; i < 5; i++) {
		struct ppv_event e = { .type = at[i][0] ? PPV_EVENT_ENTER : PPV_EVENT_EXIT,
				       .tid = 30, .ts = at[i][1], .func = { at[i][0] } };

		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	}
	cr_assert_eq(ppv_native_writer_close(w), 0);
	b = build(NULL);
	cr_assert_eq(func(&b, "0x2000")->total_ns, 100);
	cr_assert_eq(func(&b, "0x1000")->total_ns, 300);
	cr_assert_eq(ppv_profile_summary(b.p)->unmatched_exits, 1);
	done(b);
}

/* exec() replaces the image: the new one writes a file of its own for the
 * same pid and announces its threads again. Frames the old image left open
 * end there; the new image's calls do not nest under them. */
Test(profile, an_exec_closes_the_old_images_frames)
{
	static const struct step before[] = {
		{ 'T', 7, 1000, "old", 0, 0 }, S('>', 1000, "main"), S('>', 1100, "run_exec"),
	};
	static const struct step after[] = {
		{ 'T', 7, 2000, "new", 0, 0 }, S('>', 2000, "main"), S('<', 2500, "main"),
	};
	struct built b;
	const struct ppv_cct_node *root;

	write_trace_named(10, "10", before, 3);
	write_trace_named(10, "10-1", after, 3);
	b = build(NULL);
	cr_assert_eq(func(&b, "run_exec")->unfinished, 1);
	cr_assert_eq(func(&b, "run_exec")->total_ns, 900);
	cr_assert_eq(func(&b, "main")->calls, 2);
	root = ppv_profile_cct_root(b.p);
	cr_assert_eq(root->first_child->calls, 2); /* both mains at the root */
	cr_assert_null(root->first_child->next_sibling);
	cr_assert_eq(ppv_profile_summary(b.p)->unfinished_calls, 2);
	done(b);
}
