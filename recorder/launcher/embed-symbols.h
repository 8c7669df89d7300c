/* SPDX-License-Identifier: MIT */
/*
 * embed-symbols.h - after a run: collect the modules a trace mentions and
 * write their symbol tables into DIR/symbols.ppvsym.
 */
#ifndef PPV_LAUNCHER_EMBED_SYMBOLS_H
#define PPV_LAUNCHER_EMBED_SYMBOLS_H

#include <stdint.h>

struct ppv_embed_summary {
	unsigned int processes;  /* distinct pids */
	unsigned int images;     /* process images: an exec starts a new one */
	uint64_t events, lost, bytes;
	unsigned int modules, embedded;
	unsigned int warnings; /* files with a problem; the first few are printed */
};

/**
 * ppv_embed_symbols() - read every process file of @dir and embed the
 * symbol tables of the modules they mention. Problems with single files or
 * modules are warnings on stderr, not errors.
 * Return: 0, or negative errno if the symbol file cannot be written.
 */
int ppv_embed_symbols(const char *dir, struct ppv_embed_summary *sum);

#endif
