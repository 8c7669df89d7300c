/* SPDX-License-Identifier: MIT */
/*
 * rotate.c - bounded disk (--max-size, --rotate): which segment files of
 * this process image to delete when a new one starts, how many events they
 * held, and the file operations of a rotation.
 *
 * Owns: struct ppv_rotate (pure bookkeeping, unit-tested), the process's
 * instance, segment file names, and deleting and creating segment files.
 * Does not own: when to rotate or what goes into a new segment (the writer
 * thread, writer-thread.c) or the bytes (formats/native-writer.c).
 *
 * A segment is closed once it holds 7/8 of max_size/files bytes; chunks
 * are at most 1/16 of that (ppv_rotate_chunk_size()), so a closed segment
 * stays within max_size/files and the files kept within max_size. The
 * writer thread calls this: nothing here allocates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "native-writer.h"
#include "recorder.h"
#include "rotate.h"
#include "segment-name.h"

#define PPV_MIN_CHUNK 4096u
#define PPV_MAX_CHUNK (1u << 20)

void ppv_rotate_init(struct ppv_rotate *r, uint64_t max_size, unsigned int files)
{
	memset(r, 0, sizeof(*r));
	if (files < 2)
		files = files ? 2 : PPV_ROTATE_DEFAULT;
	if (files > PPV_ROTATE_MAX)
		files = PPV_ROTATE_MAX;
	r->max_size = max_size;
	r->files = files;
	r->seg_size = max_size / files;
}

/* Whether a segment of @bytes is full: the next chunk could overflow it. */
int ppv_rotate_due(const struct ppv_rotate *r, uint64_t bytes)
{
	return bytes >= r->seg_size - r->seg_size / 8;
}

/* Raw bytes per chunk: small enough that one chunk past ppv_rotate_due()
 * keeps the segment within seg_size, even if it does not compress. */
size_t ppv_rotate_chunk_size(const struct ppv_rotate *r)
{
	uint64_t c = r->seg_size / 16;

	return c < PPV_MIN_CHUNK ? PPV_MIN_CHUNK : c > PPV_MAX_CHUNK ? PPV_MAX_CHUNK : (size_t)c;
}

/**
 * ppv_rotate_close() - the current segment is closed with @bytes on disk
 * and @events events, the losses it reported included. A new segment
 * starts: pick the oldest segments to delete so that at most @files files
 * are kept and the closed ones plus a full new one fit in max_size.
 * @del:  receives the numbers of the segments to delete, oldest first.
 * @loss: receives the count of the LOSS event the new segment starts
 *        with: the events and losses of the deleted segments. A deleted
 *        segment's own LOSS is carried on this way, so the LOSS events of
 *        the segments kept always add up to everything deleted.
 *
 * Return: how many were put in @del (at most @max).
 */
size_t ppv_rotate_close(struct ppv_rotate *r, uint64_t bytes, uint64_t events, uint64_t *del,
			size_t max, uint64_t *loss)
{
	size_t n = 0;

	r->seg[r->cur % PPV_ROTATE_MAX].bytes = bytes;
	r->seg[r->cur % PPV_ROTATE_MAX].events = events;
	r->kept_bytes += bytes;
	r->cur++;
	*loss = 0;
	while (r->first < r->cur && n < max &&
	       (r->cur - r->first + 1 > r->files || r->kept_bytes + r->seg_size > r->max_size)) {
		const __typeof__(r->seg[0]) *d = &r->seg[r->first % PPV_ROTATE_MAX];

		r->kept_bytes -= d->bytes;
		*loss += d->events;
		/* Not the LOSS it started with: those were counted already. */
		r->dropped += d->events - d->carried;
		del[n++] = r->first++;
	}
	r->seg[r->cur % PPV_ROTATE_MAX].carried = *loss;
	return n;
}

/* ---- the process's instance -------------------------------------------- */

static struct ppv_rotate rot;
static int enabled;
static char base_path[PATH_MAX];

/**
 * ppv_rotate_setup() - split this image's trace into segments named after
 * @base ("DIR/PID" or "DIR/PID-N"; segment 0, BASE.ppv, is already open),
 * keeping @max_size bytes in at most @files files; @base NULL or
 * @max_size 0 turns it off.
 * Return: 0, or -ENAMETOOLONG.
 */
int ppv_rotate_setup(const char *base, uint64_t max_size, unsigned int files)
{
	enabled = 0;
	if (!base || !max_size)
		return 0;
	if (snprintf(base_path, sizeof(base_path), "%s", base) >= (int)sizeof(base_path))
		return -ENAMETOOLONG;
	ppv_rotate_init(&rot, max_size, files);
	enabled = 1;
	return 0;
}

int ppv_rotate_enabled(void)
{
	return enabled;
}

int ppv_rotate_due_now(uint64_t bytes)
{
	return enabled && ppv_rotate_due(&rot, bytes);
}

size_t ppv_rotate_chunk_size_now(void)
{
	return enabled ? ppv_rotate_chunk_size(&rot) : 0;
}

/* The INFO values of the segment being written: its number and the events
 * lost with every segment deleted so far. */
void ppv_rotate_info(char *segment, char *dropped, size_t len)
{
	snprintf(segment, len, "%llu", (unsigned long long)rot.cur);
	snprintf(dropped, len, "%llu", (unsigned long long)rot.dropped);
}

/**
 * ppv_rotate_next() - the current segment is finished (@bytes on disk,
 * @events events and losses): delete what must go and create the next
 * segment's file.
 * @dropped_now: receives the count of the new segment's LOSS event (see
 * ppv_rotate_close()).
 *
 * Return: the new file's descriptor, or -errno (the old file stays).
 */
int ppv_rotate_next(uint64_t bytes, uint64_t events, uint64_t *dropped_now)
{
	uint64_t del[16];
	char path[PATH_MAX + 32];
	size_t n;
	int fd;

	/* More than 16 at once only if max_size shrank: the rest go at the
	 * next rotation. */
	n = ppv_rotate_close(&rot, bytes, events, del, sizeof(del) / sizeof(del[0]), dropped_now);
	for (size_t i = 0; i < n; i++) {
		ppv_segment_name(path, sizeof(path), base_path, del[i]);
		unlink(path);
	}
	ppv_segment_name(path, sizeof(path), base_path, rot.cur);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	/* Ours until moved onto the trace fd: the program must not close it. */
	ppv_own_fd_set(PPV_OWN_ROTATING, fd);
	return fd >= 0 ? fd : -errno;
}

/**
 * ppv_segment_base_taken() - whether segment files of @base (a name in
 * @dir, without ".ppv") exist: an earlier image of this process (before an
 * exec) may have deleted its BASE.ppv and still own BASE.s3.ppv.
 */
int ppv_segment_base_taken(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t blen = strlen(base), n;
	int taken = 0;

	if (!d)
		return 0;
	while (!taken && (de = readdir(d)))
		taken = ppv_segment_parse(de->d_name, &n) > 0 && n == blen &&
			memcmp(de->d_name, base, blen) == 0;
	closedir(d);
	return taken;
}

/**
 * ppv_rotate_switch() - finish @w's file, delete the segments that must
 * go, and continue in the next segment's file on the same descriptor @fd,
 * starting with the calibration in force (@cal, @mult: the writer's
 * anchor and slope, so the new file maps ticks as the old one did) and the
 * LOSS of what was deleted (tid = pid).
 *
 * dup3() moves the new file onto @fd, so the trace's descriptor never
 * changes: the I/O wrappers' ppv_owns_fd() stays true throughout,
 * and the number is never free for the program to get.
 *
 * Return: 0, or -errno (recording must stop: @w is finished).
 */
int ppv_rotate_switch(struct ppv_native_writer *w, int fd, struct ppv_clock_point cal,
		      uint64_t mult)
{
	struct ppv_event ev = { .type = PPV_EVENT_CLOCK, .ts = cal.ticks };
	struct ppv_native_totals tot;
	char seg[32], drop[32];
	uint64_t lost;
	int nfd, err = ppv_native_writer_finish(w, &tot);

	if (err)
		return err;
	nfd = ppv_rotate_next(tot.bytes, tot.events + tot.lost, &lost);
	if (nfd < 0)
		return nfd;
	err = dup3(nfd, fd, O_CLOEXEC) < 0 ? -errno : 0;
	close(nfd);
	ppv_own_fd_set(PPV_OWN_ROTATING, -1);
	if (err)
		return err;
	ppv_rotate_info(seg, drop, sizeof(seg));
	ppv_native_writer_set_info(w, "segment", seg);
	ppv_native_writer_set_info(w, "dropped_events", drop);
	err = ppv_native_writer_restart(w, fd);
	ev.clock.ticks = cal.ticks;
	ev.clock.ns = cal.ns;
	ev.clock.mult = mult;
	if (!err)
		err = ppv_native_writer_append(w, &ev);
	if (!err && lost) {
		ev = (struct ppv_event){ .type = PPV_EVENT_LOSS, .tid = (uint32_t)getpid() };
		ev.ts = ppv_clock_ticks();
		ev.loss.count = lost;
		err = ppv_native_writer_append(w, &ev);
	}
	return err;
}
