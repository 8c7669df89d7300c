/* SPDX-License-Identifier: MIT */
/*
 * perprovis-tp.c - the probes of the "perprovis" provider. Exactly one file
 * per provider defines these two macros.
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "perprovis-tp.h"
