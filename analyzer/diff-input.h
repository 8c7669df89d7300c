/* SPDX-License-Identifier: MIT */
/*
 * diff-input.h - the inside of struct ppv_diff_input, shared by
 * diff-load.c (which fills it from a profile or a JSON report) and diff.c
 * (which matches two of them). Private to analyzer/.
 */
#ifndef PPV_DIFF_INPUT_H
#define PPV_DIFF_INPUT_H

#include <perprovis/ppv-diff.h>

/* One function of one run; @name and @module are owned by the entry. */
struct ppv_diff_entry {
	char *name;
	char *module; /* NULL: a scope or an unknown module */
	enum ppv_frame_kind kind;
	uint64_t calls;
	uint64_t total_ns;
	uint64_t self_ns;
	uint64_t io_bytes;
	uint64_t alloc_bytes;      /* self */
	uint64_t alloc_bytes_incl; /* with its callees */
};

/* @run.command points at @command; @run.functions == @n. */
struct ppv_diff_input {
	struct ppv_diff_run run;
	char *command;
	struct ppv_diff_entry *v;
	size_t n;
};

#endif /* PPV_DIFF_INPUT_H */
