/* SPDX-License-Identifier: MIT */
/*
 * ppv-trace.h - decoded trace events and the trace-reading API of
 * libperprovis.
 *
 * A trace is a directory holding one file per recorded process plus a
 * symbol file written by ppv-record. struct ppv_trace opens the directory
 * (or a single process file), merges the processes' events in time order
 * and symbolizes addresses. Events are host-endian and timestamps are
 * nanoseconds on CLOCK_MONOTONIC, whatever clock the recorder used.
 */
#ifndef PERPROVIS_PPV_TRACE_H
#define PERPROVIS_PPV_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ppv_event_type {
	PPV_EVENT_NONE = 0,
	PPV_EVENT_ENTER = 1,         /* function entry, by address (func) */
	PPV_EVENT_EXIT = 2,          /* function exit, by address (func); address 0:
				      * the innermost function (a source that
				      * records none, as LTTng's cyg-profile-fast) */
	PPV_EVENT_SCOPE_ENTER = 3,   /* named scope or PPV_FUNCTION() (scope) */
	PPV_EVENT_SCOPE_EXIT = 4,    /* (scope) */
	PPV_EVENT_IO = 5,            /* one I/O operation, stamped at its end (io) */
	PPV_EVENT_ERROR = 6,         /* an error counted against the current frame (error) */
	PPV_EVENT_THREAD_START = 7,  /* first event of a thread (thread) */
	PPV_EVENT_THREAD_EXIT = 8,   /* thread exit (thread) */
	PPV_EVENT_MODULE_LOAD = 9,   /* executable or shared object mapped (module) */
	PPV_EVENT_MODULE_UNLOAD = 10, /* dlclose (module: base only) */
	PPV_EVENT_CLOCK = 11,        /* clock calibration in force from here (clock) */
	PPV_EVENT_LOSS = 12,         /* events dropped by the drop policy (loss) */
	PPV_EVENT_SYNC = 13,         /* watermark: no later event of this process has ts < this ts */
	PPV_EVENT_ALLOC = 14,        /* memory allocated by the current frame (alloc) */
	PPV_EVENT_FREE = 15,         /* memory released (alloc: addr, kind; size 0 if unknown) */
	PPV_EVENT_MEMSTAT = 16,      /* resident set size sample of the process (memstat) */
	PPV_EVENT_PAUSE = 17,        /* recording paused in this process: events stop here */
	PPV_EVENT_RESUME = 18,       /* recording resumed; frames open at the pause are gone */
	PPV_EVENT_TYPE_COUNT
};

/* What an automatic I/O event did (io.op). Explicit ppv_io_begin/end
 * operations have PPV_IO_OP_NONE. */
enum ppv_io_op {
	PPV_IO_OP_NONE = 0,
	PPV_IO_OP_READ = 1,    /* read, pread, readv, recv, recvfrom, recvmsg, fread */
	PPV_IO_OP_WRITE = 2,   /* write, pwrite, writev, send, sendto, sendmsg, fwrite */
	PPV_IO_OP_OPEN = 3,    /* open, openat, fopen */
	PPV_IO_OP_CLOSE = 4,   /* close, fclose */
	PPV_IO_OP_CONNECT = 5, /* connect */
	PPV_IO_OP_ACCEPT = 6,  /* accept, accept4 */
	PPV_IO_OP_SYNC = 7,    /* fsync, fdatasync, fflush */
	PPV_IO_OP_COUNT
};

/* What the descriptor of an automatic I/O event is (io.fdclass). */
enum ppv_fd_class {
	PPV_FD_UNKNOWN = 0, /* explicit operation, or not classified */
	PPV_FD_FILE = 1,    /* regular file (or directory, block device) */
	PPV_FD_TCP = 2,
	PPV_FD_UDP = 3,
	PPV_FD_UNIX = 4,    /* AF_UNIX socket */
	PPV_FD_PIPE = 5,    /* pipe or FIFO */
	PPV_FD_TTY = 6,     /* terminal */
	PPV_FD_OTHER = 7,   /* other character device, other socket, eventfd, ... */
	PPV_FD_CLASS_COUNT
};

/* How memory was obtained or released (alloc.kind). */
enum ppv_alloc_kind {
	PPV_ALLOC_MALLOC = 0,   /* malloc, and the aligned allocators */
	PPV_ALLOC_CALLOC = 1,
	PPV_ALLOC_REALLOC = 2,  /* the new block of a realloc (its old block: a FREE) */
	PPV_ALLOC_MMAP = 3,     /* anonymous mmap / munmap */
	PPV_ALLOC_KIND_COUNT
};

/**
 * struct ppv_event - one decoded event.
 *
 * @ts is nanoseconds on CLOCK_MONOTONIC when read back. When handed to the
 * native writer by the recorder it is in the recorder's raw clock (TSC
 * ticks or ns), converted through the PPV_EVENT_CLOCK calibration.
 * String and byte pointers are borrowed: on the reading side they stay valid
 * until the reader is closed; on the writing side they need only be valid
 * for the duration of the append call.
 */
struct ppv_event {
	uint16_t type;     /* enum ppv_event_type */
	uint16_t flags;
	uint32_t pid;
	uint32_t tid;
	uint32_t reserved;
	uint64_t ts;
	union {
		struct {
			uint64_t addr;
		} func;
		struct {
			const char *name;
		} scope;
		struct {
			uint64_t start;  /* same clock as ts; ts is the end */
			uint64_t bytes;
			const char *name; /* may be NULL */
			int32_t err;     /* 0, or a positive errno value */
			int32_t fd;      /* -1 if unknown */
			uint16_t kind;   /* enum ppv_io_kind */
			uint8_t op;      /* enum ppv_io_op */
			uint8_t fdclass; /* enum ppv_fd_class */
		} io;
		struct {
			uint64_t addr;   /* block address */
			uint64_t size;   /* bytes asked for (FREE: 0, or the munmap length) */
			uint16_t kind;   /* enum ppv_alloc_kind */
		} alloc;
		struct {
			uint64_t rss;      /* resident set size, bytes */
			uint64_t peak_rss; /* highest resident set size so far, bytes */
		} memstat;
		struct {
			int64_t code;    /* 0 if the program gave none */
		} error;
		struct {
			const char *name; /* may be NULL */
		} thread;
		struct {
			uint64_t base;   /* lowest mapped address */
			uint64_t size;   /* bytes from base to the end of the last PT_LOAD */
			uint64_t bias;   /* load bias: runtime address - ELF virtual address */
			const char *path;
			const uint8_t *build_id;
			uint32_t build_id_len;
		} module;
		struct {
			uint64_t ticks;  /* raw clock value ... */
			uint64_t ns;     /* ... equals this CLOCK_MONOTONIC ns */
			uint64_t mult;   /* ns per tick, 32.32 fixed point */
		} clock;
		struct {
			uint64_t count;
		} loss;
	};
};

/**
 * struct ppv_process_info - what is known of one recorded process.
 */
struct ppv_process_info {
	uint32_t pid;
	uint32_t ppid;
	uint64_t start_ns;          /* CLOCK_MONOTONIC at recorder start */
	uint64_t start_realtime_ns; /* wall clock at recorder start */
	uint64_t end_ns;            /* last timestamp seen, once read; else 0 */
	const char *file;           /* path of the process's trace file */
	const char *exe;            /* executable path, may be NULL */
	const char *cmdline;        /* space-separated argv, may be NULL */
	const char *clock;          /* "tsc" or "monotonic" */
	uint64_t events;            /* events read so far */
	uint64_t lost;              /* events dropped by the recorder */
	int complete;               /* 1 if the file ends with its END chunk */
	/* A trace kept within ppv-record --max-size is split into segment
	 * files, read as one stream: their paths, oldest first (@file is the
	 * first); 1 and {@file} for an unsplit file, 0 and NULL for a CTF
	 * process. Events of deleted segments are counted in @lost. */
	size_t segments;
	const char *const *segment_files;
};

/**
 * struct ppv_symbol - result of ppv_trace_symbolize().
 * @name:   symbol name (mangled as in the ELF file), or NULL if unknown.
 * @module: path of the module the address falls in, or NULL.
 * @offset: @addr - symbol start if @name, else @addr - module bias.
 * @start:  runtime address of the symbol (0 if unknown).
 * @bias:   the module's load bias: @start - @bias is the ELF address.
 * @build_id, @build_id_len: the module's GNU build-id (NULL, 0 if none).
 */
struct ppv_symbol {
	const char *name;
	const char *module;
	uint64_t offset;
	uint64_t start;
	uint64_t size;
	uint64_t bias;
	const uint8_t *build_id;
	uint32_t build_id_len;
};

/**
 * struct ppv_module_info - a module mapped by a recorded process.
 * @symbols: where its symbols come from: "embedded" (the trace's symbol
 *           file), "file" (the ELF file on disk, same build-id) or "none".
 */
struct ppv_module_info {
	const char *path;
	uint64_t base, size, bias;
	const uint8_t *build_id;
	uint32_t build_id_len;
	int unloaded;
	const char *symbols;
	size_t nsyms;
};

struct ppv_trace;

/**
 * ppv_trace_open() - open a trace directory or a single process file.
 * @path: the directory given to ppv-record -o, or one of its .ppv files.
 * @out:  receives the trace.
 *
 * Every process file's header is validated here; events are read lazily.
 *
 * Return: 0; -ENOENT if @path does not exist; -EINVAL if it is not a
 * PerProVis trace or is corrupt; -ENOTSUP for an unknown major version;
 * -ENOMEM. ppv_trace_open_error() describes the last failure.
 * Ownership: the caller owns *@out and frees it with ppv_trace_close().
 */
PPV_API int ppv_trace_open(const char *path, struct ppv_trace **out);

/**
 * ppv_trace_open_error() - message of the last failed ppv_trace_open() in
 * this thread: names the file, the byte offset and what was expected.
 *
 * Ownership: static thread-local storage, valid until the next open.
 */
PPV_API const char *ppv_trace_open_error(void);

/** ppv_trace_close() - free a trace. NULL is a no-op. */
PPV_API void ppv_trace_close(struct ppv_trace *t);

/**
 * ppv_trace_next() - the next event of any process, in time order.
 * @t:  the trace.
 * @ev: receives the event.
 *
 * Return: 1 when @ev was filled, 0 at the end, negative errno on a read
 * error (ppv_trace_last_error() says where). A torn last chunk is not an
 * error: reading ends there and ppv_trace_warnings() says so.
 * Ownership: strings in @ev are borrowed from @t.
 */
PPV_API int ppv_trace_next(struct ppv_trace *t, struct ppv_event *ev);

/**
 * ppv_trace_info() - a key of process @i's recording settings ("cmdline",
 * "exe", "mode", "clock", "granularity", ...), or NULL if absent.
 * Ownership: borrowed from @t.
 */
PPV_API const char *ppv_trace_info(const struct ppv_trace *t, size_t i, const char *key);

/**
 * ppv_trace_next_borrow() - ppv_trace_next() without the copy: *@ev points
 * at the event inside @t.
 * Ownership: *@ev is borrowed; valid until the next call on @t.
 */
PPV_API int ppv_trace_next_borrow(struct ppv_trace *t, const struct ppv_event **ev);

/** ppv_trace_last_error() - message describing the last error of @t. */
PPV_API const char *ppv_trace_last_error(const struct ppv_trace *t);

/**
 * ppv_trace_warnings() - newline-separated warnings collected so far
 * (torn chunks, skipped unknown chunks, events lost), or "" if none.
 * Ownership: borrowed from @t.
 */
PPV_API const char *ppv_trace_warnings(const struct ppv_trace *t);

/** ppv_trace_process_count() - number of process files in the trace. */
PPV_API size_t ppv_trace_process_count(const struct ppv_trace *t);

/**
 * ppv_trace_borrow_process() - information on process @i.
 * Ownership: borrowed from @t; counters grow as events are read.
 */
PPV_API const struct ppv_process_info *ppv_trace_borrow_process(const struct ppv_trace *t,
								  size_t i);

/**
 * ppv_trace_symbolize() - name the function at @addr in process @pid.
 * @t:    the trace; its module map is the one built from events read so far.
 * @pid:  process the address belongs to.
 * @addr: runtime address.
 * @out:  receives the symbol; fields are NULL where unknown.
 *
 * Return: 0 if a symbol was found, -ENOENT if only the module (or nothing)
 * is known; @out is filled in both cases.
 * Ownership: strings in @out are borrowed from @t.
 */
PPV_API int ppv_trace_symbolize(struct ppv_trace *t, uint32_t pid, uint64_t addr,
				struct ppv_symbol *out);

/**
 * ppv_trace_format_symbol() - "name", "module+0xoff" or "0xaddr" into @buf.
 *
 * Return: @buf.
 */
PPV_API const char *ppv_trace_format_symbol(struct ppv_trace *t, uint32_t pid, uint64_t addr,
					    char *buf, size_t len);

/** ppv_trace_module_count() - modules seen so far in process @i. */
PPV_API size_t ppv_trace_module_count(const struct ppv_trace *t, size_t i);

/**
 * ppv_trace_module() - module @m of process @i, in load order; resolves its
 * symbols (once) to fill @out->symbols and @out->nsyms.
 * Return: 0, or -ENOENT if out of range.
 * Ownership: strings in @out are borrowed from @t.
 */
PPV_API int ppv_trace_module(struct ppv_trace *t, size_t i, size_t m,
			     struct ppv_module_info *out);

/** ppv_event_type_name() - "enter", "exit", ...; "unknown" otherwise. */
PPV_API const char *ppv_event_type_name(unsigned int type);

/** ppv_io_op_name() - "read", "write", "open", ...; "unknown" otherwise. */
PPV_API const char *ppv_io_op_name(unsigned int op);

/** ppv_fd_class_name() - "file", "tcp", "udp", "unix", "pipe", "tty", ... */
PPV_API const char *ppv_fd_class_name(unsigned int fdclass);

/** ppv_alloc_kind_name() - "malloc", "calloc", "realloc", "mmap". */
PPV_API const char *ppv_alloc_kind_name(unsigned int kind);

#ifdef __cplusplus
}
#endif

#endif /* PERPROVIS_PPV_TRACE_H */
