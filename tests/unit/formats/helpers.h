/* helpers.h - temporary files and trace writing for the formats tests. */
#ifndef PPV_TEST_FORMATS_HELPERS_H
#define PPV_TEST_FORMATS_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "native-reader.h"
#include "native-writer.h"

/* A fresh file path in a fresh temporary directory. */
char *th_path(const char *name);
void th_remove(char *path);

/* Open a writer on @path with @chunk_size (0: default). */
struct ppv_native_writer *th_writer(const char *path, size_t chunk_size);

/* Read a whole file into memory; *len receives its size. */
uint8_t *th_slurp(const char *path, size_t *len);
void th_spit(const char *path, const uint8_t *buf, size_t len);

/* Read every event of @path; return the count or a negative errno. */
long th_count(const char *path, int *torn, int *complete);

#endif
