/* SPDX-License-Identifier: MIT */
/*
 * filter-elf.c - the function symbols of an ELF64 file, for the -F/-N
 * filters: the runtime must not link libelf (docs/architecture.md), and it
 * needs only names, values and sizes.
 *
 * Owns: mapping the file read-only, checking every offset and size it
 * reads against the file's length, and walking SHT_SYMTAB (or SHT_DYNSYM
 * when the file is stripped). Does not own: matching the names
 * (filter-syms.c). Files of the other class or byte order are refused.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PPV_ELF_DATA ELFDATA2LSB
#else
#define PPV_ELF_DATA ELFDATA2MSB
#endif

struct elf_view {
	const unsigned char *p;
	size_t size;
	const Elf64_Shdr *sh;
	size_t shnum;
};

/* [off, off + len) lies in the file and off is aligned to @align. */
static int in_file(const struct elf_view *v, uint64_t off, uint64_t len, uint64_t align)
{
	return off <= v->size && len <= v->size - off && off % align == 0;
}

static int read_headers(struct elf_view *v)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)v->p;

	if (v->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != PPV_ELF_DATA ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff == 0)
		return -ENOEXEC;
	if (!in_file(v, eh->e_shoff, sizeof(Elf64_Shdr), 8))
		return -ENOEXEC;
	v->sh = (const Elf64_Shdr *)(v->p + eh->e_shoff);
	v->shnum = eh->e_shnum ? eh->e_shnum : v->sh[0].sh_size; /* extended numbering */
	if (v->shnum > (v->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return -ENOEXEC;
	return 0;
}

static const Elf64_Shdr *find_symbols(const struct elf_view *v)
{
	const Elf64_Shdr *dyn = NULL;

	for (size_t i = 0; i < v->shnum; i++) {
		if (v->sh[i].sh_type == SHT_SYMTAB)
			return &v->sh[i];
		if (v->sh[i].sh_type == SHT_DYNSYM && !dyn)
			dyn = &v->sh[i];
	}
	return dyn;
}

static int walk(const struct elf_view *v, ppv_elf_sym_cb cb, void *arg)
{
	const Elf64_Shdr *ss = find_symbols(v), *st;
	const Elf64_Sym *sym;
	const char *str;
	size_t nsym;
	int n = 0;

	if (!ss)
		return 0; /* no symbols at all: nothing to match */
	if (ss->sh_entsize != sizeof(Elf64_Sym) || ss->sh_link >= v->shnum ||
	    !in_file(v, ss->sh_offset, ss->sh_size, 8))
		return -ENOEXEC;
	st = &v->sh[ss->sh_link];
	if (st->sh_type != SHT_STRTAB || !in_file(v, st->sh_offset, st->sh_size, 1))
		return -ENOEXEC;
	sym = (const Elf64_Sym *)(v->p + ss->sh_offset);
	str = (const char *)(v->p + st->sh_offset);
	nsym = ss->sh_size / sizeof(Elf64_Sym);
	for (size_t i = 1; i < nsym; i++) {
		const Elf64_Sym *s = &sym[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
		    s->st_value == 0 || s->st_name >= st->sh_size ||
		    !memchr(str + s->st_name, '\0', st->sh_size - s->st_name))
			continue;
		cb(arg, str + s->st_name, s->st_value, s->st_size);
		n++;
	}
	return n;
}

/**
 * ppv_elf_func_symbols() - call @cb for every defined function symbol of
 * the ELF64 file @path (its symbol table, else its dynamic symbols), with
 * the symbol's name, link-time value and size.
 * Return: the number of symbols passed to @cb, -ENOEXEC if @path is not a
 * well-formed ELF64 file of this machine's byte order, another negative
 * errno if it cannot be read.
 */
int ppv_elf_func_symbols(const char *path, ppv_elf_sym_cb cb, void *arg)
{
	struct elf_view v = { 0 };
	struct stat sb;
	void *map;
	int fd, n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return -ENOEXEC;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	n = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (n < 0)
		return n;
	v.p = map;
	v.size = (size_t)sb.st_size;
	n = read_headers(&v);
	if (n == 0)
		n = walk(&v, cb, arg);
	munmap(map, v.size);
	return n;
}
