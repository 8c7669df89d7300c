/* SPDX-License-Identifier: MIT */
/*
 * trace-dir.h - ppv-record's output directory, for either backend.
 */
#ifndef PPV_LAUNCHER_TRACE_DIR_H
#define PPV_LAUNCHER_TRACE_DIR_H

/**
 * ppv_trace_dir_prepare() - create @dir, or check that it holds no trace
 * (native or CTF); with @force, remove the trace it holds.
 * Return: 0, or 1 after printing the reason.
 */
int ppv_trace_dir_prepare(const char *dir, int force);

#endif
