/* perprovis-prog.c - emits each event of the `perprovis` provider by hand
 * (fixed addresses and values), to record the test trace perprovis/ (see
 * README). Two threads: main, and one started by main. */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "perprovis-tp.h"

#include <pthread.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	(void)arg;
	lttng_ust_tracepoint(perprovis, func_entry, 0x2000);
	lttng_ust_tracepoint(perprovis, error, -5);
	lttng_ust_tracepoint(perprovis, func_exit, 0x2000);
	return NULL;
}

int main(void)
{
	pthread_t th;

	lttng_ust_tracepoint(perprovis, func_entry, 0x1000);
	lttng_ust_tracepoint(perprovis, scope_entry, "load");
	usleep(1000);
	/* kind 1, fd 3, 4096 bytes over 1000 ns, no error, file "data.bin" */
	lttng_ust_tracepoint(perprovis, io, 1, 3, 4096, 1000, 0, "data.bin");
	/* kind 2, fd 4, 0 bytes, errno 9 (EBADF), no name */
	lttng_ust_tracepoint(perprovis, io, 2, 4, 0, 0, 9, "");
	lttng_ust_tracepoint(perprovis, scope_exit, "load");
	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, NULL);
	lttng_ust_tracepoint(perprovis, func_exit, 0x1000);
	return 0;
}
