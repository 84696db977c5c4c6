/*
 * guard.c - guard-page buffers for the bad-input tests (see guard.h).
 */
#include "common/guard.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static size_t span_of(size_t bytes) {
  size_t ps = page_size();
  return (bytes + ps - 1) / ps * ps + ps;
}

void *ncd_guard_alloc(size_t bytes) {
  size_t span = span_of(bytes), ps = page_size();
  unsigned char *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return NULL;
  if (mprotect(base + span - ps, ps, PROT_NONE) != 0) {
    munmap(base, span);
    return NULL;
  }
  unsigned char *p = base + span - ps - bytes;
  memset(base, 0xA5, span - ps);
  return p;
}

void ncd_guard_free(void *p, size_t bytes) {
  if (!p) return;
  size_t span = span_of(bytes), ps = page_size();
  unsigned char *base = (unsigned char *)p + bytes + ps - span;
  munmap(base, span);
}

int ncd_guard_untouched(const void *p, size_t bytes) {
  const unsigned char *c = p;
  for (size_t i = 0; i < bytes; i++)
    if (c[i] != 0xA5) return 0;
  return 1;
}

double *ncd_guard_doubles(const double *src, size_t n) {
  double *p = ncd_guard_alloc(n * sizeof(double));
  if (p && src) memcpy(p, src, n * sizeof(double));
  return p;
}

void ncd_guard_free_doubles(double *p, size_t n) { ncd_guard_free(p, n * sizeof(double)); }
