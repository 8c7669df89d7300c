/* mem-late.c - a library whose destructor allocates after the recorder's
 * destructor has stopped recording: the program links it, so it is
 * initialized before the preloaded recorder and finalized after it. It
 * says which it saw, so that memory.sh knows the case was exercised. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* The program calls this, so that the linker keeps the library. */
void mem_late_arm(void);

static int armed;

void mem_late_arm(void)
{
	armed = 1;
}

__attribute__((destructor)) static void late_fini(void)
{
	volatile int *active = dlsym(RTLD_DEFAULT, "ppv__active");
	void *volatile p;

	if (!armed)
		return;
	p = malloc(4096);
	free(p);
	printf("late destructor: %s\n",
	       !active ? "no recorder" : *active ? "recording" : "recording stopped");
}
