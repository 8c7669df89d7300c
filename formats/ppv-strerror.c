/* SPDX-License-Identifier: MIT */
/*
 * ppv-strerror.c - ppv_strerror(): text for the negative errno values the
 * PerProVis API returns, worded for trace users where errno's own text
 * would mislead ("Invalid argument" for a corrupt file).
 */
#include <errno.h>
#include <string.h>

#include <perprovis/ppv.h>

PPV_API const char *ppv_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "corrupt or foreign trace data";
	case -ENOTSUP:
		return "trace format version not supported";
	case -EALREADY:
		return "recording is already in that state";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
