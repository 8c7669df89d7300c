/* SPDX-License-Identifier: MIT */
/*
 * symbols-file.h - the trace's symbol file (symbols.ppvsym): one SYMTAB
 * chunk per module, written by ppv-record after the run and read by the
 * analyzer's symbolizer (docs/format.md, "Symbol file").
 */
#ifndef PPV_FORMATS_SYMBOLS_FILE_H
#define PPV_FORMATS_SYMBOLS_FILE_H

#include <stddef.h>
#include <stdint.h>

/* One function symbol; @addr is the ELF virtual address (add the module's
 * load bias for a runtime address). */
struct ppv_sym {
	uint64_t addr;
	uint64_t size;
	const char *name;
};

/* One module's table. Symbols sorted by addr. */
struct ppv_symtab {
	const char *path;
	const uint8_t *build_id;
	uint32_t build_id_len;
	size_t count;
	const struct ppv_sym *syms;
};

/**
 * ppv_symbols_file_write() - write a symbol file at @path holding @n tables.
 *
 * Return: 0 or negative errno.
 */
int ppv_symbols_file_write(const char *path, const struct ppv_symtab *tabs, size_t n);

struct ppv_symbols_file;

/**
 * ppv_symbols_file_read() - read a whole symbol file into memory.
 *
 * Return: 0; negative errno as ppv_native_reader_open(); the message in
 * ppv_native_reader_open_error() on failure.
 * Ownership: caller frees *@out with ppv_symbols_file_free().
 */
int ppv_symbols_file_read(const char *path, struct ppv_symbols_file **out);
size_t ppv_symbols_file_count(const struct ppv_symbols_file *f);
/** Borrowed; valid until ppv_symbols_file_free(). */
const struct ppv_symtab *ppv_symbols_file_borrow(const struct ppv_symbols_file *f, size_t i);
void ppv_symbols_file_free(struct ppv_symbols_file *f);

#endif
