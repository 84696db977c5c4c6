/*
 * test_moments.c - mergeable class moments (metrics.md M-9, M-10): batch
 * moments of random splits (batches missing classes, a far offset) merged in
 * both modes equal a naive long-double two-pass route (1e-12 relative); the
 * merge is commutative to rounding; the compensated mode keeps the collapse
 * regime exact where the plain one loses ~1e-8; the centring with both
 * weightings; the scatter of one class.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "stats/stats_internal.h"

typedef long double ld;

static void naive(size_t n, size_t d, size_t k, const double *h, const int32_t *y, ld *mu,
                  ld *s, ld *sc, ld *q, size_t *cnt) {
  memset(mu, 0, k * d * sizeof *mu), memset(s, 0, d * d * sizeof *s);
  memset(sc, 0, k * d * d * sizeof *sc), memset(q, 0, k * sizeof *q), memset(cnt, 0, k * sizeof *cnt);
  for (size_t i = 0; i < n; i++) {
    cnt[y[i]]++;
    for (size_t j = 0; j < d; j++) mu[y[i] * d + j] += h[i * d + j];
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mu[c * d + j] /= cnt[c];
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < d; a++) {
      ld za = h[i * d + a] - mu[y[i] * d + a];
      q[y[i]] += za * za;
      for (size_t b = 0; b < d; b++) {
        ld p = za * (h[i * d + b] - mu[y[i] * d + b]);
        s[a * d + b] += p;
        sc[y[i] * d * d + a * d + b] += p;
      }
    }
}

static void run(double offset, double sep, double noise, double tol, int compensated) {
  size_t n = 400, d = 5, k = 4;
  ncd_test_rng r;
  ncd_test_seed(&r, 17);
  double *h = malloc(n * d * sizeof *h), cen[20];
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(&r, cen, k, d, d);
  for (size_t i = 0; i < n; i++) {
    y[i] = (int32_t)((i / 37) % k); /* runs of one class: batches miss classes */
    for (size_t j = 0; j < d; j++) h[i * d + j] = offset + sep * cen[y[i] * d + j] + noise * ncd_test_normal(&r);
  }
  ld mu[20], s[25], sc[100], q[4];
  size_t cnt[4];
  naive(n, d, k, h, y, mu, s, sc, q, cnt);
  ncd__cmom acc, b;
  unsigned fl = NCD__MOM_SCATTER | NCD__MOM_CLASS_SCATTER;
  ck_assert_status(ncd__cmom_alloc(d, k, fl, &acc), NCD_OK);
  ck_assert_status(ncd__cmom_alloc(d, k, fl, &b), NCD_OK);
  double work[4 * 6];
  for (size_t i = 0; i < n;) {
    size_t nb = 1 + (size_t)(ncd_test_uniform(&r) * 60);
    if (nb > n - i) nb = n - i;
    ncd__rowsrc src;
    ck_assert_status(ncd__rowsrc_init(&src, h + i * d, NULL, nb, d, d, 256), NCD_OK);
    /* compensated: batches share the state's ref (as the accumulator does);
     * plain: each batch has its own ref, moved at the merge */
    ck_assert_status(ncd__cmom_batch(&b, compensated && acc.n ? acc.ref : NULL, &src, y + i), NCD_OK);
    ncd__cmom_merge(&acc, &b, work, compensated);
    i += nb;
  }
  ck_assert_uint_eq(acc.n, n);
  ld trs = 0;
  for (size_t a = 0; a < d; a++) trs += s[a * d + a];
  for (size_t c = 0; c < k; c++) {
    ck_assert_uint_eq(acc.count[c], cnt[c]);
    for (size_t j = 0; j < d; j++) /* means: the data's own limit eps * |offset| */
      ck_assert(fabsl(acc.ref[j] + (ld)acc.m[c * d + j] + acc.lo[c * d + j] - mu[c * d + j]) <=
                1e-14L * (fabsl(offset) + fabsl(sep) * 4));
    ck_assert_msg(fabsl(acc.q[c] - q[c]) <= tol * q[c], "q %.17g vs %.17Lg", acc.q[c], q[c]);
    for (size_t a = 0; a < d * d; a++)
      ck_assert(fabsl(acc.sc[c * d * d + a] - sc[c * d * d + a]) <= tol * q[c]);
  }
  for (size_t a = 0; a < d * d; a++) ck_assert(fabsl(acc.s[a] - s[a]) <= tol * trs);
  ncd__cmom_free(&acc);
  ncd__cmom_free(&b);
  free(h), free(y);
}

START_TEST(merged_batches) {
  run(0.0, 3.0, 1.0, 1e-12, 0);    /* plain data, plain merge */
  run(1e6, 3.0, 1.0, 1e-9, 0);     /* offset 1e6: eps*1e6 per centred entry */
  run(0.0, 3.0, 1.0, 1e-12, 1);
  run(1e6, 3.0, 1.0, 1e-12, 1);    /* compensated: offset cancels exactly */
  run(0.0, 1e4, 1e-6, 1e-10, 1);   /* collapse regime (4b table) */
}
END_TEST

START_TEST(centre_and_class_scatter) {
  size_t k = 3, d = 2, cnt[3] = {1, 0, 3};
  double m[6] = {1, 2, 9, 9, 4, -2}, mg[2], mb[6];
  ncd__centre_means(d, k, cnt, m, 0, mg, mb);
  ck_assert_close(mg[0], (1 + 12) / 4.0, 1e-15, 0);
  ck_assert_close(mg[1], (2 - 6) / 4.0, 1e-15, 0);
  ck_assert(mb[2] == 0 && mb[3] == 0); /* empty class */
  ck_assert(fabs(mb[0] + 3 * mb[4]) <= 1e-15 && fabs(mb[1] + 3 * mb[5]) <= 1e-15);
  ncd__centre_means(d, k, cnt, m, 1, mg, mb); /* unweighted: mean of present classes */
  ck_assert_close(mg[0], 2.5, 1e-15, 0);
  ck_assert_close(mg[1], 0.0, 0, 1e-15);
  ck_assert(fabs(mb[0] + mb[4]) <= 1e-15);
  /* one class's scatter equals the naive one */
  double h[10] = {1, 2, 3, 5, 0, 0, 2, 2, 7, 1};
  int32_t y[5] = {1, 0, 1, 1, 0};
  ncd__cstats s;
  ncd__rowsrc src;
  ck_assert_status(ncd__cstats_alloc(2, 2, &s), NCD_OK);
  ck_assert_status(ncd__rowsrc_init(&src, h, NULL, 5, 2, 2, 16), NCD_OK); /* 1-row blocks */
  ck_assert_status(ncd__cstats_means(&s, &src, y), NCD_OK);
  double sc[4];
  ck_assert_status(ncd__cstats_class_scatter(&s, &src, y, 1, sc, 2), NCD_OK);
  /* class 1 rows (1,2), (0,0), (2,2): mean (1, 4/3) */
  double z[3][2] = {{0, 2.0 / 3}, {-1, -4.0 / 3}, {1, 2.0 / 3}}, want[4] = {0};
  for (int i = 0; i < 3; i++)
    for (int a = 0; a < 2; a++)
      for (int b = 0; b < 2; b++) want[a * 2 + b] += z[i][a] * z[i][b];
  for (int a = 0; a < 4; a++) ck_assert_close(sc[a], want[a], 1e-14, 1e-15);
  ncd__cstats_free(&s);
}
END_TEST

Suite *suite_stats_moments(void) {
  Suite *s = suite_create("stats_moments");
  TCase *tc = tcase_create("moments");
  tcase_add_test(tc, merged_batches);
  tcase_add_test(tc, centre_and_class_scatter);
  suite_add_tcase(s, tc);
  return s;
}
