/* SPDX-License-Identifier: MIT */
/*
 * byteorder.h - explicit little-endian loads and stores. The trace format is
 * little-endian on every host; formats/ never casts structs onto bytes.
 */
#ifndef PPV_FORMATS_BYTEORDER_H
#define PPV_FORMATS_BYTEORDER_H

#include <stdint.h>

static inline uint16_t ppv_le16_load(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ppv_le32_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ppv_le64_load(const uint8_t *p)
{
	return (uint64_t)ppv_le32_load(p) | (uint64_t)ppv_le32_load(p + 4) << 32;
}

static inline void ppv_le16_store(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ppv_le32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void ppv_le64_store(uint8_t *p, uint64_t v)
{
	ppv_le32_store(p, (uint32_t)v);
	ppv_le32_store(p + 4, (uint32_t)(v >> 32));
}

#endif
