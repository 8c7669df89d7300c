/* cyg-dl.c - the program recorded into dlopen/ (see README): an
 * instrumented main that loads libz.so.1 with dlopen(), calls it and
 * unloads it, under liblttng-ust-dl.so (lttng_ust_dl:* events). */
#include <dlfcn.h>
#include <stdio.h>

__attribute__((noinline)) static const char *version(void *h)
{
	const char *(*fn)(void) = (const char *(*)(void))dlsym(h, "zlibVersion");

	return fn ? fn() : "?";
}

int main(void)
{
	void *h = dlopen("libz.so.1", RTLD_NOW);

	if (!h)
		return 1;
	printf("zlib %s\n", version(h));
	dlclose(h);
	return 0;
}
