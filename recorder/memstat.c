/* SPDX-License-Identifier: MIT */
/*
 * memstat.c - samples the process's resident set size for PPV_EVENT_MEMSTAT.
 *
 * Owns: the statm descriptor (opened with the session, closed with it;
 * own-fd.c keeps the program from closing it) and reading the current and
 * peak RSS. Sampling is called only by the writer thread
 * (writer-thread.c decides how often), never on a path the traced program
 * runs, so the program pays nothing for it. The descriptor is read with
 * pread(): opening one per
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

/**
 * ppv_memstat_open() - open /proc/self/statm for this process's samples.
 * A fork child first closes the one it inherited: it names the parent.
 */
void ppv_memstat_open(void)
{
	int fd = ppv_own_fd_get(PPV_OWN_STATM);

	if (fd >= 0)
		close(fd);
	ppv_own_fd_set(PPV_OWN_STATM, open("/proc/self/statm", O_RDONLY | O_CLOEXEC));
}

void ppv_memstat_close(void)
{
	int fd = ppv_own_fd_get(PPV_OWN_STATM);

	ppv_own_fd_set(PPV_OWN_STATM, -1);
	if (fd >= 0)
		close(fd);
}
