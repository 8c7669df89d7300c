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
	[PPV_EVENT_ALLOC] = "alloc",
	[PPV_EVENT_FREE] = "free",
	[PPV_EVENT_MEMSTAT] = "memstat",
	[PPV_EVENT_PAUSE] = "pause",
	[PPV_EVENT_RESUME] = "resume",
};

static const char *const io_ops[PPV_IO_OP_COUNT] = {
	[PPV_IO_OP_NONE] = "explicit", [PPV_IO_OP_READ] = "read",   [PPV_IO_OP_WRITE] = "write",
	[PPV_IO_OP_OPEN] = "open",     [PPV_IO_OP_CLOSE] = "close", [PPV_IO_OP_CONNECT] = "connect",
	[PPV_IO_OP_ACCEPT] = "accept", [PPV_IO_OP_SYNC] = "sync",
};

static const char *const fd_classes[PPV_FD_CLASS_COUNT] = {
	[PPV_FD_UNKNOWN] = "unknown", [PPV_FD_FILE] = "file", [PPV_FD_TCP] = "tcp",
	[PPV_FD_UDP] = "udp",         [PPV_FD_UNIX] = "unix", [PPV_FD_PIPE] = "pipe",
	[PPV_FD_TTY] = "tty",         [PPV_FD_OTHER] = "other",
};

static const char *const alloc_kinds[PPV_ALLOC_KIND_COUNT] = {
	[PPV_ALLOC_MALLOC] = "malloc",
	[PPV_ALLOC_CALLOC] = "calloc",
	[PPV_ALLOC_REALLOC] = "realloc",
	[PPV_ALLOC_MMAP] = "mmap",
};

PPV_API const char *ppv_io_op_name(unsigned int op)
{
	return op < PPV_IO_OP_COUNT ? io_ops[op] : "unknown";
}

PPV_API const char *ppv_fd_class_name(unsigned int c)
{
	return c < PPV_FD_CLASS_COUNT ? fd_classes[c] : "unknown";
}

PPV_API const char *ppv_alloc_kind_name(unsigned int kind)
{
	return kind < PPV_ALLOC_KIND_COUNT ? alloc_kinds[kind] : "unknown";
}

PPV_API const char *ppv_event_type_name(unsigned int type)
{
	return type < PPV_EVENT_TYPE_COUNT && names[type] ? names[type] : "unknown";
}
