/* SPDX-License-Identifier: MIT */
/*
 * memstat.c - samples the process's resident set size for PPV_EVENT_MEMSTAT.
 *
 * Owns: reading the current and peak RSS. Called only by the writer thread
 * (writer-thread.c decides how often), never on a path the traced program
 * runs, so the program pays nothing for it. No descriptor is kept open
 * between samples: a program that closes every descriptor it does not know
 * (daemons do) must not find one of ours.
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
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
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
