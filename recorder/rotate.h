/* SPDX-License-Identifier: MIT */
/*
 * rotate.h - a process's trace kept within --max-size bytes on disk by
 * writing it as numbered segment files and deleting the oldest (see
 * docs/format.md, "Segments"). Private to recorder/.
 *
 * struct ppv_rotate is the bookkeeping alone (no I/O), so that tests can
 * check which segments go and what is counted lost; rotate.c also holds
 * the process's instance and the file operations the writer thread uses.
 */
#ifndef PPV_RECORDER_ROTATE_H
#define PPV_RECORDER_ROTATE_H

#include <stddef.h>
#include <stdint.h>

/* ppv-record accepts --rotate up to this many files. */
#define PPV_ROTATE_MAX 1000u
#define PPV_ROTATE_DEFAULT 4u

struct ppv_rotate {
	uint64_t max_size;   /* bytes kept on disk */
	uint64_t seg_size;   /* max_size / files */
	unsigned int files;  /* segment files kept at most, the current one included */
	uint64_t cur;        /* number of the segment being written */
	uint64_t first;      /* oldest segment still on disk */
	uint64_t kept_bytes; /* closed segments [first, cur) */
	uint64_t dropped;    /* events lost with deleted segments, all time */
	struct {
		uint64_t bytes, events; /* once closed */
		uint64_t carried;       /* its first LOSS: deleted before it began */
	} seg[PPV_ROTATE_MAX];      /* by number % PPV_ROTATE_MAX */
};

void ppv_rotate_init(struct ppv_rotate *r, uint64_t max_size, unsigned int files);
int ppv_rotate_due(const struct ppv_rotate *r, uint64_t bytes);
size_t ppv_rotate_close(struct ppv_rotate *r, uint64_t bytes, uint64_t events, uint64_t *del,
			size_t max, uint64_t *loss);
size_t ppv_rotate_chunk_size(const struct ppv_rotate *r);

/* The process's instance (writer thread and control.c). */
int ppv_rotate_setup(const char *base, uint64_t max_size, unsigned int files);
int ppv_rotate_enabled(void);
int ppv_rotate_due_now(uint64_t bytes);
int ppv_rotate_next(uint64_t bytes, uint64_t events, uint64_t *dropped_now);
void ppv_rotate_info(char *segment, char *dropped, size_t len);
size_t ppv_rotate_chunk_size_now(void);
int ppv_segment_base_taken(const char *dir, const char *base);
struct ppv_native_writer;
struct ppv_clock_point;
int ppv_rotate_switch(struct ppv_native_writer *w, int fd, struct ppv_clock_point cal,
		      uint64_t mult);

#endif
