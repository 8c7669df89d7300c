/* test-memory.c - allocations in the analyzer's pass on synthetic traces
 * with exact numbers: self and inclusive allocations, frees, retained and
 * peak bytes per function in a three-level call tree; recursion; realloc
 * chains; frees of unknown addresses; reused addresses; munmap of a
 * mapping's head; leaks grouped by call path; -F; per-process and overall
 * totals with resident-set samples. */
#include <criterion/criterion.h>
#include <string.h>

#include "synth-trace.h"

#define TID 100u

static const struct ppv_func_stats *fn(const struct synth *s, const char *name)
{
	for (uint32_t i = 0; i < ppv_profile_func_count(s->p); i++)
		if (strcmp(ppv_profile_func(s->p, i)->name, name) == 0)
			return ppv_profile_func(s->p, i);
	cr_assert_fail("no function %s", name);
	return NULL;
}

static const struct ppv_cct_node *child(const struct synth *s, const struct ppv_cct_node *n,
					const char *name)
{
	for (const struct ppv_cct_node *c = n->first_child; c; c = c->next_sibling)
		if (strcmp(ppv_profile_func(s->p, c->func)->name, name) == 0)
			return c;
	cr_assert_fail("no child %s", name);
	return NULL;
}

/*
 * main 0..1000 { alloc 0x1000 100 @10
 *   a 100..400 { alloc 0x2000 200 @110
 *     b 200..300 { alloc 0x3000 400 @210, alloc 0x3100 50 @220, free 0x2000 @230 }
 *     b 310..340 { alloc 0x3200 1000 @320, free 0x3200 @330 }
 *     free 0x3000 @350 }
 *   alloc 0x4000 8 @500, free 0x1000 @600 }
 */
static void three_levels(struct synth *s)
{
	synth_begin(s, "mem --tree");
	synth_thread(s, TID, 0, "app");
	synth_scope(s, TID, 0, "main", 1);
	synth_alloc(s, TID, 10, 0x1000, 100, PPV_ALLOC_MALLOC);
	synth_scope(s, TID, 100, "a", 1);
	synth_alloc(s, TID, 110, 0x2000, 200, PPV_ALLOC_CALLOC);
	synth_scope(s, TID, 200, "b", 1);
	synth_alloc(s, TID, 210, 0x3000, 400, PPV_ALLOC_MALLOC);
	synth_alloc(s, TID, 220, 0x3100, 50, PPV_ALLOC_MALLOC);
	synth_free(s, TID, 230, 0x2000, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, TID, 300, "b", 0);
	synth_scope(s, TID, 310, "b", 1);
	synth_alloc(s, TID, 320, 0x3200, 1000, PPV_ALLOC_MALLOC);
	synth_free(s, TID, 330, 0x3200, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, TID, 340, "b", 0);
	synth_free(s, TID, 350, 0x3000, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, TID, 400, "a", 0);
	synth_alloc(s, TID, 500, 0x4000, 8, PPV_ALLOC_MALLOC);
	synth_free(s, TID, 600, 0x1000, 0, PPV_ALLOC_MALLOC);
	synth_scope(s, TID, 1000, "main", 0);
	synth_end(s);
}

struct mem_expect {
	uint64_t count, bytes, count_incl, bytes_incl, frees, freed, kept, kept_bytes, peak;
};

static void expect_func(const struct synth *s, const char *name, struct mem_expect e)
{
	const struct ppv_func_stats *f = fn(s, name);

	cr_expect_eq(f->alloc_count, e.count, "%s alloc_count %lu", name, f->alloc_count);
	cr_expect_eq(f->alloc_bytes, e.bytes, "%s alloc_bytes %lu", name, f->alloc_bytes);
	cr_expect_eq(f->alloc_count_incl, e.count_incl, "%s count_incl %lu", name,
		     f->alloc_count_incl);
	cr_expect_eq(f->alloc_bytes_incl, e.bytes_incl, "%s bytes_incl %lu", name,
		     f->alloc_bytes_incl);
	cr_expect_eq(f->free_count, e.frees, "%s free_count %lu", name, f->free_count);
	cr_expect_eq(f->freed_bytes, e.freed, "%s freed %lu", name, f->freed_bytes);
	cr_expect_eq(f->retained_count, e.kept, "%s retained_count %lu", name, f->retained_count);
	cr_expect_eq(f->retained_bytes, e.kept_bytes, "%s retained %lu", name, f->retained_bytes);
	cr_expect_eq(f->peak_bytes, e.peak, "%s peak %lu", name, f->peak_bytes);
}

Test(memory, per_function_figures_in_a_three_level_tree)
{
	struct synth s;

	three_levels(&s);
	expect_func(&s, "main", (struct mem_expect){ 2, 108, 6, 1758, 1, 100, 1, 8, 108 });
	expect_func(&s, "a", (struct mem_expect){ 1, 200, 4, 1650, 1, 200, 0, 0, 200 });
	expect_func(&s, "b", (struct mem_expect){ 3, 1450, 3, 1450, 2, 1400, 1, 50, 1450 });
	synth_close(&s);
}

Test(memory, totals_peak_and_call_path_nodes)
{
	struct synth s;
	const struct ppv_memory_stats *m;
	const struct ppv_cct_node *root, *mn, *an, *bn;
	size_t n;

	three_levels(&s);
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->events, 10);
	cr_expect_eq(m->alloc_count, 6);
	cr_expect_eq(m->alloc_bytes, 1758);
	cr_expect_eq(m->free_count, 4);
	cr_expect_eq(m->freed_bytes, 1700);
	cr_expect_eq(m->live_count, 2);
	cr_expect_eq(m->live_bytes, 58);
	cr_expect_eq(m->peak_bytes, 1550); /* at 320: 100 + 400 + 50 + 1000 */
	cr_expect_eq(m->unmatched_frees, 0);
	cr_expect_eq(m->outside_count, 0);
	ppv_profile_memory_by_process(s.p, &n);
	cr_assert_eq(n, 1);
	cr_expect_eq(ppv_profile_memory_by_process(s.p, &n)[0].pid, SYNTH_PID);
	cr_expect_eq(ppv_profile_memory_by_process(s.p, &n)[0].peak_bytes, 1550);
	root = ppv_profile_cct_root(s.p);
	mn = child(&s, root, "main");
	an = child(&s, mn, "a");
	bn = child(&s, an, "b");
	cr_expect_eq(mn->alloc_count, 2);
	cr_expect_eq(mn->alloc_bytes, 108);
	cr_expect_eq(an->alloc_bytes, 200);
	cr_expect_eq(bn->alloc_count, 3);
	cr_expect_eq(bn->alloc_bytes, 1450);
	cr_expect_eq(root->alloc_count, 0);
	synth_close(&s);
}

Test(memory, leaks_grouped_by_call_path_largest_first)
{
	struct synth s;
	const struct ppv_leak *l;
	size_t n;

	three_levels(&s);
	l = ppv_profile_leaks(s.p, &n);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(ppv_profile_func(s.p, l[0].func)->name, "b");
	cr_expect_eq(l[0].bytes, 50);
	cr_expect_eq(l[0].count, 1);
	cr_expect_eq(l[0].node->depth, 3);
	cr_expect_str_eq(ppv_profile_func(s.p, l[0].node->parent->func)->name, "a");
	cr_expect_str_eq(ppv_profile_func(s.p, l[1].func)->name, "main");
	cr_expect_eq(l[1].bytes, 8);
	synth_close(&s);
}

/* The same function leaking on two paths, and twice on one of them. */
Test(memory, leaks_of_one_function_on_two_paths_are_two_rows)
{
	struct synth s;
	const struct ppv_leak *l;
	size_t n;

	synth_begin(&s, "mem --paths");
	synth_scope(&s, TID, 0, "main", 1);
	synth_scope(&s, TID, 10, "x", 1);
	synth_scope(&s, TID, 20, "mk", 1);
	synth_alloc(&s, TID, 30, 0x10, 64, PPV_ALLOC_MALLOC);
	synth_alloc(&s, TID, 31, 0x20, 64, PPV_ALLOC_MALLOC);
	synth_scope(&s, TID, 40, "mk", 0);
	synth_scope(&s, TID, 50, "x", 0);
	synth_scope(&s, TID, 60, "mk", 1);
	synth_alloc(&s, TID, 70, 0x30, 100, PPV_ALLOC_MALLOC);
	synth_scope(&s, TID, 80, "mk", 0);
	synth_scope(&s, TID, 90, "main", 0);
	synth_alloc(&s, TID, 95, 0x40, 7, PPV_ALLOC_MALLOC); /* outside every frame */
	synth_end(&s);
	l = ppv_profile_leaks(s.p, &n);
	cr_assert_eq(n, 3);
	cr_expect_eq(l[0].bytes, 128);
	cr_expect_eq(l[0].count, 2);
	cr_expect_eq(l[0].node->depth, 3); /* main;x;mk */
	cr_expect_eq(l[1].bytes, 100);
	cr_expect_eq(l[1].node->depth, 2); /* main;mk */
	cr_expect_eq(l[1].func, l[0].func);
	cr_expect_eq(l[2].func, PPV_CCT_ROOT);
	cr_expect_eq(l[2].bytes, 7);
	cr_expect_eq(ppv_profile_memory_total(s.p)->outside_count, 1);
	cr_expect_eq(ppv_profile_memory_total(s.p)->outside_bytes, 7);
	cr_expect_eq(ppv_profile_cct_root(s.p)->alloc_bytes, 7);
	cr_expect_eq(fn(&s, "mk")->retained_bytes, 228);
	cr_expect_eq(fn(&s, "main")->alloc_bytes_incl, 228);
	synth_close(&s);
}

Test(memory, recursion_counts_inclusive_allocations_once)
{
	struct synth s;

	synth_begin(&s, "mem --recursion");
	synth_scope(&s, TID, 0, "r", 1);
	synth_alloc(&s, TID, 10, 0x10, 100, PPV_ALLOC_MALLOC);
	synth_scope(&s, TID, 20, "r", 1);
	synth_alloc(&s, TID, 30, 0x20, 50, PPV_ALLOC_MALLOC);
	synth_scope(&s, TID, 40, "r", 0);
	synth_scope(&s, TID, 50, "r", 0);
	synth_end(&s);
	expect_func(&s, "r", (struct mem_expect){ 2, 150, 2, 150, 0, 0, 2, 150, 150 });
	synth_close(&s);
}

/* malloc 16, realloc to 32 (moved), to 64 (in place), to 128 (moved),
 * freed by another function. */
Test(memory, realloc_chain)
{
	struct synth s;
	const struct ppv_memory_stats *m;

	synth_begin(&s, "mem --realloc");
	synth_scope(&s, TID, 0, "grow", 1);
	synth_alloc(&s, TID, 10, 0x10, 16, PPV_ALLOC_MALLOC);
	synth_free(&s, TID, 20, 0x10, 0, PPV_ALLOC_REALLOC);
	synth_alloc(&s, TID, 20, 0x20, 32, PPV_ALLOC_REALLOC);
	synth_free(&s, TID, 30, 0x20, 0, PPV_ALLOC_REALLOC);
	synth_alloc(&s, TID, 30, 0x20, 64, PPV_ALLOC_REALLOC);
	synth_free(&s, TID, 40, 0x20, 0, PPV_ALLOC_REALLOC);
	synth_alloc(&s, TID, 40, 0x30, 128, PPV_ALLOC_REALLOC);
	synth_scope(&s, TID, 50, "grow", 0);
	synth_scope(&s, TID, 55, "drop", 1);
	synth_free(&s, TID, 60, 0x30, 0, PPV_ALLOC_MALLOC);
	synth_scope(&s, TID, 70, "drop", 0);
	synth_end(&s);
	expect_func(&s, "grow", (struct mem_expect){ 4, 240, 4, 240, 4, 240, 0, 0, 128 });
	expect_func(&s, "drop", (struct mem_expect){ 0 });
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->peak_bytes, 128);
	cr_expect_eq(m->live_bytes, 0);
	cr_expect_eq(m->unseen_frees, 0);
	synth_close(&s);
}

Test(memory, unknown_frees_reused_addresses_and_munmap_heads)
{
	struct synth s;
	const struct ppv_memory_stats *m;
	size_t n;

	synth_begin(&s, "mem --odd");
	synth_scope(&s, TID, 0, "f", 1);
	synth_free(&s, TID, 10, 0xdead, 0, PPV_ALLOC_MALLOC);      /* before recording */
	synth_free(&s, TID, 20, 0xbeef000, 4096, PPV_ALLOC_MMAP);  /* never mapped */
	synth_alloc(&s, TID, 30, 0x50, 10, PPV_ALLOC_MALLOC);
	synth_alloc(&s, TID, 40, 0x50, 20, PPV_ALLOC_MALLOC);      /* its free was missed */
	synth_alloc(&s, TID, 50, 0x100000, 8192, PPV_ALLOC_MMAP);
	synth_free(&s, TID, 60, 0x100000, 4096, PPV_ALLOC_MMAP);   /* the head */
	synth_scope(&s, TID, 70, "f", 0);
	synth_end(&s);
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->unmatched_frees, 2);
	cr_expect_eq(m->unseen_frees, 1);
	cr_expect_eq(m->alloc_count, 3);
	cr_expect_eq(m->free_count, 1);      /* the reused address's block */
	cr_expect_eq(m->freed_bytes, 4106);  /* 10 + half the mapping */
	cr_expect_eq(m->live_count, 2);
	cr_expect_eq(m->live_bytes, 4116);   /* 20 + the mapping's tail */
	cr_expect_eq(m->peak_bytes, 8212);
	expect_func(&s, "f", (struct mem_expect){ 3, 8222, 3, 8222, 1, 4106, 2, 4116, 8212 });
	ppv_profile_leaks(s.p, &n);
	cr_expect_eq(n, 1);
	cr_expect_eq(ppv_profile_leaks(s.p, &n)[0].count, 2);
	synth_close(&s);
}

Test(memory, munmap_of_the_tail_left_frees_the_whole_mapping)
{
	struct synth s;
	const struct ppv_memory_stats *m;

	synth_begin(&s, "mem --munmap");
	synth_scope(&s, TID, 0, "f", 1);
	synth_alloc(&s, TID, 10, 0x100000, 8192, PPV_ALLOC_MMAP);
	synth_free(&s, TID, 20, 0x100000, 4096, PPV_ALLOC_MMAP);
	synth_free(&s, TID, 30, 0x101000, 4096, PPV_ALLOC_MMAP);
	synth_scope(&s, TID, 40, "f", 0);
	synth_end(&s);
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->free_count, 1);
	cr_expect_eq(m->freed_bytes, 8192);
	cr_expect_eq(m->live_count, 0);
	cr_expect_eq(m->live_bytes, 0);
	cr_expect_eq(m->unmatched_frees, 0);
	synth_close(&s);
}

/* -F a: main's own blocks are hidden, yet their frees still match. */
Test(memory, focus_hides_blocks_outside_it_but_matches_their_frees)
{
	struct synth s;
	struct ppv_analyze_opts o = { .sz = sizeof(o), .function = "a" };
	const struct ppv_memory_stats *m;
	size_t n;

	three_levels(&s);
	ppv_profile_free(s.p);
	ppv_trace_close(s.t); /* a trace is read once: open it again */
	cr_assert_eq(ppv_trace_open(s.dir, &s.t), 0);
	cr_assert_eq(ppv_profile_build(s.t, &o, &s.p), 0);
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->alloc_count, 4);
	cr_expect_eq(m->alloc_bytes, 1650);
	cr_expect_eq(m->unmatched_frees, 0);
	cr_expect_eq(m->live_bytes, 50);
	ppv_profile_leaks(s.p, &n);
	cr_expect_eq(n, 1);
	expect_func(&s, "a", (struct mem_expect){ 1, 200, 4, 1650, 1, 200, 0, 0, 200 });
	synth_close(&s);
}

/* Two processes, one address each: no cross-process match; the overall
 * peak is simultaneous; resident-set samples per process. */
Test(memory, per_process_totals_and_rss)
{
	struct synth s;
	const struct ppv_memory_stats *m, *v;
	size_t n;

	synth_begin(&s, "mem --parent");
	synth_scope(&s, TID, 0, "p", 1);
	synth_alloc(&s, TID, 10, 0x1, 100, PPV_ALLOC_MALLOC);
	synth_memstat(&s, 30, 1000, 1500);
	synth_free(&s, TID, 50, 0x1, 0, PPV_ALLOC_MALLOC);
	synth_memstat(&s, 60, 2000, 2000);
	synth_scope(&s, TID, 200, "p", 0);
	synth_process(&s, 200, "mem --child");
	synth_scope(&s, 200, 5, "c", 1);
	synth_alloc(&s, 200, 20, 0x1, 300, PPV_ALLOC_MALLOC);
	synth_memstat(&s, 40, 5000, 4000);
	synth_free(&s, 200, 100, 0x1, 0, PPV_ALLOC_MALLOC);
	synth_scope(&s, 200, 150, "c", 0);
	synth_end(&s);
	v = ppv_profile_memory_by_process(s.p, &n);
	cr_assert_eq(n, 2);
	cr_expect_eq(v[0].pid, 100);
	cr_expect_eq(v[0].peak_bytes, 100);
	cr_expect_eq(v[0].rss_samples, 2);
	cr_expect_eq(v[0].rss_bytes, 2000);
	cr_expect_eq(v[0].peak_rss, 2000);
	cr_expect_eq(v[1].pid, 200);
	cr_expect_eq(v[1].peak_bytes, 300);
	cr_expect_eq(v[1].freed_bytes, 300);
	cr_expect_eq(v[1].peak_rss, 5000);
	m = ppv_profile_memory_total(s.p);
	cr_expect_eq(m->peak_bytes, 400);
	cr_expect_eq(m->unmatched_frees, 0);
	cr_expect_eq(m->live_bytes, 0);
	cr_expect_eq(m->rss_samples, 3);
	cr_expect_eq(m->rss_bytes, 7000);
	cr_expect_eq(m->peak_rss, 5000);
	synth_close(&s);
}

Test(memory, sorted_by_memory_is_inclusive_bytes)
{
	struct synth s;
	const struct ppv_func_stats *v[8];

	three_levels(&s);
	cr_assert_eq(ppv_profile_sorted(s.p, PPV_SORT_MEMORY, v), 3);
	cr_expect_str_eq(v[0]->name, "main");
	cr_expect_str_eq(v[1]->name, "a");
	cr_expect_str_eq(v[2]->name, "b");
	synth_close(&s);
}

Test(memory, a_trace_without_allocations_has_none)
{
	struct synth s;
	const struct synth_run r = { "plain", "helper", "/tmp/out", 7 };
	size_t n;

	synth_standard(&s, &r);
	synth_profile(&s);
	cr_expect_eq(ppv_profile_memory_total(s.p)->events, 0);
	ppv_profile_memory_by_process(s.p, &n);
	cr_expect_eq(n, 0);
	ppv_profile_leaks(s.p, &n);
	cr_expect_eq(n, 0);
	synth_close(&s);
}
