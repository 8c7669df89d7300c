/* SPDX-License-Identifier: MIT */
/*
 * crc32c.h - CRC-32C (Castagnoli), the checksum of headers and chunks.
 */
#ifndef PPV_FORMATS_CRC32C_H
#define PPV_FORMATS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/**
 * ppv_crc32c() - extend @crc (0 to start) over @len bytes at @buf.
 * Return: the CRC of everything fed so far.
 */
uint32_t ppv_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
