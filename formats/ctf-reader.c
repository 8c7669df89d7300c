/* SPDX-License-Identifier: MIT */
/*
 * ctf-reader.c - CTF traces (LTTng-UST) through libbabeltrace2, decoded
 * into struct ppv_event values. See ctf-reader.h.
 *
 * Owns: finding the traces (directories holding `metadata`), the graph
 * source.ctf.fs -> filter.utils.muxer -> simple sink, and mapping LTTng
 * event classes to PerProVis events. The graph is driven one consume call
 * at a time (bt_graph_run_once()): each call converts one batch of
 * messages into a queue that _next() drains, so memory is bounded by a
 * batch. Strings outlive the messages: they are interned (deduplicated)
 * here until close.
 */
#include <babeltrace2/babeltrace.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctf-reader.h"

enum ctf_kind {
	K_UNKNOWN,
	K_PPV_ENTRY,
	K_PPV_EXIT,
	K_PPV_SCOPE_ENTRY,
	K_PPV_SCOPE_EXIT,
	K_PPV_IO,
	K_PPV_ERROR,
	K_CYG_ENTRY,      /* lttng_ust_cyg_profile{,_fast}:func_entry {addr} */
	K_CYG_EXIT,       /* lttng_ust_cyg_profile:func_exit {addr} */
	K_CYG_FAST_EXIT,  /* lttng_ust_cyg_profile_fast:func_exit {} */
	K_BIN_INFO,       /* lttng_ust_statedump:bin_info */
	K_DL_OPEN,        /* lttng_ust_dl:dlopen, dlmopen */
	K_BUILD_ID,       /* lttng_ust_statedump:build_id, lttng_ust_dl:build_id */
	K_PROCNAME,       /* lttng_ust_statedump:procname */
	K_DL_CLOSE,       /* lttng_ust_dl:dlclose */
	K_IGNORED,        /* understood, nothing to emit (statedump start/end, debug_link) */
};

static const struct {
	const char *name;
	enum ctf_kind kind;
} class_map[] = {
	{ "perprovis:func_entry", K_PPV_ENTRY },
	{ "perprovis:func_exit", K_PPV_EXIT },
	{ "perprovis:scope_entry", K_PPV_SCOPE_ENTRY },
	{ "perprovis:scope_exit", K_PPV_SCOPE_EXIT },
	{ "perprovis:io", K_PPV_IO },
	{ "perprovis:error", K_PPV_ERROR },
	{ "lttng_ust_cyg_profile:func_entry", K_CYG_ENTRY },
	{ "lttng_ust_cyg_profile:func_exit", K_CYG_EXIT },
	{ "lttng_ust_cyg_profile_fast:func_entry", K_CYG_ENTRY },
	{ "lttng_ust_cyg_profile_fast:func_exit", K_CYG_FAST_EXIT },
	{ "lttng_ust_statedump:bin_info", K_BIN_INFO },
	{ "lttng_ust_statedump:build_id", K_BUILD_ID },
	{ "lttng_ust_statedump:procname", K_PROCNAME },
	{ "lttng_ust_statedump:start", K_IGNORED },
	{ "lttng_ust_statedump:end", K_IGNORED },
	{ "lttng_ust_statedump:debug_link", K_IGNORED },
	{ "lttng_ust_dl:dlopen", K_DL_OPEN },
	{ "lttng_ust_dl:dlmopen", K_DL_OPEN },
	{ "lttng_ust_dl:build_id", K_BUILD_ID },
	{ "lttng_ust_dl:debug_link", K_IGNORED },
	{ "lttng_ust_dl:dlclose", K_DL_CLOSE },
};

#define MAX_CLASSES 256 /* event classes cached by address */
#define MAX_SKIPPED_NAMES 4
#define MAX_BUILD_ID 64

struct blob {
	struct blob *next;
	uint32_t hash, len;
	uint8_t data[];
};

struct pending_mod {
	struct ppv_event ev;  /* MODULE_LOAD waiting for its build_id event */
};

struct proc_rec {
	struct ppv_ctf_process pub;
	int name_rank; /* where pub.procname came from: 1 a thread's context,
			* 2 the main thread's, 3 the statedump */
};

struct stream_pid {
	const bt_stream *stream;
	uint32_t pid;
};

struct ppv_ctf_reader {
	bt_graph *graph;
	const bt_plugin *ctf_plugin, *utils_plugin;
	bt_value *dirs;      /* array of trace directories, one source each */
	size_t ntraces;

	struct ppv_event *q; /* decoded, not yet handed out: [qhead, qlen) */
	size_t qhead, qlen, qcap;
	int ended;
	int failed;          /* sticky negative errno */
	char err[1024];

	struct blob **pool;  /* interned strings and build-ids */
	size_t pool_cap, pool_len;

	struct proc_rec *procs;
	size_t nprocs;
	uint64_t *threads;   /* (pid << 32 | tid) + 1 seen; open addressing */
	size_t threads_cap, nthreads;

	struct pending_mod *pend;
	size_t npend, pend_cap;

	struct {
		const bt_event_class *ec;
		enum ctf_kind kind;
	} classes[MAX_CLASSES];
	size_t nclasses;
	uint64_t skipped;
	const char *skipped_names[MAX_SKIPPED_NAMES];
	size_t nskipped_names;
	uint64_t discarded_packets;

	struct stream_pid *streams;
	size_t nstreams;
	uint64_t pending_loss; /* discarded before any process was seen */
	uint64_t last_ts;
	uint32_t last_pid;
	int have_pid;
	int unix_epoch;

	char *warnings;
};

static _Thread_local char open_err[1024];

const char *ppv_ctf_reader_open_error(void)
{
	return open_err;
}

/* ---- errors ---------------------------------------------------------- */

/* Append babeltrace2's root cause (the first one appended) to @buf, and
 * clear the thread's error. */
static void append_bt_causes(char *buf, size_t len)
{
	const bt_error *e = bt_current_thread_take_error();
	size_t n = strlen(buf);

	if (!e)
		return;
	if (bt_error_get_cause_count(e) && n + 1 < len)
		snprintf(buf + n, len - n, "%s%s (`babeltrace2 --log-level=W TRACE` shows more)",
			 n ? ": " : "",
			 bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, 0)));
	bt_error_release(e);
}

static int fail(struct ppv_ctf_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return r->failed;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	append_bt_causes(r->err, sizeof(r->err));
	r->failed = err;
	return err;
}

static void add_warning(struct ppv_ctf_reader *r, const char *msg)
{
	size_t have = r->warnings ? strlen(r->warnings) : 0, n = strlen(msg);
	char *w = realloc(r->warnings, have + n + 2);

	if (!w)
		return;
	memcpy(w + have, msg, n);
	w[have + n] = '\n';
	w[have + n + 1] = '\0';
	r->warnings = w;
}

/* ---- interning ------------------------------------------------------- */

static uint32_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static int pool_grow(struct ppv_ctf_reader *r)
{
	size_t cap = r->pool_cap ? r->pool_cap * 2 : 256;
	struct blob **v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->pool_cap; i++) {
		struct blob *b = r->pool[i], *next;

		for (; b; b = next) {
			next = b->next;
			b->next = v[b->hash & (cap - 1)];
			v[b->hash & (cap - 1)] = b;
		}
	}
	free(r->pool);
	r->pool = v;
	r->pool_cap = cap;
	return 0;
}

/* A copy of @len bytes at @p that lives until close; equal contents share one. */
static const void *intern(struct ppv_ctf_reader *r, const void *p, size_t len)
{
	uint32_t h = hash_bytes(p, len);
	struct blob *b;

	if (r->pool_len >= r->pool_cap / 2 && pool_grow(r))
		return NULL;
	for (b = r->pool[h & (r->pool_cap - 1)]; b; b = b->next)
		if (b->hash == h && b->len == len && memcmp(b->data, p, len) == 0)
			return b->data;
	b = malloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	b->hash = h;
	b->len = (uint32_t)len;
	memcpy(b->data, p, len);
	b->next = r->pool[h & (r->pool_cap - 1)];
	r->pool[h & (r->pool_cap - 1)] = b;
	r->pool_len++;
	return b->data;
}

static const char *intern_str(struct ppv_ctf_reader *r, const char *s)
{
	return intern(r, s, strlen(s) + 1);
}

/* ---- fields ---------------------------------------------------------- */

static const bt_field *member(const bt_field *st, const char *name)
{
	if (!st || bt_field_get_class_type(st) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return NULL;
	return bt_field_structure_borrow_member_field_by_name_const(st, name);
}

/* Integer member @name of @st into *@v; return 0, or -1 if absent or not an integer. */
static int get_int(const bt_field *st, const char *name, int64_t *v)
{
	const bt_field *f = member(st, name);
	bt_field_class_type t;

	if (!f)
		return -1;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		*v = bt_field_integer_signed_get_value(f);
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		*v = (int64_t)bt_field_integer_unsigned_get_value(f);
	else
		return -1;
	return 0;
}

static uint64_t get_u64(const bt_field *st, const char *name, uint64_t dflt)
{
	int64_t v;

	return get_int(st, name, &v) ? dflt : (uint64_t)v;
}

static const char *get_str(const bt_field *st, const char *name)
{
	const bt_field *f = member(st, name);

	if (!f || bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING)
		return NULL;
	return bt_field_string_get_value(f);
}

/* ---- processes and threads ------------------------------------------- */

static struct proc_rec *proc_of(struct ppv_ctf_reader *r, uint32_t pid)
{
	for (size_t i = r->nprocs; i-- > 0;)
		if (r->procs[i].pub.pid == pid)
			return &r->procs[i];
	return NULL;
}

static struct proc_rec *proc_add(struct ppv_ctf_reader *r, uint32_t pid, uint64_t ts)
{
	struct proc_rec *p = proc_of(r, pid), *v;

	if (p)
		return p;
	v = realloc(r->procs, (r->nprocs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	r->procs = v;
	p = &r->procs[r->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pub.pid = pid;
	p->pub.first_ns = ts;
	p->pub.last_ns = ts;
	return p;
}

/* 1 if (pid, tid) is new (and now recorded), 0 if seen, -ENOMEM. */
static int thread_first_seen(struct ppv_ctf_reader *r, uint32_t pid, uint32_t tid)
{
	uint64_t key = ((uint64_t)pid << 32 | tid) + 1;
	size_t i;

	if (r->nthreads + 1 > r->threads_cap / 2) {
		size_t cap = r->threads_cap ? r->threads_cap * 2 : 64;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t j = 0; j < r->threads_cap; j++) {
			if (!r->threads[j])
				continue;
			i = hash_bytes(&r->threads[j], 8) & (cap - 1);
			while (v[i])
				i = (i + 1) & (cap - 1);
			v[i] = r->threads[j];
		}
		free(r->threads);
		r->threads = v;
		r->threads_cap = cap;
	}
	for (i = hash_bytes(&key, 8) & (r->threads_cap - 1); r->threads[i];
	     i = (i + 1) & (r->threads_cap - 1))
		if (r->threads[i] == key)
			return 0;
	r->threads[i] = key;
	r->nthreads++;
	return 1;
}

/* ---- output queue ---------------------------------------------------- */

static struct ppv_event *push(struct ppv_ctf_reader *r)
{
	struct ppv_event *ev;

	if (r->qhead == r->qlen)
		r->qhead = r->qlen = 0;
	if (r->qlen == r->qcap) {
		size_t cap = r->qcap ? r->qcap * 2 : 64;
		struct ppv_event *v = realloc(r->q, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->q = v;
		r->qcap = cap;
	}
	ev = &r->q[r->qlen++];
	memset(ev, 0, sizeof(*ev));
	return ev;
}

static int emit(struct ppv_ctf_reader *r, const struct ppv_event *src)
{
	struct ppv_event *ev = push(r);

	if (!ev)
		return -ENOMEM;
	*ev = *src;
	/* the muxer delivers in time order; records we held back (module
	 * loads) keep the stream monotonic */
	if (ev->ts < r->last_ts)
		ev->ts = r->last_ts;
	r->last_ts = ev->ts;
	return 0;
}

/* Emit the held-back module loads of @pid (all when @all). */
static int flush_modules(struct ppv_ctf_reader *r, uint32_t pid, int all)
{
	size_t keep = 0;

	for (size_t i = 0; i < r->npend; i++) {
		if (all || r->pend[i].ev.pid == pid) {
			if (emit(r, &r->pend[i].ev))
				return -ENOMEM;
		} else {
			r->pend[keep++] = r->pend[i];
		}
	}
	r->npend = keep;
	return 0;
}

static int hold_module(struct ppv_ctf_reader *r, const struct ppv_event *ev)
{
	if (r->npend == r->pend_cap) {
		size_t cap = r->pend_cap ? r->pend_cap * 2 : 8;
		struct pending_mod *v = realloc(r->pend, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->pend = v;
		r->pend_cap = cap;
	}
	r->pend[r->npend].ev = *ev;
	r->npend++;
	return 0;
}

static int emit_loss(struct ppv_ctf_reader *r, uint32_t pid, uint64_t ts, uint64_t count)
{
	struct ppv_event ev = { .type = PPV_EVENT_LOSS, .pid = pid, .ts = ts };

	ev.loss.count = count;
	return emit(r, &ev);
}

/* ---- event conversion ------------------------------------------------ */

static enum ctf_kind kind_of(struct ppv_ctf_reader *r, const bt_event_class *ec)
{
	const char *name;
	enum ctf_kind k = K_UNKNOWN;

	for (size_t i = 0; i < r->nclasses; i++)
		if (r->classes[i].ec == ec)
			return r->classes[i].kind;
	name = bt_event_class_get_name(ec);
	for (size_t i = 0; name && i < sizeof(class_map) / sizeof(class_map[0]); i++)
		if (strcmp(name, class_map[i].name) == 0)
			k = class_map[i].kind;
	if (k == K_UNKNOWN && r->nskipped_names < MAX_SKIPPED_NAMES)
		r->skipped_names[r->nskipped_names++] = intern_str(r, name ? name : "(unnamed)");
	if (r->nclasses < MAX_CLASSES) {
		r->classes[r->nclasses].ec = ec;
		r->classes[r->nclasses].kind = k;
		r->nclasses++;
	}
	return k;
}

static void note_stream_pid(struct ppv_ctf_reader *r, const bt_stream *s, uint32_t pid)
{
	struct stream_pid *v;

	for (size_t i = 0; i < r->nstreams; i++) {
		if (r->streams[i].stream == s) {
			r->streams[i].pid = pid;
			return;
		}
	}
	v = realloc(r->streams, (r->nstreams + 1) * sizeof(*v));
	if (!v)
		return; /* only loses the attribution of a later loss */
	r->streams = v;
	r->streams[r->nstreams].stream = s;
	r->streams[r->nstreams].pid = pid;
	r->nstreams++;
}

/* Build-id bytes of the sequence member "build_id" of @payload. */
static int read_build_id(const bt_field *payload, uint8_t *out, uint32_t *len)
{
	const bt_field *f = member(payload, "build_id");
	uint64_t n;

	if (!f || !bt_field_class_type_is(bt_field_get_class_type(f), BT_FIELD_CLASS_TYPE_ARRAY))
		return -1;
	n = bt_field_array_get_length(f);
	if (n > MAX_BUILD_ID)
		n = MAX_BUILD_ID;
	for (uint64_t i = 0; i < n; i++) {
		const bt_field *e = bt_field_array_borrow_element_field_by_index_const(f, i);

		if (!bt_field_class_type_is(bt_field_get_class_type(e),
					    BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
			return -1;
		out[i] = (uint8_t)bt_field_integer_unsigned_get_value(e);
	}
	*len = (uint32_t)n;
	return 0;
}

static int on_build_id(struct ppv_ctf_reader *r, const bt_field *payload, uint32_t pid)
{
	uint64_t baddr = get_u64(payload, "baddr", 0);
	uint8_t id[MAX_BUILD_ID];
	uint32_t len = 0;

	if (read_build_id(payload, id, &len) || !len)
		return 0;
	for (size_t i = 0; i < r->npend; i++) {
		struct ppv_event *m = &r->pend[i].ev;

		if (m->pid == pid && m->module.base == baddr) {
			m->module.build_id = intern(r, id, len);
			if (!m->module.build_id)
				return -ENOMEM;
			m->module.build_id_len = len;
		}
	}
	return 0;
}

static int on_module(struct ppv_ctf_reader *r, enum ctf_kind k, const bt_field *payload,
		     struct ppv_event *ev)
{
	const char *path = get_str(payload, "path");
	uint64_t memsz = get_u64(payload, "memsz", 0);
	int64_t is_pic = 1;

	ev->type = PPV_EVENT_MODULE_LOAD;
	ev->module.base = get_u64(payload, "baddr", 0);
	ev->module.size = memsz;
	/* statedump says whether the object is position-independent; dlopen'ed
	 * objects are shared libraries, hence PIC. A PIC object's first
	 * PT_LOAD is at ELF address 0, so its base is its load bias; a fixed
	 * executable's addresses are its ELF addresses. */
	if (k == K_BIN_INFO && get_int(payload, "is_pic", &is_pic))
		is_pic = 1;
	ev->module.bias = is_pic ? ev->module.base : 0;
	/* [linux-vdso.so.1] and the like: no file to read symbols from */
	if (!path || !memsz || path[0] == '[')
		return 0;
	ev->module.path = intern_str(r, path);
	if (!ev->module.path)
		return -ENOMEM;
	/* its build_id event follows from the same thread: wait for it */
	if (get_u64(payload, "has_build_id", 0))
		return hold_module(r, ev);
	return emit(r, ev);
}

static int on_procname(struct ppv_ctf_reader *r, struct proc_rec *p, const char *name, int rank)
{
	if (!name || rank < p->name_rank ||
	    (rank == p->name_rank && strcmp(name, p->pub.procname) == 0))
		return 0;
	p->pub.procname = intern_str(r, name);
	p->name_rank = rank;
	return p->pub.procname ? 0 : -ENOMEM;
}

static int on_event_msg(struct ppv_ctf_reader *r, const bt_message *m)
{
	const bt_event *e = bt_message_event_borrow_event_const(m);
	const bt_event_class *ec = bt_event_borrow_class_const(e);
	enum ctf_kind k = kind_of(r, ec);
	const bt_field *ctx, *payload;
	const bt_clock_snapshot *cs;
	struct proc_rec *p;
	struct ppv_event ev = { 0 };
	int64_t vpid, vtid, ns = 0, v;
	const char *s;
	int err;

	if (k == K_UNKNOWN) {
		r->skipped++;
		return 0;
	}
	ctx = bt_event_borrow_common_context_field_const(e);
	if (get_int(ctx, "vpid", &vpid) || get_int(ctx, "vtid", &vtid))
		return fail(r, -EINVAL, "event %s has no vpid/vtid context: record with "
			    "`lttng add-context -u -t vpid -t vtid` (and -t procname for thread "
			    "names)", bt_event_class_get_name(ec));
	if (!bt_message_event_borrow_stream_class_default_clock_class_const(m))
		return fail(r, -EINVAL, "event %s has no timestamp (its stream has no clock)",
			    bt_event_class_get_name(ec));
	cs = bt_message_event_borrow_default_clock_snapshot_const(m);
	if (bt_clock_snapshot_get_ns_from_origin(cs, &ns) !=
		    BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK ||
	    ns < 0)
		return fail(r, -EINVAL, "event %s: timestamp out of range",
			    bt_event_class_get_name(ec));
	if (!r->have_pid)
		r->unix_epoch = bt_clock_class_origin_is_unix_epoch(
			bt_clock_snapshot_borrow_clock_class_const(cs));
	payload = bt_event_borrow_payload_field_const(e);
	ev.pid = (uint32_t)vpid;
	ev.tid = (uint32_t)vtid;
	ev.ts = (uint64_t)ns;

	p = proc_add(r, ev.pid, ev.ts);
	if (!p)
		return -ENOMEM;
	if (!r->have_pid && r->pending_loss) {
		if (emit_loss(r, ev.pid, ev.ts, r->pending_loss))
			return -ENOMEM;
		r->pending_loss = 0;
	}
	r->have_pid = 1;
	r->last_pid = ev.pid;
	note_stream_pid(r, bt_event_borrow_stream_const(e), ev.pid);
	s = get_str(ctx, "procname");
	if (on_procname(r, p, s, vpid == vtid ? 2 : 1))
		return -ENOMEM;

	switch (k) {
	case K_BUILD_ID:
		return on_build_id(r, payload, ev.pid);
	case K_IGNORED:
		return 0;
	case K_PROCNAME:
		return on_procname(r, p, get_str(payload, "procname"), 3);
	default:
		break;
	}
	/* any other event of the process closes the module loads held back */
	if (r->npend && flush_modules(r, ev.pid, 0))
		return -ENOMEM;
	switch (k) {
	case K_BIN_INFO:
	case K_DL_OPEN:
		ev.tid = 0; /* the process's, not the (statedump) thread's */
		return on_module(r, k, payload, &ev);
	case K_DL_CLOSE:
		ev.tid = 0;
		ev.type = PPV_EVENT_MODULE_UNLOAD;
		ev.module.base = get_u64(payload, "baddr", 0);
		return emit(r, &ev);
	default:
		break;
	}

	err = thread_first_seen(r, ev.pid, ev.tid);
	if (err < 0)
		return err;
	if (err) {
		struct ppv_event t = ev;

		t.type = PPV_EVENT_THREAD_START;
		t.thread.name = s ? intern_str(r, s) : NULL;
		if ((s && !t.thread.name) || emit(r, &t))
			return -ENOMEM;
	}
	switch (k) {
	case K_PPV_ENTRY:
	case K_CYG_ENTRY:
		ev.type = PPV_EVENT_ENTER;
		ev.func.addr = get_u64(payload, "addr", 0);
		break;
	case K_PPV_EXIT:
	case K_CYG_EXIT:
		ev.type = PPV_EVENT_EXIT;
		ev.func.addr = get_u64(payload, "addr", 0);
		break;
	case K_CYG_FAST_EXIT:
		ev.type = PPV_EVENT_EXIT; /* address 0: leave the innermost function */
		break;
	case K_PPV_SCOPE_ENTRY:
	case K_PPV_SCOPE_EXIT:
		ev.type = k == K_PPV_SCOPE_ENTRY ? PPV_EVENT_SCOPE_ENTER : PPV_EVENT_SCOPE_EXIT;
		s = get_str(payload, "name");
		ev.scope.name = intern_str(r, s ? s : "");
		if (!ev.scope.name)
			return -ENOMEM;
		break;
	case K_PPV_IO: {
		uint64_t dur = get_u64(payload, "duration_ns", 0);

		ev.type = PPV_EVENT_IO;
		ev.io.kind = (uint16_t)get_u64(payload, "kind", 0);
		ev.io.fd = get_int(payload, "fd", &v) ? -1 : (int32_t)v;
		ev.io.bytes = get_u64(payload, "bytes", 0);
		ev.io.err = get_int(payload, "err", &v) ? 0 : (int32_t)v;
		ev.io.start = dur < ev.ts ? ev.ts - dur : 0;
		s = get_str(payload, "name");
		if (s && *s) {
			ev.io.name = intern_str(r, s);
			if (!ev.io.name)
				return -ENOMEM;
		}
		break;
	}
	case K_PPV_ERROR:
		ev.type = PPV_EVENT_ERROR;
		ev.error.code = get_int(payload, "code", &v) ? 0 : v;
		break;
	default:
		return 0;
	}
	return emit(r, &ev);
}

static int on_discarded(struct ppv_ctf_reader *r, const bt_message *m)
{
	const bt_stream *s = bt_message_discarded_events_borrow_stream_const(m);
	uint64_t count = 0, ts = r->last_ts;
	uint32_t pid = r->last_pid;

	if (bt_message_discarded_events_get_count(m, &count) != BT_PROPERTY_AVAILABILITY_AVAILABLE)
		count = 1; /* the tracer lost some, without saying how many */
	if (bt_stream_class_discarded_events_have_default_clock_snapshots(
		    bt_stream_borrow_class_const(s))) {
		int64_t ns;

		if (bt_clock_snapshot_get_ns_from_origin(
			    bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m),
			    &ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK && ns > 0)
			ts = (uint64_t)ns;
	}
	/* per-user buffers mix processes: charge the loss to the process that
	 * last wrote to this stream */
	for (size_t i = 0; i < r->nstreams; i++)
		if (r->streams[i].stream == s)
			pid = r->streams[i].pid;
	if (!r->have_pid) {
		r->pending_loss += count;
		return 0;
	}
	return emit_loss(r, pid, ts, count);
}

/* The messages of one consume call, converted into the queue. */
static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it,
								  void *data)
{
	struct ppv_ctf_reader *r = data;
	bt_message_array_const msgs;
	uint64_t count;
	int err = 0;

	switch (bt_message_iterator_next(it, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (uint64_t i = 0; i < count; i++) {
		const bt_message *m = msgs[i];

		if (!err) {
			switch (bt_message_get_type(m)) {
			case BT_MESSAGE_TYPE_EVENT:
				err = on_event_msg(r, m);
				break;
			case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
				err = on_discarded(r, m);
				break;
			case BT_MESSAGE_TYPE_DISCARDED_PACKETS: {
				uint64_t n = 1;

				bt_message_discarded_packets_get_count(m, &n);
				r->discarded_packets += n;
				break;
			}
			default:
				break;
			}
		}
		bt_message_put_ref(m); /* every message of _next() is ours */
	}
	if (err == -ENOMEM)
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	if (err) /* r->err says why; the graph only has to stop */
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* ---- opening --------------------------------------------------------- */

struct find_ctx {
	bt_value *inputs;
	size_t n;
	int err;
};

static _Thread_local struct find_ctx *find_cur;

static int find_metadata(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	size_t n = strlen(path);
	char *dir;

	(void)sb;
	if (type != FTW_F || strcmp(path + ftw->base, "metadata") != 0)
		return 0;
	dir = strndup(path, n > 9 ? n - 9 : 0);
	if (!dir || bt_value_array_append_string_element(find_cur->inputs, dir[0] ? dir : "/") !=
			    BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK)
		find_cur->err = -ENOMEM;
	else
		find_cur->n++;
	free(dir);
	return find_cur->err ? 1 : 0;
}

/* Trace directories at or under @path into c->inputs. A file stands for
 * its own directory, which must hold the metadata itself. */
static size_t find_traces(const char *path, struct find_ctx *c)
{
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *dir = strdup(path), *slash, *meta = NULL;

		if (!dir) {
			c->err = -ENOMEM;
			return 0;
		}
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (asprintf(&meta, "%s/metadata", slash ? dir : ".") < 0) {
			c->err = -ENOMEM;
		} else if (stat(meta, &st) == 0 && S_ISREG(st.st_mode)) {
			if (bt_value_array_append_string_element(c->inputs, slash ? dir : ".") !=
			    BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK)
				c->err = -ENOMEM;
			else
				c->n++;
		}
		free(meta);
		free(dir);
		return c->n;
	}
	find_cur = c;
	nftw(path, find_metadata, 16, FTW_PHYS);
	find_cur = NULL;
	return c->n;
}

static int fill(struct ppv_ctf_reader *r);

static int open_fail(struct ppv_ctf_reader *r, int err, const char *dir, const char *what)
{
	snprintf(open_err, sizeof(open_err), "%s: %s", dir, what);
	append_bt_causes(open_err, sizeof(open_err));
	ppv_ctf_reader_close(r);
	return err;
}

/* A source.ctf.fs for trace directory @i, its ports connected to the muxer
 * from input *@next_in on. One source per trace: source.ctf.fs reads the
 * inputs it is given as pieces of one trace (same UUID), while LTTng writes
 * one trace per buffer owner (user and bitness, or process). */
static int add_source(struct ppv_ctf_reader *r, const bt_component_class_source *fs_class,
		      const bt_component_filter *mux, uint64_t i, uint64_t *next_in)
{
	const char *tdir =
		bt_value_string_get(bt_value_array_borrow_element_by_index_const(r->dirs, i));
	const bt_component_source *src;
	bt_value *params = bt_value_map_create(), *inputs = NULL;
	char name[32];
	int rc;

	if (!params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) !=
			       BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
	    bt_value_array_append_string_element(inputs, tdir) !=
		    BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK) {
		bt_value_put_ref(params);
		return open_fail(r, -ENOMEM, tdir, "out of memory");
	}
	snprintf(name, sizeof(name), "src-%llu", (unsigned long long)i);
	/* components log nothing: failures come back as the thread's error causes */
	rc = bt_graph_add_source_component(r->graph, fs_class, name, params, BT_LOGGING_LEVEL_NONE,
					   &src);
	bt_value_put_ref(params);
	if (rc != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return open_fail(r, -EINVAL, tdir, "babeltrace2 cannot read the CTF trace");
	/* one output port per data stream; the muxer grows an input per connection */
	for (uint64_t p = 0; p < bt_component_source_get_output_port_count(src); p++) {
		const bt_port_output *out =
			bt_component_source_borrow_output_port_by_index_const(src, p);
		const bt_port_input *in =
			bt_component_filter_borrow_input_port_by_index_const(mux, (*next_in)++);

		if (bt_graph_connect_ports(r->graph, out, in, NULL) !=
		    BT_GRAPH_CONNECT_PORTS_STATUS_OK)
			return open_fail(r, -ENOMEM, tdir, "cannot connect the babeltrace2 graph");
	}
	return 0;
}

int ppv_ctf_reader_open(const char *dir, struct ppv_ctf_reader **out)
{
	struct ppv_ctf_reader *r = calloc(1, sizeof(*r));
	struct find_ctx c = { 0 };
	const bt_component_filter *mux;
	const bt_component_sink *sink;
	const bt_component_class_source *fs_class;
	const bt_component_class_filter *mux_class;
	uint64_t next_in = 0;
	int err;

	*out = NULL;
	open_err[0] = '\0';
	if (!r)
		return -ENOMEM;
	r->dirs = bt_value_array_create();
	r->graph = bt_graph_create(0);
	if (!r->dirs || !r->graph)
		return open_fail(r, -ENOMEM, dir, "out of memory");
	c.inputs = r->dirs;
	r->ntraces = find_traces(dir, &c);
	if (c.err)
		return open_fail(r, c.err, dir, "out of memory");
	if (!r->ntraces)
		return open_fail(r, -ENOENT, dir, "no CTF trace (no `metadata` file) under it");
	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &r->ctf_plugin) !=
		    BT_PLUGIN_FIND_STATUS_OK ||
	    bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE,
			   &r->utils_plugin) != BT_PLUGIN_FIND_STATUS_OK)
		return open_fail(r, -EINVAL, dir, "babeltrace2's `ctf` and `utils` plugins are "
				 "not installed");
	fs_class = bt_plugin_borrow_source_component_class_by_name_const(r->ctf_plugin, "fs");
	mux_class = bt_plugin_borrow_filter_component_class_by_name_const(r->utils_plugin, "muxer");
	if (!fs_class || !mux_class)
		return open_fail(r, -EINVAL, dir, "babeltrace2 lacks source.ctf.fs or "
				 "filter.utils.muxer");
	if (bt_graph_add_filter_component(r->graph, mux_class, "mux", NULL, BT_LOGGING_LEVEL_NONE,
					  &mux) != BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
	    bt_graph_add_simple_sink_component(r->graph, "sink", NULL, consume, NULL, r, &sink) !=
		    BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return open_fail(r, -ENOMEM, dir, "cannot build the babeltrace2 graph");
	for (uint64_t i = 0; i < r->ntraces; i++) {
		err = add_source(r, fs_class, mux, i, &next_in);
		if (err)
			return err;
	}
	if (bt_graph_connect_ports(r->graph,
				   bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0),
				   NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
		return open_fail(r, -ENOMEM, dir, "cannot connect the babeltrace2 graph");
	/* read the first batch: a trace babeltrace2 cannot decode, or whose
	 * events lack the contexts we need, fails here; and the first process
	 * (with the earliest timestamp) is known when open returns */
	if (fill(r)) {
		err = r->failed;
		snprintf(open_err, sizeof(open_err), "%s: %s", dir, r->err);
		ppv_ctf_reader_close(r);
		return err;
	}
	*out = r;
	return 0;
}

/* ---- reading --------------------------------------------------------- */

static void finish(struct ppv_ctf_reader *r)
{
	char msg[512];

	if (r->skipped) {
		size_t n = (size_t)snprintf(msg, sizeof(msg), "CTF: skipped %llu events of classes "
					    "ppv-analyze does not know (",
					    (unsigned long long)r->skipped);

		for (size_t i = 0; i < r->nskipped_names && n < sizeof(msg); i++)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s", i ? ", " : "",
					      r->skipped_names[i]);
		if (n < sizeof(msg))
			snprintf(msg + n, sizeof(msg) - n, "%s)",
				 r->nskipped_names == MAX_SKIPPED_NAMES ? ", ..." : "");
		add_warning(r, msg);
	}
	if (r->discarded_packets) {
		snprintf(msg, sizeof(msg), "CTF: the tracer discarded %llu whole packets (events "
			 "lost, number unknown): use bigger or more sub-buffers",
			 (unsigned long long)r->discarded_packets);
		add_warning(r, msg);
	}
}

static int fill(struct ppv_ctf_reader *r)
{
	while (r->qhead == r->qlen && !r->ended && !r->failed) {
		switch (bt_graph_run_once(r->graph)) {
		case BT_GRAPH_RUN_ONCE_STATUS_OK:
		case BT_GRAPH_RUN_ONCE_STATUS_AGAIN:
			break;
		case BT_GRAPH_RUN_ONCE_STATUS_END:
			r->ended = 1;
			if (flush_modules(r, 0, 1))
				return fail(r, -ENOMEM, "out of memory");
			finish(r);
			break;
		case BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR:
			return fail(r, -ENOMEM, "out of memory while reading the CTF trace");
		default:
			/* a conversion error already set r->err; else babeltrace2's */
			if (r->failed)
				bt_current_thread_clear_error();
			return fail(r, -EINVAL, "babeltrace2 cannot read the CTF trace");
		}
	}
	return r->failed;
}

int ppv_ctf_reader_next(struct ppv_ctf_reader *r, struct ppv_event *ev)
{
	struct ppv_ctf_process *p;
	struct proc_rec *rec;
	int err = fill(r);

	if (err)
		return err;
	if (r->qhead == r->qlen)
		return 0;
	*ev = r->q[r->qhead++];
	rec = proc_of(r, ev->pid);
	if (rec) {
		p = &rec->pub;
		p->events++;
		if (ev->ts > p->last_ns)
			p->last_ns = ev->ts;
		if (ev->type == PPV_EVENT_LOSS)
			p->lost += ev->loss.count;
	}
	return 1;
}

const char *ppv_ctf_reader_last_error(const struct ppv_ctf_reader *r)
{
	return r->err[0] ? r->err : "no error";
}

const char *ppv_ctf_reader_warnings(const struct ppv_ctf_reader *r)
{
	return r->warnings ? r->warnings : "";
}

size_t ppv_ctf_reader_trace_count(const struct ppv_ctf_reader *r)
{
	return r->ntraces;
}

size_t ppv_ctf_reader_process_count(const struct ppv_ctf_reader *r)
{
	return r->nprocs;
}

const struct ppv_ctf_process *ppv_ctf_reader_process(const struct ppv_ctf_reader *r, size_t i)
{
	return i < r->nprocs ? &r->procs[i].pub : NULL;
}

int ppv_ctf_reader_unix_epoch(const struct ppv_ctf_reader *r)
{
	return r->unix_epoch;
}

void ppv_ctf_reader_close(struct ppv_ctf_reader *r)
{
	if (!r)
		return;
	bt_graph_put_ref(r->graph);
	bt_value_put_ref(r->dirs);
	bt_plugin_put_ref(r->ctf_plugin);
	bt_plugin_put_ref(r->utils_plugin);
	for (size_t i = 0; i < r->pool_cap; i++) {
		struct blob *b = r->pool[i], *next;

		for (; b; b = next) {
			next = b->next;
			free(b);
		}
	}
	free(r->pool);
	free(r->q);
	free(r->procs);
	free(r->threads);
	free(r->pend);
	free(r->streams);
	free(r->warnings);
	free(r);
}
