/* SPDX-License-Identifier: MIT */
/*
 * io-fdtab.h - what each file descriptor is, for the I/O wrappers: its
 * class (file, TCP, UDP, Unix socket, pipe, tty, other), whether it was
 * opened for writing, and its name (path, peer address, "pipe:[inode]").
 * Private.
 *
 * A descriptor is classified once (one fstat, plus getsockopt and
 * getpeername for sockets) and cached in a table indexed by fd; the
 * wrappers of every call that closes, creates or replaces descriptors keep
 * the table from going stale (ppv_fdtab_forget*). The table has room for
 * every descriptor number Linux allows by default (fs.nr_open = 2^20); it
 * is 8 MiB of address space, of which only the pages of the numbers in use
 * are ever touched. Descriptors beyond it (a raised fs.nr_open) are
 * classified on every call instead of cached.
 */
#ifndef PPV_RECORDER_IO_FDTAB_H
#define PPV_RECORDER_IO_FDTAB_H

#include <stdint.h>
#include <sys/socket.h>

#include "io-pool.h"

#define PPV_FDTAB_SIZE (1u << 20)

/* Entries in the table: PPV_FDTAB_SIZE, lowered by unit tests before the
 * table is first used. */
extern unsigned int ppv_fdtab_size;

struct ppv_fdinfo {
	int fdclass;       /* enum ppv_fd_class; PPV_FD_UNKNOWN if not open */
	int writable;      /* opened for writing (O_WRONLY or O_RDWR) */
	ppv_strref name;   /* in ppv_io_names(); 0 = unnamed */
};

/* Which parts ppv_fd_classify() asks the kernel for. */
enum {
	PPV_CLASSIFY_NAME = 1,  /* the name (readlink, getpeername) */
	PPV_CLASSIFY_MODE = 2,  /* the access mode (F_GETFL) */
};

/**
 * ppv_fd_classify() - ask the kernel what @fd is, bypassing the table.
 * @what: PPV_CLASSIFY_* bits; parts not asked for are left 0.
 * errno is left as it was.
 * Return: 0, or a negative errno (then @out says PPV_FD_UNKNOWN).
 */
int ppv_fd_classify(int fd, struct ppv_fdinfo *out, unsigned int what);

/**
 * ppv_fdtab_get() - what @fd is, from the table or else from the kernel
 * (then cached, unless another thread changed the entry meanwhile). A
 * descriptor that is not open is PPV_FD_UNKNOWN and is not cached.
 * Call with the hook guard held. errno is left as it was.
 */
void ppv_fdtab_get(int fd, struct ppv_fdinfo *out);

/** ppv_fdtab_put() - cache @info for @fd (it was just opened or connected). */
void ppv_fdtab_put(int fd, const struct ppv_fdinfo *info);

/** ppv_fdtab_forget() - @fd was closed or replaced; safe from any thread. */
void ppv_fdtab_forget(int fd);

/** ppv_fdtab_forget_range() - every fd in [@lo, @hi] was closed. */
void ppv_fdtab_forget_range(unsigned int lo, unsigned int hi);

/**
 * ppv_io_name_intern() - the pool's copy of @s (@len bytes).
 * Return: its reference, or 0 when the pool is full or unavailable.
 */
ppv_strref ppv_io_name_intern(const char *s, size_t len);

/** ppv_io_name_borrow() - the string of @ref, or NULL. Valid for the process's life. */
const char *ppv_io_name_borrow(ppv_strref ref);

/**
 * ppv_sockaddr_format() - "127.0.0.1:8080", "[::1]:80", a Unix socket's
 * path, "unix:@name" for an abstract one, into @buf (NUL-terminated).
 * Return: the length, or 0 for an unnamed or unknown address.
 */
size_t ppv_sockaddr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size);

/** ppv_sockaddr_name() - ppv_sockaddr_format(), interned; 0 if unnamed. */
ppv_strref ppv_sockaddr_name(const struct sockaddr *sa, socklen_t len);

/**
 * ppv_io_kind_of() - the report kind (enum ppv_io_kind) of operation @op
 * (enum ppv_io_op) on a descriptor of class @fdclass.
 */
int ppv_io_kind_of(int op, int fdclass, int writable);

#endif
