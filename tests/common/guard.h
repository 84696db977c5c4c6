/*
 * guard.h - guard-page buffers for bad-input tests: a buffer whose last byte
 * sits just before an inaccessible page, so any write (or read) past its end
 * faults (Check's fork mode reports it as an error), plus canary checks for
 * bytes before the region a function may write.
 */
#ifndef NCD_TEST_GUARD_H
#define NCD_TEST_GUARD_H

#include <stddef.h>

/* `bytes` usable bytes ending exactly at a PROT_NONE page; contents filled
 * with the byte 0xA5. NULL on failure. */
void *ncd_guard_alloc(size_t bytes);
void ncd_guard_free(void *p, size_t bytes);
/* 1 if all `bytes` bytes at p equal 0xA5 (untouched), else 0. */
int ncd_guard_untouched(const void *p, size_t bytes);
/* Guarded double array of n values, copied from src (or 0xA5 bytes if NULL). */
double *ncd_guard_doubles(const double *src, size_t n);
void ncd_guard_free_doubles(double *p, size_t n);

#endif
