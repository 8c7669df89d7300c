/* SPDX-License-Identifier: MIT */
/*
 * record-opts.h - ppv-record's command line, parsed into a struct so that
 * tests can check it without running anything.
 */
#ifndef PPV_LAUNCHER_RECORD_OPTS_H
#define PPV_LAUNCHER_RECORD_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ppv_record_backend {
	PPV_BACKEND_NATIVE = 0, /* libppv-recorder.so writes PID.ppv files */
	PPV_BACKEND_LTTNG = 1,  /* libppv-recorder-lttng.so emits LTTng-UST events */
};

struct ppv_record_opts {
	enum ppv_record_backend backend;
	const char *output;     /* NULL: PROGRAM.ppv */
	int force;
	uint64_t buffer_size;   /* 0: the runtime's default */
	const char *mode;       /* "lossless" or "drop" */
	unsigned int flush_ms;  /* 0: the runtime's default */

	/* What to record. */
	const char *granularity; /* NULL (medium), "coarse", "medium", "fine" */
	uint64_t threshold_ns;  /* coarse: shortest call kept; 0: the runtime's default */
	int memory;             /* -1: per granularity; 0: never; 1: always */
	int no_io;              /* do not interpose I/O calls */
	char filter[4096];      /* "F:PATTERN\n" / "N:PATTERN\n" lines, in order */
	unsigned int depth;     /* -D; 0: unlimited */
	uint64_t time_filter_ns; /* -t; 0: none */

	/* Production controls. */
	int pause_signal;       /* --signal; 0: none */
	uint64_t delay_ns, duration_ns;
	uint64_t max_size;      /* 0: unbounded */
	unsigned int rotate;    /* 0: the runtime's default when max_size is set */

	int help, version;
	char **argv;            /* PROGRAM ARGS..., NULL-terminated */
};

/**
 * ppv_record_opts_parse() - parse argv into @o.
 * Return: 0, or -EINVAL after printing "ppv-record: ..." on @err.
 */
int ppv_record_opts_parse(int argc, char **argv, struct ppv_record_opts *o, FILE *err);

/**
 * ppv_parse_size() - "64K", "1M", "2G" or bytes.
 * Return: 0 and *@out, or -EINVAL.
 */
int ppv_parse_size(const char *s, uint64_t *out);

/**
 * ppv_parse_time() - "250us", "10ms", "2s", "1m", "500ns"; a bare number is
 * in @unit_ns (1 for ns, 1000000000 for seconds).
 * Return: 0 and *@out in ns, or -EINVAL.
 */
int ppv_parse_time(const char *s, uint64_t unit_ns, uint64_t *out);

/**
 * ppv_parse_signal() - "USR1", "SIGUSR1", "usr1" or a number.
 * Return: the signal number, or -EINVAL.
 */
int ppv_parse_signal(const char *s);

/**
 * ppv_record_opts_env() - export the recording options of @o to the
 * environment the runtime reads (PPV_GRANULARITY, PPV_FILTER, ...).
 * Return: 0 or -ENOMEM.
 */
int ppv_record_opts_env(const struct ppv_record_opts *o);

void ppv_record_usage(FILE *out);

#endif
