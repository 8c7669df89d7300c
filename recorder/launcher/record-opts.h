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

void ppv_record_usage(FILE *out);

#endif
