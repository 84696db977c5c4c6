/*
 * acc_util.h - helpers of the accumulator suites: saving a state to bytes,
 * comparing a state with saved bytes, random labelled data with a classifier,
 * feeding it in random batches, and the 1e-12 comparison of metric vectors.
 */
#ifndef NCD_TEST_ACC_UTIL_H
#define NCD_TEST_ACC_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

static inline unsigned char *save(const ncd_nc_acc *a, size_t *len) {
  ck_assert_status(ncd_nc_acc_save(a, NULL, 0, len), NCD_OK);
  unsigned char *buf = malloc(*len);
  size_t l2 = 0;
  ck_assert_status(ncd_nc_acc_save(a, buf, *len, &l2), NCD_OK);
  ck_assert_uint_eq(l2, *len);
  return buf;
}

/* The state's bytes equal `ref` (len bytes). */
static inline void same_bytes(const ncd_nc_acc *a, const unsigned char *ref, size_t len) {
  size_t l;
  unsigned char *b = save(a, &l);
  ck_assert_uint_eq(l, len);
  ck_assert_msg(memcmp(b, ref, len) == 0, "state changed");
  free(b);
}


/* Random data set; classifier included. */
typedef struct data {
  size_t n, d, k;
  double *h, *w, *b;
  int32_t *y;
} data;

static inline data make(size_t n, size_t d, size_t k, double offset, double sep, double noise,
                 uint64_t seed) {
  data t = {n, d, k, malloc(n * d * sizeof(double)), malloc(k * d * sizeof(double)),
            malloc(k * sizeof(double)), malloc(n * sizeof(int32_t))};
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  double *cen = malloc(k * d * sizeof *cen);
  ncd_test_fill_normal(&r, cen, k, d, d);
  ncd_test_labels(&r, t.y, n, k);
  for (size_t i = 0; i < n / 4; i++) t.y[i] = 0; /* unbalanced */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      t.h[i * d + j] = offset + sep * cen[t.y[i] * d + j] + noise * ncd_test_normal(&r);
  ncd_test_fill_normal(&r, t.w, k, d, d);
  for (size_t c = 0; c < k; c++) t.b[c] = 0.2 * ncd_test_normal(&r);
  free(cen);
  return t;
}
static inline void drop(data *t) { free(t->h), free(t->w), free(t->b), free(t->y); }

/* Feed rows [0, n) in random batches (sizes 1..maxb). */
static inline void feed(ncd_nc_acc *a, const data *t, ncd_test_rng *r, size_t maxb) {
  for (size_t i = 0; i < t->n;) {
    size_t nb = 1 + (size_t)(ncd_test_uniform(r) * (double)maxb);
    if (nb > t->n - i) nb = t->n - i;
    ck_assert_status(ncd_nc_acc_update(a, nb, t->h + i * t->d, t->d, t->y + i), NCD_OK);
    i += nb;
  }
}

/* 1e-12 relative (1e-13 absolute near 0): the batch merges reorder sums of
 * O(n) terms (model: <= 1e-14); NC4/ACCURACY are equal counts. */
static inline void close_all(const double *got, const double *want, size_t nout, const char *what) {
  for (size_t i = 0; i < nout; i++)
    ck_assert_msg(ncd_test_close(got[i], want[i], 1e-12, 1e-13), "%s metric %zu: %.17g vs %.17g",
                  what, i, got[i], want[i]);
}

#endif
