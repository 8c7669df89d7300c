/* SPDX-License-Identifier: MIT */
/*
 * elf-symtab.c - function symbols and the GNU build-id of an ELF file on
 * disk, read through elfutils' libelf.
 *
 * Owns: choosing .symtab over .dynsym, keeping functions only, sorting,
 * merging aliases, filling in missing sizes; reading NT_GNU_BUILD_ID.
 * Does not own: storing tables in a trace (symbols-file.c) or looking
 * addresses up (analyzer/).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-symtab.h"

struct raw_sym {
	uint64_t addr, size;
	int rank; /* GLOBAL 0, WEAK 1, LOCAL 2: lower wins among aliases */
	const char *name;
};

static int open_elf(const char *path, int *fd, Elf **elf)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		elf_end(*elf);
		close(*fd);
		return -EINVAL;
	}
	return 0;
}

static Elf_Scn *find_section(Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
			return scn;
	return NULL;
}

static int rank_of(int bind)
{
	return bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
}

static int cmp_raw(const void *a, const void *b)
{
	const struct raw_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return (int)strlen(x->name) - (int)strlen(y->name);
}

/* Collect the function symbols of @scn into a malloc'ed array. */
static int collect(Elf *elf, Elf_Scn *scn, struct raw_sym **out, size_t *n)
{
	GElf_Shdr sh;
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count, k = 0;
	struct raw_sym *v;

	if (!gelf_getshdr(scn, &sh) || !data || !sh.sh_entsize)
		return -EINVAL;
	count = sh.sh_size / sh.sh_entsize;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(data, (int)i, &s))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !s.st_value ||
		    s.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, sh.sh_link, s.st_name);
		if (!name || !*name)
			continue;
		v[k++] = (struct raw_sym){ s.st_value, s.st_size, rank_of(GELF_ST_BIND(s.st_info)),
					   name };
	}
	*out = v;
	*n = k;
	return 0;
}

/* Sort, merge aliases, fill zero sizes, and copy names into @tab. */
static int build(struct raw_sym *v, size_t n, struct ppv_symtab *tab)
{
	struct ppv_sym *syms = calloc(n ? n : 1, sizeof(*syms));
	size_t k = 0;

	if (!syms)
		return -ENOMEM;
	qsort(v, n, sizeof(*v), cmp_raw);
	for (size_t i = 0; i < n; i++) {
		if (k && syms[k - 1].addr == v[i].addr) {
			if (!syms[k - 1].size)
				syms[k - 1].size = v[i].size;
			continue; /* an alias; the best-ranked name came first */
		}
		syms[k].addr = v[i].addr;
		syms[k].size = v[i].size;
		syms[k].name = strdup(v[i].name);
		if (!syms[k].name) {
			tab->syms = syms;
			tab->count = k;
			return -ENOMEM;
		}
		k++;
	}
	for (size_t i = 0; i + 1 < k; i++)
		if (!syms[i].size)
			syms[i].size = syms[i + 1].addr - syms[i].addr;
	tab->syms = syms;
	tab->count = k;
	return 0;
}

static size_t read_build_id(Elf *elf, uint8_t *buf, size_t cap)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0) {
				size_t len = nh.n_descsz < cap ? nh.n_descsz : cap;

				memcpy(buf, (char *)data->d_buf + desc_off, len);
				return len;
			}
		}
	}
	return 0;
}

int ppv_elf_build_id(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	Elf *elf = NULL;
	int fd, err = open_elf(path, &fd, &elf);

	*len = 0;
	if (err)
		return err;
	*len = read_build_id(elf, buf, cap);
	elf_end(elf);
	close(fd);
	return 0;
}

int ppv_elf_symtab_load(const char *path, struct ppv_symtab *out)
{
	struct raw_sym *raw = NULL;
	uint8_t bid[64];
	size_t n = 0, blen;
	Elf_Scn *scn;
	Elf *elf = NULL;
	int fd, err;

	memset(out, 0, sizeof(*out));
	err = open_elf(path, &fd, &elf);
	if (err)
		return err;
	scn = find_section(elf, SHT_SYMTAB);
	if (!scn)
		scn = find_section(elf, SHT_DYNSYM);
	if (scn)
		err = collect(elf, scn, &raw, &n);
	if (!err)
		err = build(raw, n, out);
	blen = read_build_id(elf, bid, sizeof(bid));
	free(raw);
	elf_end(elf);
	close(fd);
	if (!err && (!(out->path = strdup(path)) ||
		     (blen && !(out->build_id = malloc(blen)))))
		err = -ENOMEM;
	if (!err && blen) {
		memcpy((uint8_t *)out->build_id, bid, blen);
		out->build_id_len = (uint32_t)blen;
	}
	if (err)
		ppv_elf_symtab_release(out);
	return err;
}

void ppv_elf_symtab_release(struct ppv_symtab *tab)
{
	for (size_t i = 0; i < tab->count; i++)
		free((char *)tab->syms[i].name);
	free((void *)tab->syms);
	free((void *)tab->path);
	free((void *)tab->build_id);
	memset(tab, 0, sizeof(*tab));
}
