/* SPDX-License-Identifier: MIT */
/*
 * filter-dl.c - the dlopen() wrapper that adds the functions of modules
 * loaded at run time to the -F/-N table (filter-syms.c).
 *
 * Owns: the wrapper, finding the real dlopen, and deciding whether a call
 * may be made from here. Does not own: scanning (filter-syms.c).
 *
 * glibc's dlopen() takes its caller from its return address: the caller's
 * DT_RPATH/DT_RUNPATH and $ORIGIN decide where a bare or "$ORIGIN/..." name
 * is searched. A C wrapper calling the real dlopen() would make this
 * library the caller and change what the program loads (docs/
 * architecture.md, "Modules"). So the exported dlopen is a few
 * instructions of assembly that ask ppv_dlopen_target() where to go and
 * *jump* there with the stack untouched: to the real dlopen (the program's
 * caller is preserved exactly) unless name filters are in force and the
 * name cannot depend on the caller (a path without '$', or a bare name
 * called from an object with no search path of its own, while this
 * library has none either), in which case to ppv_dlopen_scan(), which
 * calls the real dlopen and rescans. A module loaded through the direct
 * jump while filters are in force is added at the next rescan.
 *
 * x86-64 only; elsewhere there is no wrapper and modules loaded by dlopen
 * after start are not matched by -F/-N (docs/user-guide.md).
 */
#if defined(__x86_64__)
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>

#include "filter.h"
#include "hook-guard.h"

static ppv_dlopen_fn real_dlopen;
static int own_search_path = -1; /* this library's: -1 not known yet */

ppv_dlopen_fn ppv_dlopen_target(const char *file, int mode, void *caller) __attribute__((used));

/* The exported dlopen: save the arguments, ask, restore, jump. */
__asm__(".text\n"
	".globl dlopen\n"
	".type dlopen, @function\n"
	".p2align 4\n"
	"dlopen:\n"
	".cfi_startproc\n"
#ifdef __CET__
	"endbr64\n"
#endif
	"mov (%rsp), %rdx\n" /* the caller's return address */
	"push %rdi\n"
	".cfi_adjust_cfa_offset 8\n"
	"push %rsi\n"
	".cfi_adjust_cfa_offset 8\n"
	"sub $8, %rsp\n" /* 16-byte alignment at the call */
	".cfi_adjust_cfa_offset 8\n"
	"call ppv_dlopen_target\n"
	"add $8, %rsp\n"
	".cfi_adjust_cfa_offset -8\n"
	"pop %rsi\n"
	".cfi_adjust_cfa_offset -8\n"
	"pop %rdi\n"
	".cfi_adjust_cfa_offset -8\n"
	"jmp *%rax\n"
	".cfi_endproc\n"
	".size dlopen, .-dlopen\n");

/* dlsym(RTLD_NEXT) found nothing: behave as a failed dlopen. */
static void *dlopen_missing(const char *file, int mode)
{
	return NULL;
}

/* @lm has its own library search path, or refuses the default one. */
static int has_search_path(const struct link_map *lm)
{
	for (const ElfW(Dyn) *d = lm->l_ld; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_RPATH || d->d_tag == DT_RUNPATH ||
		    (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NODEFLIB)))
			return 1;
	return 0;
}

static int search_path_of(const void *addr)
{
	struct link_map *lm = NULL;
	Dl_info info;

	if (!dladdr1(addr, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return -1;
	return has_search_path(lm);
}

/* Whether glibc could load something else for @file if the caller were
 * this library instead of @caller. */
static int caller_matters(const char *file, const void *caller)
{
	if (!file)
		return 0; /* the main program's handle */
	if (strchr(file, '$'))
		return 1; /* $ORIGIN and friends expand relative to the caller */
	if (strchr(file, '/'))
		return 0; /* opened as given */
	if (own_search_path < 0)
		own_search_path = search_path_of(&own_search_path) != 0;
	return own_search_path || search_path_of(caller) != 0;
}

/* dlopen() and then the rescan, with the recursion guard held so that the
 * files read and the memory used are not recorded as the program's. */
static void *ppv_dlopen_scan(const char *file, int mode)
{
	void *h = real_dlopen(file, mode);
	int saved_errno = errno;

	if (h) {
		struct ppv_tbuf *b = ppv_hook_begin();

		ppv_ftab_refresh();
		if (b)
			ppv_hook_end(b);
	}
	errno = saved_errno;
	return h;
}

/**
 * ppv_dlopen_target() - where the exported dlopen jumps: the real dlopen,
 * or ppv_dlopen_scan() (see the top of this file). errno is kept.
 */
ppv_dlopen_fn ppv_dlopen_target(const char *file, int mode, void *caller)
{
	int saved_errno = errno;
	ppv_dlopen_fn f;

	(void)mode;
	if (!real_dlopen) {
		*(void **)&f = dlsym(RTLD_NEXT, "dlopen");
		__atomic_store_n(&real_dlopen, f ? f : dlopen_missing, __ATOMIC_RELEASE);
	}
	f = __atomic_load_n(&real_dlopen, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&ppv_filter_on, __ATOMIC_RELAXED) && ppv_fcfg.names &&
	    f != dlopen_missing && !caller_matters(file, caller))
		f = ppv_dlopen_scan;
	errno = saved_errno;
	return f;
}
#else
typedef int ppv_filter_dl_none; /* ISO C wants something in a translation unit */
#endif
