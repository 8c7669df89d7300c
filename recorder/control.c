/* SPDX-License-Identifier: MIT */
/*
 * control.c - recording sessions: settings, start and stop, fork, exit.
 *
 * Owns: reading the settings once (the environment when preloaded by
 * ppv-record, struct ppv_start_opts when linked), creating the process's
 * trace file, the public ppv_start/ppv_stop/ppv_flush, pthread_atfork
 * handling and the final flush at exit. Does not own: the rings (ring.c),
 * the writer loop (writer-thread.c) or crash signals (crash.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "native-writer.h"
#include "pause.h"
#include "recorder.h"
#include "rotate.h"

#define PPV_DEFAULT_BUFFER (1u << 20)
#define PPV_MIN_BUFFER (1u << 16)
#define PPV_MAX_BUFFER (1u << 30)
#define PPV_DEFAULT_FLUSH_MS 100
#define PPV_DEFAULT_THRESHOLD_NS 100000u /* coarse: 100 us */

struct ppv_config ppv_cfg;

static int recording;
static int atfork_done;
/* The session being opened is a new recording (ppv_start(), the preloaded
 * start), not a fork child's or a failed exec's: --delay starts over. */
static int session_fresh;
static int session_close(void);
static pid_t session_pid; /* the process the open session writes for */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

int ppv_recording(void)
{
	return __atomic_load_n(&recording, __ATOMIC_ACQUIRE);
}

static size_t round_buffer(size_t sz)
{
	size_t p = PPV_MIN_BUFFER;

	if (sz > PPV_MAX_BUFFER)
		sz = PPV_MAX_BUFFER;
	while (p < sz)
		p <<= 1;
	return p;
}

static void config_defaults(void)
{
	memset(&ppv_cfg, 0, sizeof(ppv_cfg));
	ppv_cfg.mode = PPV_MODE_LOSSLESS;
	ppv_cfg.buffer_size = PPV_DEFAULT_BUFFER;
	ppv_cfg.flush_ms = PPV_DEFAULT_FLUSH_MS;
	ppv_cfg.granularity = PPV_GRAN_MEDIUM;
	ppv_cfg.threshold_ns = PPV_DEFAULT_THRESHOLD_NS;
	ppv_cfg.memory = -1;
	ppv_cfg.io = 1;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtoull(v, &end, 10);
	return errno || *end || v[0] == '-' ? def : (uint64_t)n;
}

/* What to record, filters and production controls: set by ppv-record,
 * which has validated them; a bad value falls back to the default. */
static void config_recording_from_env(void)
{
	const char *v = getenv("PPV_GRANULARITY");

	if (v && strcmp(v, "coarse") == 0)
		ppv_cfg.granularity = PPV_GRAN_COARSE;
	else if (v && strcmp(v, "fine") == 0)
		ppv_cfg.granularity = PPV_GRAN_FINE;
	ppv_cfg.threshold_ns = env_u64("PPV_THRESHOLD_NS", ppv_cfg.threshold_ns);
	ppv_cfg.memory = (int)env_u64("PPV_MEMORY", (uint64_t)-1);
	ppv_cfg.io = env_u64("PPV_IO", 1) != 0;
	v = getenv("PPV_FILTER");
	if (v)
		snprintf(ppv_cfg.filter, sizeof(ppv_cfg.filter), "%s", v);
	ppv_cfg.depth = (unsigned int)env_u64("PPV_DEPTH", 0);
	ppv_cfg.time_filter_ns = env_u64("PPV_TIME_FILTER_NS", 0);
	ppv_cfg.pause_signal = (int)env_u64("PPV_SIGNAL", 0);
	ppv_cfg.delay_ns = env_u64("PPV_DELAY_NS", 0);
	ppv_cfg.duration_ns = env_u64("PPV_DURATION_NS", 0);
	ppv_cfg.max_size = env_u64("PPV_MAX_SIZE", 0);
	ppv_cfg.rotate = (unsigned int)env_u64("PPV_ROTATE", 0);
}

/* Settings that depend on others, once all are read. */
static void config_finish(void)
{
	if (ppv_cfg.memory < 0)
		ppv_cfg.memory = ppv_cfg.granularity == PPV_GRAN_FINE;
}

static void config_from_env(void)
{
	const char *v;

	config_defaults();
	snprintf(ppv_cfg.dir, sizeof(ppv_cfg.dir), "%s", getenv("PPV_DIR"));
	v = getenv("PPV_MODE");
	if (v && strcmp(v, "drop") == 0)
		ppv_cfg.mode = PPV_MODE_DROP;
	v = getenv("PPV_BUFFER_SIZE");
	if (v && strtoull(v, NULL, 10) > 0)
		ppv_cfg.buffer_size = round_buffer(strtoull(v, NULL, 10));
	v = getenv("PPV_FLUSH_MS");
	if (v && strtoul(v, NULL, 10) > 0)
		ppv_cfg.flush_ms = (unsigned int)strtoul(v, NULL, 10);
	ppv_cfg.quiet = getenv("PPV_QUIET") != NULL;
	config_recording_from_env();
	config_finish();
}

/* Granularity and filters of struct ppv_start_opts (docs/user-guide.md,
 * "Granularity and filters"). */
static void config_filters_from_opts(const struct ppv_start_opts *o)
{
	if (o->sz < offsetof(struct ppv_start_opts, time_filter_ns) + sizeof(o->time_filter_ns))
		return;
	if (o->granularity && strcmp(o->granularity, "coarse") == 0)
		ppv_cfg.granularity = PPV_GRAN_COARSE;
	else if (o->granularity && strcmp(o->granularity, "fine") == 0)
		ppv_cfg.granularity = PPV_GRAN_FINE;
	if (o->threshold_ns)
		ppv_cfg.threshold_ns = o->threshold_ns;
	if (o->filter)
		snprintf(ppv_cfg.filter, sizeof(ppv_cfg.filter), "%s", o->filter);
	ppv_cfg.depth = o->depth;
	ppv_cfg.time_filter_ns = o->time_filter_ns;
}

static void config_from_opts(const struct ppv_start_opts *o)
{
	const char *name = program_invocation_short_name;

	config_defaults();
	if (o && o->sz >= offsetof(struct ppv_start_opts, output_dir) + sizeof(o->output_dir) &&
	    o->output_dir)
		snprintf(ppv_cfg.dir, sizeof(ppv_cfg.dir), "%s", o->output_dir);
	else
		snprintf(ppv_cfg.dir, sizeof(ppv_cfg.dir), "%s.ppv", name ? name : "trace");
	if (!o) {
		config_finish();
		return;
	}
	if (o->sz >= offsetof(struct ppv_start_opts, mode) + sizeof(o->mode))
		ppv_cfg.mode = o->mode == PPV_MODE_DROP ? PPV_MODE_DROP : PPV_MODE_LOSSLESS;
	if (o->sz >= offsetof(struct ppv_start_opts, buffer_size) + sizeof(o->buffer_size) &&
	    o->buffer_size)
		ppv_cfg.buffer_size = round_buffer(o->buffer_size);
	if (o->sz >= offsetof(struct ppv_start_opts, flush_ms) + sizeof(o->flush_ms) && o->flush_ms)
		ppv_cfg.flush_ms = o->flush_ms;
	if (o->sz >= offsetof(struct ppv_start_opts, rotate) + sizeof(o->rotate)) {
		ppv_cfg.pause_signal = o->pause_signal > 0 && o->pause_signal < NSIG ? o->pause_signal : 0;
		ppv_cfg.delay_ns = o->delay_ns;
		ppv_cfg.duration_ns = o->duration_ns;
		ppv_cfg.max_size = o->max_size;
		ppv_cfg.rotate = o->rotate;
	}
	config_filters_from_opts(o);
	config_finish();
}

/* Create PID.ppv, or PID-N.ppv when an earlier image of this process (before
 * an exec) already wrote PID.ppv, or segments of it (PID.s3.ppv: its PID.ppv
 * may be deleted already, see rotate.c). @base receives "DIR/PID[-N]". */
static int create_trace_file(char *base, size_t len)
{
	char name[32], path[PATH_MAX + 64];

	if (mkdir(ppv_cfg.dir, 0777) < 0 && errno != EEXIST)
		return -errno;
	for (int n = 0; n < 1000; n++) {
		int fd;

		if (n == 0)
			snprintf(name, sizeof(name), "%d", (int)getpid());
		else
			snprintf(name, sizeof(name), "%d-%d", (int)getpid(), n);
		if (ppv_segment_base_taken(ppv_cfg.dir, name))
			continue;
		snprintf(base, len, "%s/%s", ppv_cfg.dir, name);
		snprintf(path, sizeof(path), "%s.ppv", base);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

static void read_cmdline(char *buf, size_t len)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

static const char *const granularity_names[] = { "coarse", "medium", "fine" };

static void write_info(struct ppv_native_writer *w)
{
	char buf[4096];
	ssize_t n;

	read_cmdline(buf, sizeof(buf));
	ppv_native_writer_set_info(w, "cmdline", buf);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		ppv_native_writer_set_info(w, "exe", buf);
	}
	if (gethostname(buf, sizeof(buf)) == 0)
		ppv_native_writer_set_info(w, "hostname", buf);
	ppv_native_writer_set_info(w, "mode", ppv_cfg.mode == PPV_MODE_DROP ? "drop" : "lossless");
	snprintf(buf, sizeof(buf), "%zu", ppv_cfg.buffer_size);
	ppv_native_writer_set_info(w, "buffer_size", buf);
	snprintf(buf, sizeof(buf), "%u", ppv_cfg.flush_ms);
	ppv_native_writer_set_info(w, "flush_ms", buf);
	ppv_native_writer_set_info(w, "clock", ppv_clock_use_tsc ? "tsc" : "monotonic");
	ppv_native_writer_set_info(w, "granularity", granularity_names[ppv_cfg.granularity]);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ppv_cfg.threshold_ns);
	if (ppv_cfg.granularity == PPV_GRAN_COARSE)
		ppv_native_writer_set_info(w, "threshold_ns", buf);
	ppv_native_writer_set_info(w, "memory", ppv_cfg.memory ? "1" : "0");
	ppv_native_writer_set_info(w, "io", ppv_cfg.io ? "1" : "0");
	ppv_filter_info(w);
	ppv_native_writer_set_info(w, "recorder", "perprovis " PPV_VERSION_STRING);
	if (ppv_rotate_enabled()) { /* segment 0; rotate.c numbers the next ones */
		ppv_native_writer_set_info(w, "segment", "0");
		ppv_native_writer_set_info(w, "dropped_events", "0");
	}
}

/* A first slope for the TSC, refined by the writer thread's calibrations. */
static uint64_t initial_mult(struct ppv_clock_point *start)
{
	struct ppv_clock_point end;

	*start = ppv_clock_sample();
	if (!ppv_clock_use_tsc)
		return UINT64_C(1) << 32;
	do
		end = ppv_clock_sample();
	while (end.ns - start->ns < 200000);
	return ppv_clock_mult(*start, end);
}

/**
 * ppv_session_open() - create this process's trace file from ppv_cfg and
 * start the writer thread. Called with ctl_lock held (or in a fork child).
 */
int ppv_session_open(void)
{
	struct ppv_writer_opts o = { .sz = sizeof(o) };
	struct ppv_native_writer *w = NULL;
	struct ppv_clock_point cal;
	struct ppv_event ev = { .type = PPV_EVENT_CLOCK };
	struct timespec rt;
	char base[PATH_MAX];
	uint64_t mult;
	int fd, err;

	ppv_cfg.clock_source = ppv_clock_init(getenv("PPV_CLOCK"));
	mult = initial_mult(&cal);
	err = ppv_filter_setup(mult);
	if (err)
		return err;
	fd = create_trace_file(base, sizeof(base));
	if (fd < 0)
		return fd;
	err = ppv_rotate_setup(base, ppv_cfg.max_size, ppv_cfg.rotate);
	if (err) {
		close(fd);
		return err;
	}
	o.chunk_size = ppv_rotate_chunk_size_now();
	clock_gettime(CLOCK_REALTIME, &rt);
	o.fd = fd;
	o.pid = (uint32_t)getpid();
	o.ppid = (uint32_t)getppid();
	o.start_ns = cal.ns;
	o.start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
	o.clock_source = (uint32_t)ppv_cfg.clock_source;
	err = ppv_native_writer_open(&o, &w);
	if (err) {
		close(fd);
		return err;
	}
	write_info(w);
	ev.ts = cal.ticks;
	ev.clock.ticks = cal.ticks;
	ev.clock.ns = cal.ns;
	ev.clock.mult = mult;
	err = ppv_native_writer_append(w, &ev);
	/* Forget modules before the writer thread exists: its first cycle may
	 * scan before we do, and a reset after that announced every module
	 * twice. Both scans run under the writer lock; the second finds
	 * nothing new. */
	ppv_modules_reset();
	ppv_pause_prepare(session_fresh);
	if (!err)
		err = ppv_writer_open(w, fd, cal, mult);
	if (err) {
		ppv_native_writer_close(w);
		return err;
	}
	ppv_ring_init_key();
	ppv_writer_lock();
	ppv_modules_scan(0);
	ppv_registry_restart();
	ppv_writer_unlock();
	ppv_pause_opened();
	__atomic_store_n(&session_pid, getpid(), __ATOMIC_RELAXED);
	__atomic_store_n(&recording, 1, __ATOMIC_RELEASE);
	ppv__active = 1;
	return 0;
}

/**
 * ppv_session_owned() - whether the calling process owns the open session.
 * A vfork() or posix_spawn() child shares its parent's memory, so it sees
 * the parent's session as open; it must neither write nor stop it.
 */
int ppv_session_owned(void)
{
	return ppv_recording() && __atomic_load_n(&session_pid, __ATOMIC_RELAXED) == getpid();
}

/**
 * ppv_session_end_for_exec() - close the trace before this image is
 * replaced (exec) or ends without running destructors (_exit), so that
 * what the rings hold is written and the file ends with its END chunk.
 * Never waits for the control lock: the caller may be a signal handler
 * that interrupted ppv_start() or ppv_stop().
 * Return: 1 if a session was closed (and may be reopened), else 0.
 */
int ppv_session_end_for_exec(void)
{
	int closed = 0;

	if (!ppv_session_owned() || pthread_mutex_trylock(&ctl_lock) != 0)
		return 0;
	closed = session_close() == 0;
	pthread_mutex_unlock(&ctl_lock);
	return closed;
}

/**
 * ppv_session_reopen_after_exec() - exec failed: record on, into a new file
 * of this process (PID-N.ppv), with the same settings.
 */
void ppv_session_reopen_after_exec(void)
{
	pthread_mutex_lock(&ctl_lock);
	if (!ppv_recording() && ppv_session_open() < 0)
		ppv__active = 0;
	pthread_mutex_unlock(&ctl_lock);
}

static int session_close(void)
{
	if (!ppv_recording())
		return -EALREADY;
	ppv_filter_stop_self();
	ppv__active = 0;
	__atomic_store_n(&recording, 0, __ATOMIC_RELEASE);
	ppv_pause_closed();
	return ppv_writer_stop(1);
}

static void atfork_prepare(void)
{
	pthread_mutex_lock(&ctl_lock);
	if (ppv_recording())
		ppv_writer_lock();
}

static void atfork_parent(void)
{
	if (ppv_recording())
		ppv_writer_unlock();
	pthread_mutex_unlock(&ctl_lock);
}

/* The child records into a file of its own, from a clean state: only this
 * thread survives fork(), and the parent's unwritten events are the
 * parent's to write. */
static void atfork_child(void)
{
	pthread_mutex_init(&ctl_lock, NULL);
	if (!ppv_recording())
		return;
	/* The wrappers must not record the recorder rebuilding itself (rings
	 * unmapped, the new writer's buffers); ppv_session_open() sets it again. */
	ppv__active = 0;
	ppv_writer_after_fork_child();
	ppv_registry_after_fork(ppv_tls_buf);
	__atomic_store_n(&recording, 0, __ATOMIC_RELEASE);
	if (ppv_session_open() < 0) {
		ppv__active = 0;
		ppv_registry_stop_all(1);
	}
}

static int start_locked(void)
{
	int err;

	if (ppv_recording())
		return -EALREADY;
	if (!atfork_done) {
		pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
		atfork_done = 1;
	}
	session_fresh = 1;
	err = ppv_session_open();
	session_fresh = 0;
	if (!err) {
		ppv_crash_install();
		ppv_signal_install(ppv_cfg.pause_signal);
	}
	return err;
}

PPV_API int ppv_start(const struct ppv_start_opts *opts)
{
	int err;

	pthread_mutex_lock(&ctl_lock);
	if (ppv_recording()) {
		pthread_mutex_unlock(&ctl_lock);
		return -EALREADY;
	}
	config_from_opts(opts);
	err = start_locked();
	pthread_mutex_unlock(&ctl_lock);
	return err;
}

PPV_API int ppv_stop(void)
{
	int err;

	pthread_mutex_lock(&ctl_lock);
	err = session_close();
	pthread_mutex_unlock(&ctl_lock);
	return err;
}

PPV_API int ppv_flush(void)
{
	if (!ppv_recording())
		return -EALREADY;
	return ppv_writer_flush_wait();
}

/* Preloaded by ppv-record: start before main() when PPV_DIR is set. */
__attribute__((constructor)) static void ppv_init(void)
{
	int err;

	if (!getenv("PPV_DIR"))
		return;
	pthread_mutex_lock(&ctl_lock);
	config_from_env();
	err = start_locked();
	pthread_mutex_unlock(&ctl_lock);
	if (err && !ppv_cfg.quiet)
		fprintf(stderr, PPV_LOG_PREFIX "cannot start recording: dir=\"%s\", err=%d (%s)\n",
			ppv_cfg.dir, err, strerror(-err));
}

__attribute__((destructor)) static void ppv_fini(void)
{
	ppv_stop();
}
