/* test-symbols.c - the symbol file round trip, and ELF symbol tables read
 * through libelf from this very test binary. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "elf-symtab.h"
#include "helpers.h"
#include "symbols-file.h"

Test(symbols_file, round_trips_tables_of_several_modules)
{
	char *path = th_path("symbols.ppvsym");
	static const uint8_t bid[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ppv_sym a[] = { { 0x1000, 0x20, "alpha" }, { 0x1020, 0x100, "beta" },
			       { 0x9000, 0, "gamma" } };
	struct ppv_sym b[] = { { 0x400, 8, "_ZN3foo3barEv" } };
	struct ppv_symtab tabs[] = { { "/usr/lib/liba.so", bid, sizeof(bid), 3, a },
				     { "/usr/bin/b", NULL, 0, 1, b },
				     { "/empty", NULL, 0, 0, NULL } };
	struct ppv_symbols_file *f;
	const struct ppv_symtab *t;

	cr_assert_eq(ppv_symbols_file_write(path, tabs, 3), 0);
	cr_assert_eq(ppv_symbols_file_read(path, &f), 0);
	cr_assert_eq(ppv_symbols_file_count(f), 3);
	t = ppv_symbols_file_borrow(f, 0);
	cr_assert_str_eq(t->path, "/usr/lib/liba.so");
	cr_assert_eq(t->build_id_len, sizeof(bid));
	cr_assert_arr_eq(t->build_id, bid, sizeof(bid));
	cr_assert_eq(t->count, 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(t->syms[i].addr, a[i].addr);
		cr_assert_eq(t->syms[i].size, a[i].size);
		cr_assert_str_eq(t->syms[i].name, a[i].name);
	}
	t = ppv_symbols_file_borrow(f, 1);
	cr_assert_str_eq(t->syms[0].name, "_ZN3foo3barEv");
	cr_assert_eq(ppv_symbols_file_borrow(f, 2)->count, 0);
	cr_assert_null(ppv_symbols_file_borrow(f, 3));
	ppv_symbols_file_free(f);
	th_remove(path);
}

Test(symbols_file, refuses_unsorted_symbols)
{
	char *path = th_path("symbols.ppvsym");
	struct ppv_sym a[] = { { 0x2000, 1, "late" }, { 0x1000, 1, "early" } };
	struct ppv_symtab tab = { "/x", NULL, 0, 2, a };

	cr_assert_eq(ppv_symbols_file_write(path, &tab, 1), -EINVAL);
	th_remove(path);
}

Test(symbols_file, rejects_a_process_trace)
{
	char *path = th_path("t.ppv");
	struct ppv_symbols_file *f;

	cr_assert_eq(ppv_native_writer_close(th_writer(path, 0)), 0);
	cr_assert_eq(ppv_symbols_file_read(path, &f), -EINVAL);
	th_remove(path);
}

__attribute__((noinline, used)) int ppv_test_marker_function(int x);
__attribute__((noinline, used)) int ppv_test_marker_function(int x)
{
	return x * 3 + 1;
}

Test(elf_symtab, finds_this_binary_functions_at_their_addresses)
{
	struct ppv_symtab tab;
	Dl_info info;
	uint64_t want;
	int found = 0;
	uint8_t bid[64];
	size_t blen;

	void *marker;
	int (*fn)(int) = ppv_test_marker_function;

	memcpy(&marker, &fn, sizeof(marker)); /* ISO C has no function-to-object cast */
	cr_assert_neq(dladdr(marker, &info), 0);
	want = (uint64_t)(uintptr_t)ppv_test_marker_function - (uint64_t)(uintptr_t)info.dli_fbase;
	cr_assert_eq(ppv_elf_symtab_load("/proc/self/exe", &tab), 0);
	cr_assert_gt(tab.count, 10);
	for (size_t i = 0; i < tab.count; i++) {
		if (i)
			cr_assert_geq(tab.syms[i].addr, tab.syms[i - 1].addr, "sorted");
		if (strcmp(tab.syms[i].name, "ppv_test_marker_function") == 0) {
			cr_assert_eq(tab.syms[i].addr, want, "0x%llx vs 0x%llx",
				     (unsigned long long)tab.syms[i].addr, (unsigned long long)want);
			cr_assert_gt(tab.syms[i].size, 0);
			found = 1;
		}
	}
	cr_assert(found);
	cr_assert_eq(ppv_elf_build_id("/proc/self/exe", bid, sizeof(bid), &blen), 0);
	cr_assert_eq(blen, tab.build_id_len);
	cr_assert_eq(blen, 20, "gcc on Debian links with a 20-byte GNU build-id");
	cr_assert_arr_eq(bid, tab.build_id, blen);
	ppv_elf_symtab_release(&tab);
}

Test(elf_symtab, rejects_files_that_are_not_elf)
{
	struct ppv_symtab tab;

	cr_assert_eq(ppv_elf_symtab_load("/etc/hostname", &tab), -EINVAL);
	cr_assert_eq(ppv_elf_symtab_load("/nonexistent/lib.so", &tab), -ENOENT);
}
