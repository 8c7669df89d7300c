/* SPDX-License-Identifier: MIT */
/*
 * symbolizer.h - per-process module maps and symbol lookup. Private to
 * analyzer/.
 */
#ifndef PPV_ANALYZER_SYMBOLIZER_H
#define PPV_ANALYZER_SYMBOLIZER_H

#include <perprovis/ppv-trace.h>

struct ppv_symbolizer;
struct ppv_module_map;

/**
 * ppv_symbolizer_new() - a symbolizer using the symbol file @symfile
 * (may be NULL or missing) first and ELF files on disk second.
 * Return: 0, -ENOMEM, or the error of a corrupt symbol file.
 * Ownership: caller frees with ppv_symbolizer_free().
 */
int ppv_symbolizer_new(const char *symfile, struct ppv_symbolizer **out);
void ppv_symbolizer_free(struct ppv_symbolizer *s);

/** Tables embedded in the trace. */
size_t ppv_symbolizer_embedded_count(const struct ppv_symbolizer *s);

struct ppv_module_map *ppv_module_map_new(void);
void ppv_module_map_free(struct ppv_module_map *m);
/** Apply a MODULE_LOAD or MODULE_UNLOAD event. Return: 0 or -ENOMEM. */
int ppv_module_map_apply(struct ppv_module_map *m, const struct ppv_event *ev);

size_t ppv_module_map_count(const struct ppv_module_map *m);
/** Resolves the module's symbols if needed, to fill @symbols and @nsyms. */
void ppv_module_map_get(struct ppv_symbolizer *s, struct ppv_module_map *m, size_t i,
			struct ppv_module_info *out);

/** Look @addr up; see ppv_trace_symbolize(). */
int ppv_symbolizer_lookup(struct ppv_symbolizer *s, struct ppv_module_map *m, uint64_t addr,
			  struct ppv_symbol *out);

#endif
