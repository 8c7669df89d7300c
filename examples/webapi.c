/* SPDX-License-Identifier: MIT */
/*
 * webapi.c - the C form of PerProVis's original web API example.
 *
 * A tiny "web API" serves 20 requests. Each request queries a (simulated)
 * database, processes the rows it gets back, renders a JSON response and
 * sends it over a socket to a client thread. Every function is recorded
 * because the file is built with -finstrument-functions; the PPV_*
 * annotations add what the compiler cannot see: the named processing block,
 * the database and network I/O with their bytes, and errors.
 *
 *   ppv-record -o webapi.ppv -- ./webapi       # recorder preloaded
 *   ./webapi --record webapi.ppv               # or start it from the program
 *
 * Request 13 times out in the database and answers 503: it shows up as an
 * error of the database I/O kind and of handle_request.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#define NREQUESTS 20
#define MAX_ROWS 128
#define FAILING_REQUEST 13

struct row {
	int id;
	int age;
	char name[24];
};

struct summary {
	int valid;
	int invalid;
	long score;
};

static int config_page_size;

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Not compiled with hooks: PPV_FUNCTION() makes it a frame anyway. */
__attribute__((no_instrument_function)) static void load_config(void)
{
	PPV_FUNCTION();
	config_page_size = 50;
	sleep_us(500);
}

static void fill_row(struct row *r, int request, int i)
{
	r->id = request * 1000 + i;
	r->age = (request * 7 + i * 13) % 90;
	snprintf(r->name, sizeof(r->name), "user-%d-%d", request, i);
}

/* The database: 2 ms of latency, then 50..110 rows. */
static int db_query_users(int request, struct row *rows)
{
	struct ppv_io io = ppv_io_begin(PPV_IO_DATABASE, "query_users");
	int n = config_page_size + (request % 7) * 10;

	sleep_us(2000);
	if (request == FAILING_REQUEST) {
		ppv_io_end(&io, 0, ETIMEDOUT);
		return -ETIMEDOUT;
	}
	for (int i = 0; i < n; i++)
		fill_row(&rows[i], request, i);
	ppv_io_end(&io, (uint64_t)n * sizeof(struct row), 0);
	return n;
}

static int validate_row(const struct row *r)
{
	return r->age >= 18 && r->name[0] != '\0';
}

static long score_row(const struct row *r)
{
	long s = 0;

	for (const char *p = r->name; *p; p++)
		s = s * 31 + *p;
	return (s & 0xffff) + r->age;
}

static void process_rows(const struct row *rows, int n, struct summary *sum)
{
	PPV_SCOPE("data_processing");

	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < n; i++) {
		if (!validate_row(&rows[i])) {
			sum->invalid++;
			continue;
		}
		sum->valid++;
		sum->score += score_row(&rows[i]);
	}
}

static int render_response(char *buf, size_t len, int request, int status,
			   const struct summary *sum)
{
	return snprintf(buf, len,
			"{\"request\":%d,\"status\":%d,\"valid\":%d,\"invalid\":%d,\"score\":%ld}\n",
			request, status, sum->valid, sum->invalid, sum->score);
}

static int send_response(int fd, const char *buf, int len)
{
	struct ppv_io io = ppv_io_begin(PPV_IO_NETWORK, "send_response");
	ssize_t n = write(fd, buf, (size_t)len);

	ppv_io_end(&io, n > 0 ? (uint64_t)n : 0, n < 0 ? errno : 0);
	return n == len ? 0 : -EIO;
}

static int handle_request(int fd, int request)
{
	struct row rows[MAX_ROWS];
	struct summary sum = { 0, 0, 0 };
	char buf[256];
	int n = db_query_users(request, rows);
	int status = 200;

	if (n < 0) {
		ppv_mark_error();
		status = 503;
	} else {
		process_rows(rows, n, &sum);
	}
	return send_response(fd, buf, render_response(buf, sizeof(buf), request, status, &sum));
}

/* The client: reads responses until the server closes its end. */
static void *client_main(void *arg)
{
	int fd = *(int *)arg;
	char buf[4096];
	ssize_t n;
	long total = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	*(int *)arg = (int)total;
	return NULL;
}

int main(int argc, char **argv)
{
	struct ppv_start_opts opts = { .sz = sizeof(opts) };
	int sv[2], failed = 0, received, started = 0;
	pthread_t client;

	if (argc == 3 && strcmp(argv[1], "--record") == 0) {
		opts.output_dir = argv[2];
		if (ppv_start(&opts) < 0) {
			fprintf(stderr, "webapi: cannot record into %s\n", argv[2]);
			return 1;
		}
		started = 1;
	}
	load_config();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("webapi: socketpair");
		return 1;
	}
	received = sv[1];
	if (pthread_create(&client, NULL, client_main, &received) != 0)
		return 1;
	for (int r = 1; r <= NREQUESTS; r++)
		failed += handle_request(sv[0], r) < 0;
	close(sv[0]);
	pthread_join(client, NULL);
	close(sv[1]);
	printf("webapi: served %d requests, client received %d bytes\n", NREQUESTS, received);
	if (started)
		ppv_stop();
	return failed ? 1 : 0;
}
