/*
 * fuzz_crc.h - shared by the state-loading fuzz targets: the CRC-32 of the
 * byte formats (IEEE 802.3, as zlib's crc32; written here independently of
 * the library's) and a run of a target on the input with its trailing CRC
 * repaired, so that mutations reach the checks behind the checksum.
 */
#ifndef NCD_FUZZ_CRC_H
#define NCD_FUZZ_CRC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint32_t crc32_ieee(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int b = 0; b < 8; b++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

/* Run fn on a copy of data whose last 4 bytes are the CRC-32 of the rest
 * (inputs shorter than the 64-byte header plus the CRC are skipped). */
static inline void with_fixed_crc(const uint8_t *data, size_t size,
                                  void (*fn)(const uint8_t *, size_t)) {
  if (size < 68) return;
  uint8_t *fix = malloc(size);
  if (!fix) return;
  memcpy(fix, data, size);
  uint32_t c = crc32_ieee(fix, size - 4);
  for (int i = 0; i < 4; i++) fix[size - 4 + i] = (uint8_t)(c >> (8 * i));
  fn(fix, size);
  free(fix);
}

#endif
