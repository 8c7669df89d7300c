/* SPDX-License-Identifier: MIT */
/*
 * memstat.c - samples the process's resident set size for PPV_EVENT_MEMSTAT.
 *
 * Owns: reading the current and peak RSS. Called only by the writer thread
 * (writer-thread.c decides how often), never on a path the traced program
 * runs, so the program pays nothing for it. The statm descriptor is opened
 * with the session (own-fd.c) and read with pread(): opening one per
 * sample could race with a program that closes descriptors it does not
 * know, and close one of the program's own.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "recorder.h"

/**
 * ppv_memstat_sample() - current and peak resident set size, in bytes.
 * Return: 0, or -1 if /proc is not readable (the sample is skipped).
 */
int ppv_memstat_sample(uint64_t *rss, uint64_t *peak)
{
	char buf[128];
	struct rusage ru;
	unsigned long long pages;
	ssize_t n;
	char *p;
	int fd = ppv_own_fd_get(PPV_OWN_STATM);

	if (fd < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "size resident shared ...", in pages. */
	p = buf;
	strtoull(p, &p, 10);
	pages = strtoull(p, NULL, 10);
	*rss = (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
	*peak = *rss;
	if (getrusage(RUSAGE_SELF, &ru) == 0 && (uint64_t)ru.ru_maxrss * 1024 > *peak)
		*peak = (uint64_t)ru.ru_maxrss * 1024;
	return 0;
}
