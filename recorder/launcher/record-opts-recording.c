/* SPDX-License-Identifier: MIT */
/*
 * record-opts-recording.c - the part of ppv-record's command line that says
 * what the runtime records and when: granularity, filters, production
 * controls. Parses the values (so that a mistake is a usage error before
 * the program runs) and exports them to the runtime's environment.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record-opts.h"

int ppv_parse_time(const char *s, uint64_t unit_ns, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		{ "m", 60000000000ull }, { "h", 3600000000000ull },
	};
	char *end;
	double v;

	errno = 0;
	if (!s || !*s || s[0] == '-')
		return -EINVAL;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	if (*end) {
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(end, units[i].suffix) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		unit_ns = units[i].ns;
	}
	if (v * (double)unit_ns > 1.8e19)
		return -EINVAL;
	*out = (uint64_t)(v * (double)unit_ns + 0.5);
	return 0;
}

int ppv_parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "USR1", SIGUSR1 },
		{ "USR2", SIGUSR2 }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
		{ "CONT", SIGCONT }, { "TSTP", SIGTSTP }, { "URG", SIGURG }, { "WINCH", SIGWINCH },
		{ "PROF", SIGPROF }, { "VTALRM", SIGVTALRM }, { "IO", SIGIO }, { "PWR", SIGPWR },
	};
	char *end;
	long n;

	if (!s || !*s)
		return -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].sig;
	if (strncasecmp(s, "RTMIN+", 6) == 0) {
		n = strtol(s + 6, &end, 10);
		return *end || n < 0 || SIGRTMIN + n > SIGRTMAX ? -EINVAL : (int)(SIGRTMIN + n);
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > SIGRTMAX)
		return -EINVAL;
	/* Signals the kernel or the runtime itself must keep. */
	if (n == SIGKILL || n == SIGSTOP || n == SIGSEGV || n == SIGBUS || n == SIGFPE ||
	    n == SIGILL || n == SIGABRT || n == SIGTRAP)
		return -EINVAL;
	return (int)n;
}

static int set_u64(const char *name, uint64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return setenv(name, num, 1);
}

int ppv_record_opts_env(const struct ppv_record_opts *o)
{
	int err = 0;

	if (o->granularity)
		err |= setenv("PPV_GRANULARITY", o->granularity, 1);
	if (o->threshold_ns)
		err |= set_u64("PPV_THRESHOLD_NS", o->threshold_ns);
	if (o->memory >= 0)
		err |= set_u64("PPV_MEMORY", (uint64_t)o->memory);
	if (o->no_io)
		err |= setenv("PPV_IO", "0", 1);
	if (o->filter[0])
		err |= setenv("PPV_FILTER", o->filter, 1);
	if (o->depth)
		err |= set_u64("PPV_DEPTH", o->depth);
	if (o->time_filter_ns)
		err |= set_u64("PPV_TIME_FILTER_NS", o->time_filter_ns);
	if (o->pause_signal)
		err |= set_u64("PPV_SIGNAL", (uint64_t)o->pause_signal);
	if (o->delay_ns)
		err |= set_u64("PPV_DELAY_NS", o->delay_ns);
	if (o->duration_ns)
		err |= set_u64("PPV_DURATION_NS", o->duration_ns);
	if (o->max_size)
		err |= set_u64("PPV_MAX_SIZE", o->max_size);
	if (o->rotate)
		err |= set_u64("PPV_ROTATE", o->rotate);
	return err ? -ENOMEM : 0;
}
