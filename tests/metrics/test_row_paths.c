/*
 * test_row_paths.c - the row access of the passes (src/stats/rowops.c,
 * docs/metrics.md "Performance"): float32 features are read in place with
 * their leading dimension and converted element by element, over many row
 * blocks. float -> double is exact and every later operation is the float64
 * route's, so the float32 results must equal the float64 results on the
 * converted matrix bit for bit (tolerance 0; NaN matches NaN), one-shot and
 * through the two-pass accumulator. k = 10 gives r = 9, the GEMM + GEMV split
 * of the NC1 projection.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

typedef struct data {
  size_t n, d, k, ld;
  float *hf;    /* n x d, leading dimension ld (padding filled with NaN) */
  double *h;    /* the same values as doubles, ld d */
  int32_t *y;
  int64_t *y64;
  double *w, *b;
} data;

static void make(data *t, size_t n, size_t d, size_t k, size_t ld, uint64_t seed) {
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  t->n = n, t->d = d, t->k = k, t->ld = ld;
  t->hf = malloc(n * ld * sizeof *t->hf);
  t->h = malloc(n * d * sizeof *t->h);
  t->y = malloc(n * sizeof *t->y);
  t->y64 = malloc(n * sizeof *t->y64);
  t->w = malloc(k * d * sizeof *t->w);
  t->b = malloc(k * sizeof *t->b);
  double *cen = malloc(k * d * sizeof *cen);
  ncd_test_fill_normal(&r, cen, k, d, d);
  ncd_test_fill_normal(&r, t->w, k, d, d);
  for (size_t c = 0; c < k; c++) t->b[c] = ncd_test_normal(&r);
  for (size_t i = 0; i < n; i++) {
    t->y[i] = (int32_t)((i * 7 + i / 3) % k);
    t->y64[i] = t->y[i];
    for (size_t j = 0; j < ld; j++) {
      float v = j < d ? (float)(3.0 * cen[(size_t)t->y[i] * d + j] + 100.0 + ncd_test_normal(&r)) : NAN;
      t->hf[i * ld + j] = v;
      if (j < d) t->h[i * d + j] = (double)v;
    }
  }
  free(cen);
}

static void drop(data *t) {
  free(t->hf), free(t->h), free(t->y), free(t->y64), free(t->w), free(t->b);
}

static void same(const double *a, const double *b, size_t m) {
  for (size_t i = 0; i < m; i++)
    ck_assert_msg(ncd_test_close(a[i], b[i], 0.0, 0.0), "metric %zu: %.17g vs %.17g", i, a[i], b[i]);
}

/* several blocks (d = 16: 32-row blocks), strided float32 rows, r = 9 */
START_TEST(f32_strided_one_shot) {
  static const size_t shapes[][4] = {{300, 16, 10, 19}, {97, 5, 6, 8}, {64, 40, 3, 41}};
  for (size_t s = 0; s < 3; s++) {
    data t;
    make(&t, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], 40 + s);
    double o64[NCD_METRIC_COUNT], o32[NCD_METRIC_COUNT], o3[NCD_METRIC_COUNT];
    ck_assert_status(ncd_nc_metrics(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, t.b, o64,
                                    NCD_METRIC_COUNT), NCD_OK);
    ck_assert_status(ncd_nc_metrics_f32(t.n, t.d, t.k, t.hf, t.ld, t.y, t.w, t.d, t.b, o32,
                                        NCD_METRIC_COUNT), NCD_OK);
    ck_assert_status(ncd_nc_metrics_f32_i64(t.n, t.d, t.k, t.hf, t.ld, t.y64, t.w, t.d, t.b,
                                            o3, NCD_METRIC_COUNT), NCD_OK);
    ck_assert(o64[NCD_NC1] > 0.0);
    same(o32, o64, NCD_METRIC_COUNT);
    same(o3, o64, NCD_METRIC_COUNT);
    /* nout = 1 alone: the same NC1 */
    ck_assert_status(ncd_nc_metrics_f32(t.n, t.d, t.k, t.hf, t.ld, t.y, NULL, 0, NULL, o32, 1),
                     NCD_OK);
    same(o32, o64, 1);
    drop(&t);
  }
}
END_TEST

/* collapsed float32 rows (identical per class, strided): NC1 = 0 exactly (M-9) */
START_TEST(f32_collapse_exact) {
  data t;
  make(&t, 200, 16, 10, 21, 7);
  for (size_t i = 0; i < t.n; i++)
    for (size_t j = 0; j < t.d; j++)
      t.hf[i * t.ld + j] = (float)(1000.5 + 3.25 * (double)((size_t)t.y[i] * 31 % 17) +
                                   0.125 * (double)(j * ((size_t)t.y[i] + 1) % 13));
  double out[1];
  ck_assert_status(ncd_nc_metrics_f32(t.n, t.d, t.k, t.hf, t.ld, t.y, NULL, 0, NULL, out, 1),
                   NCD_OK);
  ck_assert_msg(out[0] == 0.0, "NC1 %.17g", out[0]);
  drop(&t);
}
END_TEST

/* the two-pass accumulator, float32 strided batches against float64 batches */
START_TEST(f32_strided_accumulator) {
  data t;
  make(&t, 300, 16, 10, 19, 3);
  ncd_nc_acc *a, *b;
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, 0, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, 0, &b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(b, t.w, t.d, t.b), NCD_OK);
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < t.n; i += 100) {
      ck_assert_status(ncd_nc_acc_update(a, 100, t.h + i * t.d, t.d, t.y + i), NCD_OK);
      ck_assert_status(ncd_nc_acc_update_f32(b, 100, t.hf + i * t.ld, t.ld, t.y + i), NCD_OK);
    }
    if (pass == 0) {
      ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
      ck_assert_status(ncd_nc_acc_begin_pass2(b), NCD_OK);
    }
  }
  double oa[NCD_METRIC_COUNT], ob[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_acc_metrics(a, oa, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_acc_metrics(b, ob, NCD_METRIC_COUNT), NCD_OK);
  ck_assert(oa[NCD_NC1] > 0.0);
  same(ob, oa, NCD_METRIC_COUNT);
  ncd_nc_acc_free(a);
  ncd_nc_acc_free(b);
  drop(&t);
}
END_TEST

Suite *suite_metrics_row_paths(void) {
  Suite *s = suite_create("metrics_row_paths");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, f32_strided_one_shot);
  tcase_add_test(tc, f32_collapse_exact);
  tcase_add_test(tc, f32_strided_accumulator);
  suite_add_tcase(s, tc);
  return s;
}
