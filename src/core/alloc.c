/*
 * alloc.c - the library's one allocation path (design.md "Memory"): 64-byte
 * aligned blocks with a size header, per-thread counters tests can read, and a
 * per-thread hook that makes the k-th allocation fail (fault injection).
 */
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

#define NCD_ALIGN 64u /* header size too: keeps the payload aligned */

/* Per-thread test state: not shared between threads, invisible to callers. */
static _Thread_local ncd__alloc_counters tl_counters;
static _Thread_local uint64_t tl_fail_at;  /* 0: no injection               */
static _Thread_local int tl_fail_sticky;

void ncd__alloc_fail_at(uint64_t k, int sticky) {
  tl_fail_at = k == 0 ? 0 : tl_counters.calls + k;
  tl_fail_sticky = sticky;
}

void ncd__alloc_reset_counters(void) {
  size_t live = tl_counters.live_bytes;
  memset(&tl_counters, 0, sizeof tl_counters);
  tl_counters.live_bytes = live;
  tl_counters.peak_bytes = live;
  tl_fail_at = 0;
  tl_fail_sticky = 0;
}

void ncd__alloc_get_counters(ncd__alloc_counters *out) {
  if (out) *out = tl_counters;
}

void *ncd__malloc(size_t nbytes) {
  uint64_t call = ++tl_counters.calls;
  if (nbytes > tl_counters.largest) tl_counters.largest = nbytes;
  if (tl_fail_at != 0 && (call == tl_fail_at || (tl_fail_sticky && call > tl_fail_at))) {
    tl_counters.failures++;
    return NULL;
  }
  if (nbytes > SIZE_MAX - 2 * NCD_ALIGN) {
    tl_counters.failures++;
    return NULL;
  }
  size_t total = (nbytes + NCD_ALIGN + NCD_ALIGN - 1) / NCD_ALIGN * NCD_ALIGN;
  unsigned char *block = aligned_alloc(NCD_ALIGN, total);
  if (!block) {
    tl_counters.failures++;
    return NULL;
  }
  memcpy(block, &nbytes, sizeof nbytes);
  tl_counters.live_bytes += nbytes;
  if (tl_counters.live_bytes > tl_counters.peak_bytes)
    tl_counters.peak_bytes = tl_counters.live_bytes;
  return block + NCD_ALIGN;
}

void *ncd__malloc_array(size_t count, size_t size) {
  size_t bytes;
  if (ncd__mul_overflows(count, size, &bytes)) {
    tl_counters.calls++;
    tl_counters.failures++;
    return NULL;
  }
  return ncd__malloc(bytes);
}

void *ncd__calloc(size_t count, size_t size) {
  void *p = ncd__malloc_array(count, size);
  if (p) memset(p, 0, count * size);
  return p;
}

void ncd__free(void *p) {
  if (!p) return;
  unsigned char *block = (unsigned char *)p - NCD_ALIGN;
  size_t nbytes;
  memcpy(&nbytes, block, sizeof nbytes);
  /* live_bytes is per thread: a block freed on another thread than the one
   * that allocated it must not wrap the counter. */
  tl_counters.live_bytes = nbytes <= tl_counters.live_bytes ? tl_counters.live_bytes - nbytes : 0;
  free(block);
}
