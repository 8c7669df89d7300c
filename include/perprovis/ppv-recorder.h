/* SPDX-License-Identifier: MIT */
/*
 * ppv-recorder.h - annotations and recording control for programs that link
 * libppv-recorder (or run under ppv-record, which preloads it).
 *
 * Every annotation is an inline test of one global flag when no recording is
 * active, so annotated code costs nothing measurable in production builds
 * that never record. Do not include this header directly: include
 * <perprovis/ppv.h>.
 */
#ifndef PERPROVIS_PPV_RECORDER_H
#define PERPROVIS_PPV_RECORDER_H

#ifndef PERPROVIS_PPV_H
#error "Please include <perprovis/ppv.h> instead."
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds of explicit I/O, as in the original design's I/O decorator. The
 * automatic interposition of issue 4 uses the same numbering. */
enum ppv_io_kind {
	PPV_IO_OTHER = 0,
	PPV_IO_FILE_READ = 1,
	PPV_IO_FILE_WRITE = 2,
	PPV_IO_NETWORK = 3,
	PPV_IO_DATABASE = 4,
	PPV_IO_PIPE = 5,
	PPV_IO_CUSTOM = 6,
	PPV_IO_KIND_COUNT
};

/* Buffer policy when a thread's ring is full. */
enum ppv_mode {
	PPV_MODE_LOSSLESS = 0, /* the thread waits for the writer; counts stay exact */
	PPV_MODE_DROP = 1,     /* the thread never waits; lost events are counted */
};

/**
 * struct ppv_start_opts - options of ppv_start(); pass NULL for defaults.
 * @sz:            sizeof(struct ppv_start_opts), for forward compatibility.
 * @output_dir:    trace directory, created if missing (default "PROGNAME.ppv").
 * @mode:          buffer policy (default PPV_MODE_LOSSLESS).
 * @buffer_size:   bytes of ring per thread (default 1 MiB, rounded to a power of 2).
 * @flush_ms:      longest time an event stays in memory (default 100).
 * @pause_signal:  a signal that toggles recording (ppv-record --signal);
 *                 0 = none. The program may still install its own handler
 *                 for it: that handler is called too (docs/user-guide.md).
 * @delay_ns:      start paused and resume this long after ppv_start().
 * @duration_ns:   pause for good this long after recording began (after
 *                 @delay_ns); 0 = never.
 * @max_size:      bytes of trace kept on disk for this process; the oldest
 *                 segment files are deleted and counted as lost events.
 *                 0 = unbounded (default).
 * @rotate:        segment files with @max_size (2 to 1000; 0 = 4).
 * @granularity:   "coarse", "medium" (default) or "fine" (ppv-record -g).
 * @threshold_ns:  coarse: shortest instrumented call kept (0 = 100 us).
 * @filter:        "F:PATTERN\n" (record only matching functions and their
 *                 callees) and "N:PATTERN\n" (record neither matching
 *                 functions nor their callees) lines; NULL = none.
 * @depth:         deepest call level recorded; 0 = unlimited.
 * @time_filter_ns: instrumented calls shorter than this are not recorded,
 *                 their time stays in their caller; 0 = none.
 * See docs/user-guide.md, "Granularity and filters".
 */
struct ppv_start_opts {
	size_t sz;
	const char *output_dir;
	enum ppv_mode mode;
	size_t buffer_size;
	unsigned int flush_ms;
	int pause_signal;
	uint64_t delay_ns;
	uint64_t duration_ns;
	uint64_t max_size;
	unsigned int rotate;
	const char *granularity;
	uint64_t threshold_ns;
	const char *filter;
	unsigned int depth;
	uint64_t time_filter_ns;
};

/**
 * ppv_start() - start recording this process into a trace directory.
 * @opts: options, or NULL for defaults.
 *
 * Needed only by programs that link the recorder and are not started by
 * ppv-record (which starts recording before main()).
 *
 * Return: 0 on success, -EALREADY if recording is active, another negative
 * errno if the trace cannot be created (see ppv_strerror()).
 */
PPV_API int ppv_start(const struct ppv_start_opts *opts);

/**
 * ppv_stop() - stop recording, flush every thread and close the trace.
 *
 * Return: 0 on success, -EALREADY when not recording, negative errno if the
 * final write failed.
 */
PPV_API int ppv_stop(void);

/**
 * ppv_flush() - write everything recorded so far to disk and wait for it.
 *
 * Return: 0 on success, negative errno otherwise.
 */
PPV_API int ppv_flush(void);

/**
 * ppv_pause() - stop recording until ppv_resume(): nothing this process
 * does is recorded (calls, I/O, allocations, annotations) and the hooks
 * cost one flag test. Everything recorded before the call is kept; the
 * trace shows a PAUSE event. Async-signal-safe.
 *
 * Return: 0, or -EALREADY if recording is already paused, is not active,
 * or was ended for good by a --duration.
 */
PPV_API int ppv_pause(void);

/**
 * ppv_resume() - record again after ppv_pause() (or before a --delay is
 * over). Frames that were open at the pause are not seen to end; the trace
 * shows a RESUME event. Async-signal-safe.
 *
 * Return: 0, or -EALREADY if recording is not paused, is not active, or
 * was ended for good by a --duration.
 */
PPV_API int ppv_resume(void);

/* Implementation details of the inline annotations below; not API. */
PPV_API extern volatile int ppv__active;
PPV_API int ppv__scope_enter(const char *name);
PPV_API void ppv__scope_exit(const char *name);
PPV_API uint64_t ppv__now(void);
PPV_API void ppv__io_record(int kind, const char *name, uint64_t start, uint64_t bytes, int err);
PPV_API void ppv__error(int code);

struct ppv_scope {
	const char *name;
	int active;
};

/* The inline halves must not call the -finstrument-functions hooks
 * themselves when the annotated program is built with them. */
#define PPV__INLINE static inline __attribute__((no_instrument_function, always_inline))

PPV__INLINE struct ppv_scope ppv_scope_begin(const char *name)
{
	struct ppv_scope s = { name, 0 };

	if (__builtin_expect(ppv__active, 0))
		s.active = ppv__scope_enter(name);
	return s;
}

PPV__INLINE void ppv_scope_end(struct ppv_scope *s)
{
	if (__builtin_expect(s->active, 0))
		ppv__scope_exit(s->name);
}

#define PPV__CAT2(a, b) a##b
#define PPV__CAT(a, b) PPV__CAT2(a, b)

/**
 * PPV_SCOPE() - record the enclosing block as a frame named @name.
 * @name: a string that outlives the recording (a literal, or __func__).
 *
 * The frame ends when the block is left by any path (GCC/Clang cleanup).
 */
#define PPV_SCOPE(name)                                                                   \
	struct ppv_scope PPV__CAT(ppv__scope_, __LINE__)                                  \
		__attribute__((cleanup(ppv_scope_end), unused)) = ppv_scope_begin(name)

/**
 * PPV_FUNCTION() - record the enclosing function as a frame named after it.
 *
 * Useful in code not built with -finstrument-functions, and at coarse
 * granularity where only annotations and I/O are kept.
 */
#define PPV_FUNCTION() PPV_SCOPE(__func__)

/**
 * struct ppv_io - an explicit I/O operation in progress (see ppv_io_begin()).
 */
struct ppv_io {
	const char *name;
	uint64_t start;
	int kind;
	int active;
};

/**
 * ppv_io_begin() - start timing an I/O operation.
 * @kind: one of enum ppv_io_kind.
 * @name: label shown in reports ("query_users"); must outlive the recording.
 *
 * Until the matching ppv_io_end(), the recorder does not record this
 * thread's read(), send(), ... calls on its own: the operation already
 * counts their bytes and time. Every ppv_io_begin() needs its ppv_io_end().
 *
 * Return: the operation, to be passed to ppv_io_end().
 */
PPV__INLINE struct ppv_io ppv_io_begin(int kind, const char *name)
{
	struct ppv_io io = { name, 0, kind, 0 };

	if (__builtin_expect(ppv__active, 0)) {
		io.start = ppv__now();
		io.active = 1;
	}
	return io;
}

/**
 * ppv_io_end() - record an I/O operation started by ppv_io_begin().
 * @io:    the operation.
 * @bytes: bytes transferred.
 * @err:   0 on success, else an errno value (positive or negative); a
 *         non-zero @err counts as an error of the I/O kind and of the caller.
 */
PPV__INLINE void ppv_io_end(struct ppv_io *io, uint64_t bytes, int err)
{
	if (__builtin_expect(io->active, 0))
		ppv__io_record(io->kind, io->name, io->start, bytes, err);
}

/**
 * ppv_mark_error() - count an error against the current function.
 */
PPV__INLINE void ppv_mark_error(void)
{
	if (__builtin_expect(ppv__active, 0))
		ppv__error(0);
}

#ifdef __cplusplus
}
#endif

#endif /* PERPROVIS_PPV_RECORDER_H */
