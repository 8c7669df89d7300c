/* SPDX-License-Identifier: MIT */
/*
 * diff-load.c - the runs a diff compares (struct ppv_diff_input): copied
 * from a built profile, or read back from a JSON report that
 * `ppv-analyze json` saved (docs/report-schema.md: "function_profiles",
 * "summary", "caveats", "command", "memory"), with jansson; the
 * allocation keys are optional (reports saved before them read as 0).
 * Owns: the input's lifetime, telling a report from a trace, and the load
 * error message.
 * Does not own: matching and verdicts (diff.c), nor the report's layout
 * (visualize/render-json.c writes it; this reads only the raw integers).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff-input.h"

#define REPORT_FORMAT "perprovis-report"
#define REPORT_SCHEMA_VERSION 1

static _Thread_local char load_err[1024];

const char *ppv_diff_load_error(void)
{
	return load_err;
}

static int fail(int err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(int err, const char *path, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(load_err, sizeof(load_err), "Cannot load report: path=\"%s\": %s", path, what);
	return err;
}

void ppv_diff_input_free(struct ppv_diff_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++) {
		free(in->v[i].name);
		free(in->v[i].module);
	}
	free(in->v);
	free(in->command);
	free(in);
}

/* A new input with room for @n entries (none filled). */
static struct ppv_diff_input *input_alloc(size_t n)
{
	struct ppv_diff_input *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->v = calloc(n ? n : 1, sizeof(*in->v));
	if (!in->v) {
		free(in);
		return NULL;
	}
	return in;
}

static int dup_or_null(const char *s, char **out)
{
	*out = s ? strdup(s) : NULL;
	return s && !*out ? -ENOMEM : 0;
}

static int entry_from_func(struct ppv_diff_entry *e, const struct ppv_func_stats *f)
{
	*e = (struct ppv_diff_entry){ .kind = f->kind, .calls = f->calls, .total_ns = f->total_ns,
				      .self_ns = f->self_ns, .io_bytes = f->io_bytes,
				      .alloc_bytes = f->alloc_bytes,
				      .alloc_bytes_incl = f->alloc_bytes_incl };
	if (dup_or_null(f->name ? f->name : "?", &e->name) ||
	    dup_or_null(f->module, &e->module))
		return -ENOMEM;
	return 0;
}

const struct ppv_diff_run *ppv_diff_input_run(const struct ppv_diff_input *in)
{
	return &in->run;
}

int ppv_diff_input_from_profile(const struct ppv_profile *p, struct ppv_diff_input **out)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);
	const struct ppv_memory_stats *m = ppv_profile_memory_total(p);
	size_t count = ppv_profile_func_count(p);
	const struct ppv_func_stats **sorted = calloc(count ? count : 1, sizeof(*sorted));
	struct ppv_diff_input *in = input_alloc(count);
	int n, rc = -ENOMEM;

	*out = NULL;
	if (!sorted || !in)
		goto err;
	n = ppv_profile_sorted(p, PPV_SORT_TOTAL, sorted);
	if (n < 0) {
		rc = n;
		goto err;
	}
	for (int i = 0; i < n; i++, in->n++)
		if ((rc = entry_from_func(&in->v[in->n], sorted[i])) < 0)
			goto err;
	if ((rc = dup_or_null(s->cmdline, &in->command)) < 0)
		goto err;
	in->run = (struct ppv_diff_run){
		.command = in->command, .total_ns = s->total_ns, .calls = s->total_calls,
		.io_bytes = s->io_bytes, .functions = in->n, .lost_events = s->lost,
		.unfinished_calls = s->unfinished_calls, .truncated = s->truncated != 0,
		.alloc_bytes = m->alloc_bytes, .alloc_events = m->events,
	};
	free(sorted);
	*out = in;
	return 0;
err:
	free(sorted);
	ppv_diff_input_free(in);
	return rc;
}

int ppv_diff_input_is_report(const char *path)
{
	unsigned char buf[256];
	struct stat st;
	ssize_t got;
	int fd;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = read(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0)
		return -EIO;
	for (ssize_t i = 0; i < got; i++)
		if (!isspace(buf[i]))
			return buf[i] == '{';
	return 0;
}

/* The non-negative integer @key of @obj, or -EINVAL (with a message). */
static int get_u64(const char *path, const char *where, json_t *obj, const char *key,
		   uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(-EINVAL, path, "%s: \"%s\" is missing or not a non-negative integer",
			    where, key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* As get_u64(), but an absent @key (a report older than the key) is 0. */
static int get_u64_opt(const char *path, const char *where, json_t *obj, const char *key,
		       uint64_t *out)
{
	*out = 0;
	if (!json_object_get(obj, key))
		return 0;
	return get_u64(path, where, obj, key, out);
}

/* A string or null @key of @obj into *@out (NULL for null). */
static int get_str(const char *path, const char *where, json_t *obj, const char *key,
		   int nullable, char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(-EINVAL, path, "%s: \"%s\" is missing or not a string", where, key);
	*out = strdup(json_string_value(v));
	return *out ? 0 : fail(-ENOMEM, path, "out of memory");
}

static int entry_from_json(const char *path, const char *key, json_t *f,
			   struct ppv_diff_entry *e)
{
	char where[320];
	char *kind = NULL;
	int rc;

	snprintf(where, sizeof(where), "function_profiles[\"%.256s\"]", key);
	if (!json_is_object(f))
		return fail(-EINVAL, path, "%s is not an object", where);
	if ((rc = get_str(path, where, f, "name", 0, &e->name)) ||
	    (rc = get_str(path, where, f, "module", 1, &e->module)) ||
	    (rc = get_str(path, where, f, "kind", 0, &kind)))
		return rc;
	e->kind = strcmp(kind, "scope") == 0 ? PPV_FRAME_SCOPE : PPV_FRAME_FUNCTION;
	free(kind);
	if ((rc = get_u64(path, where, f, "calls", &e->calls)) ||
	    (rc = get_u64(path, where, f, "total_ns", &e->total_ns)) ||
	    (rc = get_u64(path, where, f, "self_ns", &e->self_ns)) ||
	    (rc = get_u64(path, where, f, "io_bytes", &e->io_bytes)) ||
	    (rc = get_u64_opt(path, where, f, "alloc_bytes", &e->alloc_bytes)) ||
	    (rc = get_u64_opt(path, where, f, "alloc_bytes_incl", &e->alloc_bytes_incl)))
		return rc;
	return 0;
}

/* "memory"."total": absent in reports saved before memory was recorded. */
static int memory_from_json(const char *path, json_t *doc, struct ppv_diff_run *r)
{
	json_t *m = json_object_get(doc, "memory"), *t = json_object_get(m, "total");
	int rc;

	if (!m)
		return 0;
	if (!json_is_object(t))
		return fail(-EINVAL, path, "memory: \"total\" is missing or not an object");
	if ((rc = get_u64_opt(path, "memory.total", t, "events", &r->alloc_events)) ||
	    (rc = get_u64_opt(path, "memory.total", t, "alloc_bytes", &r->alloc_bytes)))
		return rc;
	return 0;
}

static int run_from_json(const char *path, json_t *doc, struct ppv_diff_input *in)
{
	json_t *s = json_object_get(doc, "summary"), *c = json_object_get(doc, "caveats");
	struct ppv_diff_run *r = &in->run;
	int rc;

	if (!json_is_object(s) || !json_is_object(c))
		return fail(-EINVAL, path, "\"summary\" or \"caveats\" is missing");
	if ((rc = get_u64(path, "summary", s, "total_ns", &r->total_ns)) ||
	    (rc = get_u64(path, "summary", s, "calls", &r->calls)) ||
	    (rc = get_u64(path, "summary", s, "io_bytes", &r->io_bytes)) ||
	    (rc = get_u64(path, "caveats", c, "lost_events", &r->lost_events)) ||
	    (rc = get_u64(path, "caveats", c, "unfinished_calls", &r->unfinished_calls)) ||
	    (rc = get_str(path, "report", doc, "command", 1, &in->command)) ||
	    (rc = memory_from_json(path, doc, r)))
		return rc;
	r->truncated = json_is_true(json_object_get(c, "truncated"));
	r->command = in->command;
	r->from_report = 1;
	return 0;
}

/* Check "format" and "schema_version", then read every function. */
static int input_from_json(const char *path, json_t *doc, struct ppv_diff_input **out)
{
	json_t *funcs = json_object_get(doc, "function_profiles"), *f;
	json_t *ver = json_object_get(doc, "schema_version");
	struct ppv_diff_input *in;
	const char *key;
	int rc;

	if (!json_is_object(doc) ||
	    !json_is_string(json_object_get(doc, "format")) ||
	    strcmp(json_string_value(json_object_get(doc, "format")), REPORT_FORMAT) != 0)
		return fail(-EINVAL, path, "not a PerProVis report (no \"format\": \"%s\")",
			    REPORT_FORMAT);
	if (!json_is_integer(ver) || json_integer_value(ver) != REPORT_SCHEMA_VERSION)
		return fail(-ENOTSUP, path, "unsupported schema_version (this reader knows %d)",
			    REPORT_SCHEMA_VERSION);
	if (!json_is_object(funcs))
		return fail(-EINVAL, path, "\"function_profiles\" is missing or not an object");
	in = input_alloc(json_object_size(funcs));
	if (!in)
		return fail(-ENOMEM, path, "out of memory");
	json_object_foreach(funcs, key, f) {
		rc = entry_from_json(path, key, f, &in->v[in->n++]);
		if (rc < 0)
			goto err;
	}
	if ((rc = run_from_json(path, doc, in)) < 0)
		goto err;
	in->run.functions = in->n;
	*out = in;
	return 0;
err:
	ppv_diff_input_free(in);
	return rc;
}

int ppv_diff_input_load(const char *path, struct ppv_diff_input **out)
{
	json_error_t jerr;
	json_t *doc;
	int rc;

	*out = NULL;
	load_err[0] = '\0';
	if (access(path, R_OK) < 0)
		return fail(-errno, path, "%s", strerror(errno));
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return fail(-EINVAL, path, "not valid JSON: line %d, column %d: %s", jerr.line,
			    jerr.column, jerr.text);
	rc = input_from_json(path, doc, out);
	json_decref(doc);
	return rc;
}
