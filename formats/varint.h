/* SPDX-License-Identifier: MIT */
/*
 * varint.h - unsigned LEB128 and zigzag, as used by the EVENTS records.
 * Encoders assume PPV_VARINT_MAX bytes of room; the decoder is bounds-checked.
 */
#ifndef PPV_FORMATS_VARINT_H
#define PPV_FORMATS_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define PPV_VARINT_MAX 10

static inline uint8_t *ppv_varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline uint64_t ppv_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t ppv_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/**
 * ppv_varint_get() - decode at *@pp, not reading at or past @end.
 * Return: 1 and advance *@pp, or 0 if the varint is truncated or longer
 * than 10 bytes.
 */
static inline int ppv_varint_get(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	unsigned int shift = 0;

	if (p < end && *p < 0x80) { /* the common one-byte case */
		*out = *p;
		*pp = p + 1;
		return 1;
	}
	while (p < end && shift < 64) {
		uint8_t b = *p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			*pp = p;
			return 1;
		}
		shift += 7;
	}
	return 0;
}

#endif
