/* SPDX-License-Identifier: MIT */
/*
 * ppv.h - PerProVis umbrella header: version, export macro, error strings,
 * and the annotation/recording API of <perprovis/ppv-recorder.h>.
 *
 * Programs include this one header. The trace-reading API lives in
 * <perprovis/ppv-trace.h> and is included separately by tools.
 */
#ifndef PERPROVIS_PPV_H
#define PERPROVIS_PPV_H

#ifdef __cplusplus
extern "C" {
#endif

#define PPV_VERSION_MAJOR 0
#define PPV_VERSION_MINOR 1
#define PPV_VERSION_PATCH 0
#define PPV_VERSION_STRING "0.1.0"

#ifndef PPV_API
#define PPV_API __attribute__((visibility("default")))
#endif

/**
 * ppv_strerror() - describe a PerProVis error code.
 * @err: a negative errno value returned by a ppv_* function.
 *
 * Return: a static, human-readable string; never NULL.
 * Ownership: the string is static; do not free it.
 */
PPV_API const char *ppv_strerror(int err);

#ifdef __cplusplus
}
#endif

#include <perprovis/ppv-recorder.h>

#endif /* PERPROVIS_PPV_H */
