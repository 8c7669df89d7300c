/* SPDX-License-Identifier: MIT */
/*
 * elf-symtab.h - function symbols of an ELF file on disk, through elfutils'
 * libelf: .symtab, else .dynsym; and the GNU build-id.
 */
#ifndef PPV_FORMATS_ELF_SYMTAB_H
#define PPV_FORMATS_ELF_SYMTAB_H

#include "symbols-file.h"

/**
 * ppv_elf_symtab_load() - read @path's function symbols (STT_FUNC and
 * STT_GNU_IFUNC with a non-zero value), sorted by address, duplicates
 * (aliases at one address) reduced to one, preferring a global name.
 * @out: filled; free with ppv_elf_symtab_release().
 *
 * Return: 0, -ENOENT, -EINVAL if not ELF, -ENOMEM.
 * Ownership: strings and arrays in @out belong to @out.
 */
int ppv_elf_symtab_load(const char *path, struct ppv_symtab *out);
void ppv_elf_symtab_release(struct ppv_symtab *tab);

/**
 * ppv_elf_build_id() - the GNU build-id of @path, up to @cap bytes, into
 * @buf; *@len is 0 when the file has none.
 * Return: 0, -ENOENT..., -EINVAL if not ELF.
 */
int ppv_elf_build_id(const char *path, uint8_t *buf, size_t cap, size_t *len);

#endif
