/* SPDX-License-Identifier: MIT */
/*
 * ctf-reader.c - CTF traces (LTTng-UST) through libbabeltrace2, decoded
 * into struct ppv_event values. See ctf-reader.h.
 *
 * Owns: finding the traces (directories holding `metadata`), the graph
 * source.ctf.fs -> filter.utils.muxer -> simple sink, the queue of decoded
 * events, errors and warnings. Mapping LTTng event classes to PerProVis
 * events is ctf-events.c's. The graph is driven one consume call
 * at a time (bt_graph_run_once()): each call converts one batch of
 * messages into a queue that _next() drains, so memory is bounded by a
 * batch. Strings outlive the messages: they are interned (deduplicated)
 * here until close.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctf-internal.h"

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

int ppv_ctf_fail(struct ppv_ctf_reader *r, int err, const char *fmt, ...)
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
				err = ppv_ctf_on_event_msg(r, m);
				break;
			case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
				err = ppv_ctf_on_discarded(r, m);
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
			if (ppv_ctf_flush_modules(r, 0, 1))
				return ppv_ctf_fail(r, -ENOMEM, "out of memory");
			finish(r);
			break;
		case BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR:
			return ppv_ctf_fail(r, -ENOMEM, "out of memory while reading the CTF trace");
		default:
			/* a conversion error already set r->err; else babeltrace2's */
			if (r->failed)
				bt_current_thread_clear_error();
			return ppv_ctf_fail(r, -EINVAL, "babeltrace2 cannot read the CTF trace");
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
	rec = ppv_ctf_proc_of(r, ev->pid);
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
