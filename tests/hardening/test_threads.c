/*
 * test_threads.c - concurrency (issue 10): 8 threads call every module at
 * once on distinct objects and must reproduce a serial run bit for bit. Built
 * also under ThreadSanitizer by `make tsan` (with Debian's serial BLIS).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

#define NTHREADS 8
#define NRES 256

typedef struct { int id; double res[NRES]; int status; } job;

static void *workload(void *p) {
  job *j = p;
  size_t n = 60, d = 7, k = 4, r = 0;
  ncd_test_rng rng;
  ncd_test_seed(&rng, 100 + (uint64_t)j->id);
  double *h = malloc(n * d * 8), *w = malloc(k * d * 8), b[4], *z = malloc(n * k * 8), *a = malloc(n * k * 8);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(&rng, h, n, d, d);
  ncd_test_fill_normal(&rng, w, k, d, d);
  ncd_test_fill_normal(&rng, b, 1, k, k);
  ncd_test_fill_normal(&rng, z, n, k, k);
  ncd_test_fill_normal(&rng, a, n, k, k);
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  int st = 0;
  double out[NCD_METRIC_COUNT], l;
  st |= ncd_nc_metrics(n, d, k, h, d, y, w, d, b, out, NCD_METRIC_COUNT);
  for (int m = 0; m < NCD_METRIC_COUNT; m++) j->res[r++] = out[m];
  ncd_nc_acc *acc = NULL;
  st |= ncd_nc_acc_create(d, k, NCD_ACC_SCATTER, &acc);
  st |= ncd_nc_acc_update(acc, n / 2, h, d, y);
  st |= ncd_nc_acc_update(acc, n - n / 2, h + (n / 2) * d, d, y + n / 2);
  st |= ncd_nc_acc_metrics(acc, out, NCD_METRIC_COUNT);
  for (int m = 0; m < NCD_METRIC_COUNT; m++) j->res[r++] = out[m];
  ncd_nc_acc_free(acc);
  st |= ncd_ce_loss(n, k, z, k, y, &l, NULL, 0);
  j->res[r++] = l;
  st |= ncd_ghost_radius_exact(n, k, z, k, a, k, &l);
  j->res[r++] = l;
  double wl[4 * 7], bl[4];
  st |= ncd_ls_classifier(n, d, k, h, d, y, 0.01, wl, d, bl);
  for (size_t i = 0; i < k * d; i++) j->res[r++] = wl[i];
  double m5[5 * 8];
  st |= ncd_simplex_etf(5, 8, (uint64_t)j->id + 1, m5, 8);
  for (int i = 0; i < 40; i++) j->res[r++] = m5[i];
  st |= ncd_cpath_omega(3, 4, 2.0, (double)j->id, &l);
  j->res[r++] = l;
  ncd_ufm *u = NULL;
  st |= ncd_ufm_create(n, d, k, y, &u);
  st |= ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 1e-3);
  st |= ncd_ufm_train(u, 20, w, d, h, d, b, NULL, NULL);
  ncd_ufm_free(u);
  for (size_t i = 0; i < k * d; i++) j->res[r++] = w[i];
  j->status = st;
  free(h); free(w); free(z); free(a); free(y);
  return NULL;
}

START_TEST(threads_match_serial) {
  job serial[NTHREADS], par[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    memset(&serial[t], 0, sizeof serial[t]);
    serial[t].id = t;
    workload(&serial[t]);
    ck_assert_int_eq(serial[t].status, NCD_OK);
  }
  for (int rep = 0; rep < (ncd_test_level() == 0 ? 1 : 3); rep++) {
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
      memset(&par[t], 0, sizeof par[t]);
      par[t].id = t;
      ck_assert_int_eq(pthread_create(&th[t], NULL, workload, &par[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < NTHREADS; t++) {
      ck_assert_int_eq(par[t].status, NCD_OK);
      ck_assert_msg(memcmp(par[t].res, serial[t].res, sizeof par[t].res) == 0,
                    "thread %d differs from the serial run", t);
    }
  }
}
END_TEST

Suite *suite_hardening_threads(void) {
  Suite *s = suite_create("hardening_threads");
  TCase *tc = tcase_create("threads");
  tcase_add_test(tc, threads_match_serial);
  suite_add_tcase(s, tc);
  return s;
}
