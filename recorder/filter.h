/* SPDX-License-Identifier: MIT */
/*
 * filter.h - recorder-side filters: the time filter and coarse threshold
 * (-t, --threshold), the depth limit (-D) and the name filters (-F, -N).
 * Private to the recorder and its unit tests.
 *
 * When any filter is in force, enter/exit leave the inline path
 * (ppv_rec_inline is 0) for ppv_filter_event(), which keeps a per-thread
 * shadow stack (struct ppv_filt, mapped with the thread's ring) of the
 * calls in progress: whether each is recorded, and whether its entry is
 * written yet or still pending (time filter). See docs/user-guide.md,
 * "Granularity and filters", for the semantics.
 */
#ifndef PPV_RECORDER_FILTER_H
#define PPV_RECORDER_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "ring-fast.h"

/* Calls nested deeper than this under the thread's outermost one are not
 * recorded while a filter is in force (counted in ppv_filt.over). */
#define PPV_FILT_FRAMES 1024

/* Frame flags. */
#define PPV_FF_REC 0x1     /* recorded: written now, or at exit if long enough */
#define PPV_FF_WRITTEN 0x2 /* its entry is in the ring */
#define PPV_FF_IN_F 0x4    /* it and its callees are inside an -F match (or no -F) */
#define PPV_FF_EXCL 0x8    /* it or a caller matched -N: nothing below is recorded */

/* Name-table match bits (ppv_ftab_lookup, ppv_fpat_match). */
#define PPV_FM_F 0x1
#define PPV_FM_N 0x2

struct ppv_filt_frame {
	uint64_t word;  /* the ENTER or SCOPE_ENTER ring word */
	uint64_t ticks; /* when it was entered */
	uint32_t flags; /* PPV_FF_* */
	uint32_t depth; /* recorded calls on the stack up to here, this one included */
};

/* One thread's shadow stack. Only its thread touches it. */
struct ppv_filt {
	uint32_t top;   /* frames in use */
	uint32_t over;  /* calls entered beyond PPV_FILT_FRAMES, not recorded */
	uint32_t clean; /* frames [0, clean) hold no pending entry */
	uint32_t gen;   /* ppv_fcfg.gen this stack was last used with */
	uint32_t cfg_id;
	struct ppv_filt_frame f[PPV_FILT_FRAMES];
};

/* The settings the filter path reads; written by ppv_filter_setup() only,
 * before recording starts. */
struct ppv_filter_cfg {
	uint64_t thr_ticks;  /* calls shorter are dropped; 0: write at entry */
	uint64_t thr_ns;
	uint32_t depth;      /* 0: unlimited */
	int has_f;           /* at least one -F pattern */
	int names;           /* -F or -N given: look functions up */
	uint32_t gen;        /* bumped at every session start (and in fork children) */
	uint32_t cfg_id;     /* bumped when the settings change */
};

extern struct ppv_filter_cfg ppv_fcfg __attribute__((visibility("hidden")));
extern int ppv_filter_on __attribute__((visibility("hidden")));

/* filter.c: the per-thread logic. The caller holds in_hook. */
void ppv_filter_event(struct ppv_tbuf *b, uint64_t word);
void ppv_filt_event_at(struct ppv_tbuf *b, uint64_t word, uint64_t now);
void ppv_filter_thread_end(struct ppv_tbuf *b);
void ppv_filt_end_at(struct ppv_tbuf *b, uint64_t now);
size_t ppv_filter_state_size(void);

/* filter.c: session set-up (control.c). */
struct ppv_native_writer;
int ppv_filter_setup(uint64_t mult);
void ppv_filter_info(struct ppv_native_writer *w);
void ppv_filter_stop_self(void);
uint64_t ppv_filter_ns_to_ticks(uint64_t ns, uint64_t mult);

/* filter-syms.c: patterns and the table of matching functions. */
#define PPV_FPAT_MAX 256
struct ppv_fpat {
	char buf[4096];                /* the patterns, NUL-terminated */
	const char *pat[PPV_FPAT_MAX];
	char type[PPV_FPAT_MAX];       /* 'F' or 'N' */
	unsigned int n;
	int has_f, has_n;
};
void ppv_fpat_init(struct ppv_fpat *p, const char *text);
unsigned int ppv_fpat_match(const struct ppv_fpat *p, const char *name);
void ppv_fpat_find_demangler(void);
unsigned int ppv_fpat_match_symbol(const struct ppv_fpat *p, const char *sym, char **dbuf,
				   size_t *dlen);
int ppv_ftab_build(const char *text);
int ppv_ftab_refresh(void);
void ppv_ftab_clear(void);
unsigned int ppv_ftab_lookup(uint64_t addr);
size_t ppv_ftab_functions(void);

/* filter-elf.c: defined function symbols of an ELF64 file. */
typedef void (*ppv_elf_sym_cb)(void *arg, const char *name, uint64_t value, uint64_t size);
int ppv_elf_func_symbols(const char *path, ppv_elf_sym_cb cb, void *arg);

/* filter-dl.c: where the exported dlopen (x86-64) jumps. */
typedef void *(*ppv_dlopen_fn)(const char *, int);
ppv_dlopen_fn ppv_dlopen_target(const char *file, int mode, void *caller);

#endif
