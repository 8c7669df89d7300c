/* SPDX-License-Identifier: MIT */
/*
 * perprovis-tp.h - the LTTng-UST provider "perprovis": the events the LTTng
 * backend of the recorder emits instead of the native format. The field
 * names and types are a contract with formats/ctf-reader.c and are
 * documented in docs/lttng.md; change all three together.
 *
 * <lttng/tracepoint-event.h> re-includes this file through
 * LTTNG_UST_TRACEPOINT_INCLUDE, so its directory must be on the -I path.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER perprovis

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "perprovis-tp.h"

#if !defined(PPV_PERPROVIS_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define PPV_PERPROVIS_TP_H

#include <stdint.h>

#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(perprovis, func_entry,
	LTTNG_UST_TP_ARGS(uint64_t, addr),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, addr, addr)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(perprovis, func_exit,
	LTTNG_UST_TP_ARGS(uint64_t, addr),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, addr, addr)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(perprovis, scope_entry,
	LTTNG_UST_TP_ARGS(const char *, name),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_string(name, name)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(perprovis, scope_exit,
	LTTNG_UST_TP_ARGS(const char *, name),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_string(name, name)
	)
)

/* Emitted when the I/O ends; its start is the event time minus duration_ns. */
LTTNG_UST_TRACEPOINT_EVENT(perprovis, io,
	LTTNG_UST_TP_ARGS(uint16_t, kind, int32_t, fd, uint64_t, bytes, uint64_t, duration_ns,
			  int32_t, err, const char *, name),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint16_t, kind, kind)
		lttng_ust_field_integer(int32_t, fd, fd)
		lttng_ust_field_integer(uint64_t, bytes, bytes)
		lttng_ust_field_integer(uint64_t, duration_ns, duration_ns)
		lttng_ust_field_integer(int32_t, err, err)
		lttng_ust_field_string(name, name)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(perprovis, error,
	LTTNG_UST_TP_ARGS(int64_t, code),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(int64_t, code, code)
	)
)

#endif /* PPV_PERPROVIS_TP_H */

#include <lttng/tracepoint-event.h>
