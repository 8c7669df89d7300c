/* test-filter-syms.c - the -F/-N name filters: glob patterns and their
 * precedence, the ELF64 symbol reader (recorder/filter-elf.c) on this test
 * binary, on a stripped library and on damaged files, the table of
 * matching functions, the dlopen() rescan, and a whole session started
 * with filters through ppv_start(). */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "filter.h"
#include "native-reader.h"
#include "recorder.h"
#include "trace-read.h"

void __cyg_profile_func_enter(void *fn, void *site);
void __cyg_profile_func_exit(void *fn, void *site);

/* Functions whose names the tests look for. */
__attribute__((noinline)) void tf_alpha(void);
__attribute__((noinline)) void tf_beta(void);
__attribute__((noinline)) void tf_gamma(void);
static volatile int sink;
__attribute__((noinline)) void tf_alpha(void) { sink += 1; }
__attribute__((noinline)) void tf_beta(void) { sink += 2; }
__attribute__((noinline)) void tf_gamma(void) { sink += 3; }

#define ADDR(f) ((uint64_t)(uintptr_t)(f))
#define FP(f) ((void *)(uintptr_t)(f))

/* ---- patterns -------------------------------------------------------------- */

Test(filter_patterns, lines_are_split_and_bad_ones_ignored)
{
	static struct ppv_fpat p;

	ppv_fpat_init(&p, "F:slow\nN:fa*\nX:bad\nF:\nN:leaf");
	cr_assert_eq(p.n, 3);
	cr_assert_str_eq(p.pat[0], "slow");
	cr_assert_eq(p.type[1], 'N');
	cr_assert_str_eq(p.pat[2], "leaf");
	cr_assert(p.has_f && p.has_n);
	ppv_fpat_init(&p, "");
	cr_assert_eq(p.n, 0);
	cr_assert(!p.has_f && !p.has_n);
}

Test(filter_patterns, globs_match_and_both_kinds_are_reported)
{
	static struct ppv_fpat p;

	ppv_fpat_init(&p, "F:w*\nF:slow\nN:*fast*\nN:wait\n");
	cr_assert_eq(ppv_fpat_match(&p, "work"), PPV_FM_F);
	cr_assert_eq(ppv_fpat_match(&p, "slow"), PPV_FM_F);
	cr_assert_eq(ppv_fpat_match(&p, "slowly"), 0, "a glob matches the whole name");
	cr_assert_eq(ppv_fpat_match(&p, "breakfast"), PPV_FM_N);
	cr_assert_eq(ppv_fpat_match(&p, "wait"), PPV_FM_F | PPV_FM_N,
		     "both: the stack lets -N win (filter_session, ppv_start_applies...)");
	cr_assert_eq(ppv_fpat_match(&p, "leaf"), 0);
	ppv_fpat_init(&p, "F:ns::Foo::*\nF:[ab]?c\n");
	cr_assert_eq(ppv_fpat_match(&p, "ns::Foo::bar(int)"), PPV_FM_F);
	cr_assert_eq(ppv_fpat_match(&p, "axc"), PPV_FM_F);
	cr_assert_eq(ppv_fpat_match(&p, "cxc"), 0);
}

Test(filter_patterns, cxx_names_match_mangled_demangled_and_without_parameters)
{
	static struct ppv_fpat p;
	char *buf = NULL;
	size_t len = 0;
	void *cxx = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_GLOBAL);

	cr_assert_not_null(cxx, "libstdc++ is needed for this test: %s", dlerror());
	ppv_fpat_find_demangler();
	ppv_fpat_init(&p, "F:ns::Widget::draw\n");
	cr_assert_eq(ppv_fpat_match_symbol(&p, "_ZN2ns6Widget4drawEi", &buf, &len), PPV_FM_F);
	ppv_fpat_init(&p, "F:ns::Widget::draw(int) const\n");
	cr_assert_eq(ppv_fpat_match_symbol(&p, "_ZNK2ns6Widget4drawEi", &buf, &len), PPV_FM_F);
	ppv_fpat_init(&p, "N:_ZN2ns*\n");
	cr_assert_eq(ppv_fpat_match_symbol(&p, "_ZN2ns6Widget4drawEi", &buf, &len), PPV_FM_N);
	ppv_fpat_init(&p, "F:ns::Other*\n");
	cr_assert_eq(ppv_fpat_match_symbol(&p, "_ZN2ns6Widget4drawEi", &buf, &len), 0);
	free(buf);
}

/* ---- the ELF reader ---------------------------------------------------------- */

struct found {
	const char *want;
	uint64_t value, size;
	int hits, total;
};

static void on_sym(void *arg, const char *name, uint64_t value, uint64_t size)
{
	struct found *f = arg;

	f->total++;
	if (strcmp(name, f->want) == 0) {
		f->value = value;
		f->size = size;
		f->hits++;
	}
}

static int first_module(struct dl_phdr_info *info, size_t size, void *data)
{
	*(uint64_t *)data = info->dlpi_addr;
	return 1;
}

Test(filter_elf, reads_this_binarys_symbol_table)
{
	struct found f = { .want = "tf_beta" };
	uint64_t bias = 0;
	int n = ppv_elf_func_symbols("/proc/self/exe", on_sym, &f);

	dl_iterate_phdr(first_module, &bias);
	cr_assert_gt(n, 10);
	cr_assert_eq(n, f.total);
	cr_assert_eq(f.hits, 1);
	cr_assert_eq(f.value + bias, ADDR(tf_beta), "value + load bias is the runtime address");
	cr_assert_gt(f.size, 0);
}

Test(filter_elf, falls_back_to_dynamic_symbols_of_a_stripped_library)
{
	struct found f = { .want = "getpid" };
	Dl_info info;
	void *addr = dlsym(RTLD_DEFAULT, "getpid");
	int n;

	cr_assert(addr && dladdr(addr, &info));
	n = ppv_elf_func_symbols(info.dli_fname, on_sym, &f);
	cr_assert_gt(n, 100, "%s: %d function symbols", info.dli_fname, n);
	cr_assert_geq(f.hits, 1);
	cr_assert_eq(f.value + (uint64_t)(uintptr_t)info.dli_fbase, ADDR(addr));
}

static char *copy_exe(size_t keep)
{
	char *path = strdup("/tmp/ppv-filter-elf-XXXXXX");
	int out = mkstemp(path), in = open("/proc/self/exe", O_RDONLY);
	char buf[65536];
	size_t done = 0;
	ssize_t r;

	cr_assert(out >= 0 && in >= 0);
	while (done < keep && (r = read(in, buf, sizeof(buf))) > 0) {
		size_t w = (size_t)r < keep - done ? (size_t)r : keep - done;

		cr_assert_eq(write(out, buf, w), (ssize_t)w);
		done += w;
	}
	close(in);
	close(out);
	return path;
}

Test(filter_elf, refuses_damaged_and_foreign_files)
{
	struct found f = { .want = "x" };
	char *cut = copy_exe(4096), *whole = copy_exe(SIZE_MAX), *empty = copy_exe(0);
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	int fd;

	cr_assert_eq(ppv_elf_func_symbols("/nonexistent/ppv", on_sym, &f), -ENOENT);
	cr_assert_eq(ppv_elf_func_symbols(cut, on_sym, &f), -ENOEXEC, "section headers past the end");
	cr_assert_eq(ppv_elf_func_symbols(empty, on_sym, &f), -ENOEXEC);
	cr_assert_eq(ppv_elf_func_symbols("/etc/passwd", on_sym, &f), -ENOEXEC);
	/* Point the symbol table's string table link past the last section. */
	fd = open(whole, O_RDWR);
	cr_assert_eq(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
	for (int i = 0; i < eh.e_shnum; i++) {
		off_t off = (off_t)(eh.e_shoff + (uint64_t)i * sizeof(sh));

		cr_assert_eq(pread(fd, &sh, sizeof(sh), off), (ssize_t)sizeof(sh));
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		sh.sh_link = 60000;
		cr_assert_eq(pwrite(fd, &sh, sizeof(sh), off), (ssize_t)sizeof(sh));
	}
	close(fd);
	cr_assert_eq(f.total, 0);
	cr_assert_eq(ppv_elf_func_symbols(whole, on_sym, &f), -ENOEXEC);
	cr_assert_eq(f.total, 0, "nothing is reported from a damaged file");
	unlink(cut);
	unlink(whole);
	unlink(empty);
	free(cut);
	free(whole);
	free(empty);
}

/* ---- the table ----------------------------------------------------------------- */

Test(filter_table, finds_matching_functions_by_address)
{
	cr_assert_eq(ppv_ftab_build("F:tf_alpha\nN:tf_b*\nF:tf_beta\n"), 2);
	cr_assert_eq(ppv_ftab_functions(), 2);
	cr_assert_eq(ppv_ftab_lookup(ADDR(tf_alpha)), PPV_FM_F);
	cr_assert_eq(ppv_ftab_lookup(ADDR(tf_alpha) + 1), PPV_FM_F, "inside the function");
	cr_assert_eq(ppv_ftab_lookup(ADDR(tf_beta)), PPV_FM_F | PPV_FM_N);
	cr_assert_eq(ppv_ftab_lookup(ADDR(tf_gamma)), 0);
	cr_assert_eq(ppv_ftab_lookup(0), 0);
	ppv_ftab_clear();
	cr_assert_eq(ppv_ftab_lookup(ADDR(tf_alpha)), 0);
}

#if defined(__x86_64__) /* the dlopen wrapper exists there only */
Test(filter_table, a_module_opened_later_is_added_by_the_dlopen_wrapper)
{
	char path[4096];
	void *h;
	void (*fn)(void);

	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);

	cr_assert_gt(n, 0);
	path[n] = '\0';
	strcpy(strrchr(path, '/'), "/libfilter-plugin.so"); /* built next to this test */
	cr_assert_eq(ppv_ftab_build("F:fp_*\n"), 0, "not loaded yet");
	ppv_fcfg.names = 1;
	ppv_filter_on = 1;
	h = dlopen(path, RTLD_NOW);
	ppv_filter_on = 0;
	ppv_fcfg.names = 0;
	cr_assert_not_null(h, "%s", dlerror());
	cr_assert_null(dlerror(), "the rescan leaves no dlerror() behind");
	*(void **)&fn = dlsym(h, "fp_work");
	cr_assert_not_null(fn);
	cr_assert_eq(ppv_ftab_functions(), 2, "fp_work and fp_leaf");
	cr_assert_eq(ppv_ftab_lookup(ADDR(fn)), PPV_FM_F);
	cr_assert_null(dlopen("/nonexistent/libppv-none.so", RTLD_NOW));
	cr_assert_not_null(dlerror(), "a failed dlopen still reports its error");
	ppv_ftab_clear();
}

Test(filter_table, the_dlopen_wrapper_keeps_the_callers_dlopen_when_the_caller_matters)
{
	ppv_dlopen_fn real;
	void *libc_fn = dlsym(RTLD_DEFAULT, "getpid"); /* libc: no search path of its own */

	*(void **)&real = dlsym(RTLD_NEXT, "dlopen");
	cr_assert_not_null(real);
	cr_assert(ppv_dlopen_target("libm.so.6", 0, libc_fn) == real, "no name filter: always direct");
	ppv_fcfg.names = 1;
	ppv_filter_on = 1;
	cr_assert(ppv_dlopen_target("/usr/lib/x.so", 0, libc_fn) != real, "a path: rescan after");
	cr_assert(ppv_dlopen_target(NULL, 0, libc_fn) != real);
	cr_assert(ppv_dlopen_target("libm.so.6", 0, libc_fn) != real,
		  "a bare name from an object without RPATH/RUNPATH (nor this one)");
	cr_assert(ppv_dlopen_target("$ORIGIN/libx.so", 0, libc_fn) == real,
		  "$ORIGIN expands relative to the caller: jump, keep it");
	cr_assert(ppv_dlopen_target("libm.so.6", 0, (void *)0x10) == real, "unknown caller: jump");
	ppv_filter_on = 0;
	ppv_fcfg.names = 0;
}
#endif

/* ---- a session --------------------------------------------------------------- */

static void call(void (*fn)(void), void (*inner)(void))
{
	__cyg_profile_func_enter(FP(fn), NULL);
	if (inner)
		call(inner, NULL);
	__cyg_profile_func_exit(FP(fn), NULL);
}

static char *info_key(const char *dir, const char *key)
{
	char path[4096];
	struct ppv_native_reader *r;
	const char *v;
	char *out;

	snprintf(path, sizeof(path), "%s/%d.ppv", dir, (int)getpid());
	cr_assert_eq(ppv_native_reader_open(path, &r), 0, "%s", path);
	v = ppv_native_reader_info(r, key);
	out = v ? strdup(v) : NULL;
	ppv_native_reader_close(r);
	return out;
}

Test(filter_session, ppv_start_applies_the_filters_and_records_them_in_info)
{
	char *dir = tr_tmpdir(), *v;
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir,
				    .filter = "F:tf_alpha\nF:tf_b*\nN:tf_beta\n", .depth = 2 };
	struct tr_counts c;

	cr_assert_eq(ppv_start(&o), 0);
	for (int i = 0; i < 10; i++) {
		call(tf_gamma, tf_alpha);  /* gamma: outside -F; alpha: recorded */
		call(tf_alpha, tf_gamma);  /* alpha, and gamma under it */
		call(tf_alpha, tf_beta);   /* beta: -F and -N, -N wins */
		call(tf_beta, NULL);
	}
	__cyg_profile_func_enter(FP(tf_alpha), NULL);
	call(tf_gamma, tf_gamma); /* level 3 under alpha: -D 2 */
	__cyg_profile_func_exit(FP(tf_alpha), NULL);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(tr_enters(&c, ADDR(tf_alpha)), 31);
	cr_assert_eq(tr_exits(&c, ADDR(tf_alpha)), 31);
	cr_assert_eq(tr_enters(&c, ADDR(tf_gamma)), 11);
	cr_assert_eq(tr_exits(&c, ADDR(tf_gamma)), 11);
	cr_assert_eq(tr_enters(&c, ADDR(tf_beta)), 0);
	v = info_key(dir, "filter");
	cr_assert_str_eq(v, "F:tf_alpha\nF:tf_b*\nN:tf_beta");
	free(v);
	v = info_key(dir, "filter_functions");
	cr_assert_str_eq(v, "2");
	free(v);
	v = info_key(dir, "depth");
	cr_assert_str_eq(v, "2");
	free(v);
	cr_assert_null(info_key(dir, "time_filter_ns"));
	tr_cleanup(dir);
}

Test(filter_session, time_filter_through_ppv_start_and_the_default_path_after_it)
{
	char *dir = tr_tmpdir(), *v;
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir,
				    .time_filter_ns = 50000000 };
	struct ppv_start_opts plain = { .sz = sizeof(o), .output_dir = dir };
	struct tr_counts c;

	cr_assert_eq(ppv_start(&o), 0);
	cr_assert_eq(ppv_rec_inline, 0, "filters take enter/exit off the inline path");
	__cyg_profile_func_enter(FP(tf_alpha), NULL);
	for (int i = 0; i < 100; i++)
		call(tf_gamma, NULL); /* well under 50 ms each */
	usleep(60000);
	__cyg_profile_func_exit(FP(tf_alpha), NULL);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(tr_enters(&c, ADDR(tf_alpha)), 1);
	cr_assert_eq(tr_exits(&c, ADDR(tf_alpha)), 1);
	cr_assert_eq(tr_enters(&c, ADDR(tf_gamma)), 0);
	cr_assert(!c.ts_backwards);
	v = info_key(dir, "time_filter_ns");
	cr_assert_str_eq(v, "50000000");
	free(v);
	tr_cleanup(dir);

	dir = tr_tmpdir();
	plain.output_dir = dir;
	cr_assert_eq(ppv_start(&plain), 0);
	cr_assert_eq(ppv_filter_on, 0);
	cr_assert_eq(ppv_rec_inline, ppv_clock_use_tsc);
	call(tf_gamma, NULL);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(tr_enters(&c, ADDR(tf_gamma)), 1);
	cr_assert_null(info_key(dir, "filter"));
	tr_cleanup(dir);
}
