/* SPDX-License-Identifier: MIT */
/*
 * lttng-session.h - ppv-record --backend lttng: driving an LTTng tracing
 * session around the traced program through the lttng(1) command line.
 */
#ifndef PPV_LAUNCHER_LTTNG_SESSION_H
#define PPV_LAUNCHER_LTTNG_SESSION_H

#include <stdint.h>

struct ppv_lttng_session;

/**
 * struct ppv_lttng_opts - how to set up the session.
 * @dir:         trace directory (absolute); the CTF trace goes under it.
 * @lossless:    block the program when a sub-buffer is full (counts stay
 *               exact) instead of discarding events.
 * @subbuf_size: bytes per sub-buffer, 0 for the default (1 MiB).
 * @flush_ms:    switch timer, 0 for none.
 */
struct ppv_lttng_opts {
	const char *dir;
	int lossless;
	uint64_t subbuf_size;
	unsigned int flush_ms;
};

/**
 * ppv_lttng_cli_found() - whether the lttng command is on PATH.
 */
int ppv_lttng_cli_found(void);

/**
 * ppv_lttng_session_start() - reach a session daemon (starting one if none
 * runs), create a uniquely named session writing to @o->dir, enable the
 * perprovis and statedump events with the vpid, vtid and procname contexts,
 * and start it.
 * Return: 0 and *@out, or -1 after printing the reason (everything it set
 * up is undone).
 * Ownership: the caller owns *@out; ppv_lttng_session_finish() frees it.
 */
int ppv_lttng_session_start(const struct ppv_lttng_opts *o, struct ppv_lttng_session **out);

/**
 * ppv_lttng_session_finish() - stop the session (which waits until its
 * data is on disk), destroy it and stop the session daemon if this session
 * started it. Frees @s; NULL is a no-op.
 * Return: 0, or -1 after printing what failed.
 */
int ppv_lttng_session_finish(struct ppv_lttng_session *s);

/**
 * ppv_lttng_child_env() - in the forked child, before exec: preload @lib,
 * make the program wait for its registration with the session daemon, and
 * switch the annotations on.
 * Return: 0, or -1 if the environment cannot be set.
 */
int ppv_lttng_child_env(const char *lib, int lossless);

#endif
