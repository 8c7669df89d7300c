/* SPDX-License-Identifier: MIT */
/*
 * event-names.c - ppv_event_type_name(): stable lower-case names of event
 * types, as printed by ppv-analyze dump and used in JSON.
 */
#include <perprovis/ppv-trace.h>

static const char *const names[PPV_EVENT_TYPE_COUNT] = {
	[PPV_EVENT_NONE] = "none",
	[PPV_EVENT_ENTER] = "enter",
	[PPV_EVENT_EXIT] = "exit",
	[PPV_EVENT_SCOPE_ENTER] = "scope-enter",
	[PPV_EVENT_SCOPE_EXIT] = "scope-exit",
	[PPV_EVENT_IO] = "io",
	[PPV_EVENT_ERROR] = "error",
	[PPV_EVENT_THREAD_START] = "thread-start",
	[PPV_EVENT_THREAD_EXIT] = "thread-exit",
	[PPV_EVENT_MODULE_LOAD] = "module-load",
	[PPV_EVENT_MODULE_UNLOAD] = "module-unload",
	[PPV_EVENT_CLOCK] = "clock",
	[PPV_EVENT_LOSS] = "loss",
	[PPV_EVENT_SYNC] = "sync",
};

PPV_API const char *ppv_event_type_name(unsigned int type)
{
	return type < PPV_EVENT_TYPE_COUNT && names[type] ? names[type] : "unknown";
}
