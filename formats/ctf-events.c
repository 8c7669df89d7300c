/* SPDX-License-Identifier: MIT */
/*
 * ctf-events.c - babeltrace2 messages of LTTng-UST traces into struct
 * ppv_event values, queued for ctf-reader.c.
 *
 * Owns: mapping event classes (perprovis:*, lttng_ust_cyg_profile(_fast),
 * statedump and dl events) to PerProVis events, vpid/vtid contexts,
 * processes and threads as they appear, module loads held until their
 * build-id arrives, discarded events as losses, and interning the strings
 * and build-ids that must outlive the messages. Does not own: finding
 * traces or driving the graph (ctf-reader.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctf-internal.h"

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

struct proc_rec *ppv_ctf_proc_of(struct ppv_ctf_reader *r, uint32_t pid)
{
	for (size_t i = r->nprocs; i-- > 0;)
		if (r->procs[i].pub.pid == pid)
			return &r->procs[i];
	return NULL;
}

static struct proc_rec *proc_add(struct ppv_ctf_reader *r, uint32_t pid, uint64_t ts)
{
	struct proc_rec *p = ppv_ctf_proc_of(r, pid), *v;

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
int ppv_ctf_flush_modules(struct ppv_ctf_reader *r, uint32_t pid, int all)
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

int ppv_ctf_on_event_msg(struct ppv_ctf_reader *r, const bt_message *m)
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
		return ppv_ctf_fail(r, -EINVAL, "event %s has no vpid/vtid context: record with "
			    "`lttng add-context -u -t vpid -t vtid` (and -t procname for thread "
			    "names)", bt_event_class_get_name(ec));
	if (!bt_message_event_borrow_stream_class_default_clock_class_const(m))
		return ppv_ctf_fail(r, -EINVAL, "event %s has no timestamp (its stream has no clock)",
			    bt_event_class_get_name(ec));
	cs = bt_message_event_borrow_default_clock_snapshot_const(m);
	if (bt_clock_snapshot_get_ns_from_origin(cs, &ns) !=
		    BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK ||
	    ns < 0)
		return ppv_ctf_fail(r, -EINVAL, "event %s: timestamp out of range",
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
	if (r->npend && ppv_ctf_flush_modules(r, ev.pid, 0))
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

int ppv_ctf_on_discarded(struct ppv_ctf_reader *r, const bt_message *m)
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
