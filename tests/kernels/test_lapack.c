/*
 * test_lapack.c - LAPACK wrappers on row-major data: Cholesky solves against a
 * naive long-double elimination (1e-12 relative on well-conditioned systems),
 * eigen-decomposition and SVD by residual and orthogonality (a small multiple of
 * n*eps, since vectors are not unique) and eigenvalues against Jacobi, singular
 * and non-finite inputs, and the reference-LAPACK binding.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "kernels/kernels_internal.h"

/* SPD test matrix A = B^T B / m + I (cond ~ 10) with padding ld. */
static void spd(ncd_test_rng *r, size_t n, double *a, size_t lda) {
  size_t m = 2 * n + 3;
  double *b = malloc(m * n * sizeof *b);
  ncd_test_fill_normal(r, b, m, n, n);
  ncd_test_naive_gemm(1, 0, n, n, m, 1.0 / (double)m, b, n, b, n, 0.0, a, lda);
  for (size_t i = 0; i < n; i++) a[i * lda + i] += 1.0;
  free(b);
}

START_TEST(cholesky_solves) {
  ncd_test_rng r;
  ncd_test_seed(&r, 21);
  size_t sizes[] = {1, 2, 9, 40};
  for (size_t t = 0; t < 4; t++) {
    size_t n = sizes[t], lda = n + 2, nrhs = 3, ldb = nrhs + 1;
    double *a = calloc(n * lda, sizeof *a), *l = calloc(n * lda, sizeof *l);
    double *b = calloc(n * ldb, sizeof *b), *x0 = calloc(n * ldb, sizeof *x0);
    spd(&r, n, a, lda);
    memcpy(l, a, n * lda * sizeof *a);
    ncd_test_fill_normal(&r, b, n, nrhs, ldb);
    memcpy(x0, b, n * ldb * sizeof *b);
    ck_assert_status(ncd__chol(n, l, lda), NCD_OK);
    for (size_t i = 0; i < n; i++) /* strict upper untouched */
      for (size_t j = i + 1; j < n; j++) ck_assert(l[i * lda + j] == a[i * lda + j]);
    ncd__chol_solve(n, nrhs, l, lda, b, ldb);
    ck_assert_int_eq(ncd_test_naive_solve(n, nrhs, a, lda, x0, ldb), 0);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < nrhs; j++) ck_assert_close(b[i * ldb + j], x0[i * ldb + j], 1e-12, 1e-14);
    /* right solve: X A = C  <=>  A X^T = C^T */
    double *c = calloc(nrhs * lda, sizeof *c), *ct = calloc(n * nrhs, sizeof *ct);
    ncd_test_fill_normal(&r, c, nrhs, n, lda);
    for (size_t i = 0; i < nrhs; i++)
      for (size_t j = 0; j < n; j++) ct[j * nrhs + i] = c[i * lda + j];
    ncd__chol_solve_right(nrhs, n, l, lda, c, lda);
    ncd_test_naive_solve(n, nrhs, a, lda, ct, nrhs);
    for (size_t i = 0; i < nrhs; i++)
      for (size_t j = 0; j < n; j++) ck_assert_close(c[i * lda + j], ct[j * nrhs + i], 1e-12, 1e-14);
    double rcond;
    ck_assert_status(ncd__chol_rcond(n, l, lda, ncd__sym_norm1(n, a, lda), &rcond), NCD_OK);
    ck_assert(rcond > 1e-3 && rcond <= 1.0);
    free(a); free(l); free(b); free(x0); free(c); free(ct);
  }
}
END_TEST

START_TEST(cholesky_rejects) {
  double a[4] = {1, 2, 2, 1}; /* indefinite */
  ck_assert_status(ncd__chol(2, a, 2), NCD_ESINGULAR);
  double z[4] = {0, 0, 0, 0};
  ck_assert_status(ncd__chol(2, z, 2), NCD_ESINGULAR);
  double nanm[4] = {1, 0, NAN, 1};
  ck_assert_status(ncd__chol(2, nanm, 2), NCD_ENONFINITE);
  ck_assert_status(ncd__chol(2, a, 1), NCD_EINVAL);
  ck_assert_status(ncd__chol(0, a, 1), NCD_EINVAL);
  ck_assert_status(ncd__chol((size_t)1 << 32, a, (size_t)1 << 32), NCD_ENOTSUP);
}
END_TEST

START_TEST(eigen_residual_and_values) {
  ncd_test_rng r;
  ncd_test_seed(&r, 22);
  size_t sizes[] = {1, 3, 17, 60};
  for (size_t t = 0; t < 4; t++) {
    size_t n = sizes[t], lda = n + 1;
    double *a = calloc(n * lda, sizeof *a), *v = calloc(n * lda, sizeof *v);
    double *w = malloc(n * sizeof *w), *wj = malloc(n * sizeof *wj);
    ncd_test_fill_normal(&r, a, n, n, lda);
    for (size_t i = 0; i < n; i++) /* symmetrize */
      for (size_t j = 0; j < i; j++) a[j * lda + i] = a[i * lda + j];
    memcpy(v, a, n * lda * sizeof *a);
    ck_assert_status(ncd__syev(n, v, lda, w, 1), NCD_OK);
    ncd_test_jacobi_eigvals(n, a, lda, wj);
    double anorm = 0;
    for (size_t i = 0; i < n; i++) anorm = fmax(anorm, fabs(wj[i]));
    double tol = 20 * (double)n * DBL_EPSILON;
    for (size_t i = 0; i < n; i++) {
      ck_assert(i == 0 || w[i] >= w[i - 1]);
      ck_assert_msg(fabs(w[i] - wj[i]) <= tol * anorm, "eig %zu: %g vs %g", i, w[i], wj[i]);
      /* residual ||A v_i - w_i v_i|| with v_i = row i */
      for (size_t p = 0; p < n; p++) {
        double s = 0;
        for (size_t q = 0; q < n; q++) s += a[p * lda + q] * v[i * lda + q];
        ck_assert(fabs(s - w[i] * v[i * lda + p]) <= tol * anorm);
      }
      for (size_t j = 0; j <= i; j++) { /* orthonormal rows */
        double s = 0;
        for (size_t q = 0; q < n; q++) s += v[i * lda + q] * v[j * lda + q];
        ck_assert(fabs(s - (i == j)) <= tol);
      }
    }
    /* values only, with a caller workspace queried once */
    size_t lw, liw;
    ck_assert_status(ncd__syev_query(n, 0, &lw, &liw), NCD_OK);
    double *work = malloc(lw * sizeof *work);
    int *iwork = malloc(liw * sizeof *iwork);
    memcpy(v, a, n * lda * sizeof *a);
    double *w2 = malloc(n * sizeof *w2);
    ck_assert_status(ncd__syev_ws(n, v, lda, w2, 0, work, lw, iwork, liw), NCD_OK);
    for (size_t i = 0; i < n; i++) ck_assert(fabs(w2[i] - w[i]) <= tol * anorm);
    ck_assert_status(ncd__syev_ws(n, v, lda, w2, 1, work, lw, iwork, liw),
                     n > 1 ? NCD_EINVAL : NCD_OK); /* workspace too small for vectors */
    free(a); free(v); free(w); free(wj); free(work); free(iwork); free(w2);
  }
  double bad[4] = {1, 0, INFINITY, 1}; /* lower triangle is read */
  double w[2];
  ck_assert_status(ncd__syev(2, bad, 2, w, 1), NCD_ENONFINITE);
}
END_TEST

static void check_svd(ncd_test_rng *r, size_t m, size_t n) {
  size_t lda = n + 2, rr = m < n ? m : n, ldu = rr + 1, ldvt = n + 3;
  double *a = malloc(m * lda * sizeof *a), *a0 = malloc(m * lda * sizeof *a0);
  double *s = malloc(rr * sizeof *s), *u = calloc(m * ldu, sizeof *u), *vt = calloc(rr * ldvt, sizeof *vt);
  ncd_test_fill_normal(r, a, m, lda, lda);
  memcpy(a0, a, m * lda * sizeof *a);
  ck_assert_status(ncd__svd(m, n, a, lda, s, u, ldu, vt, ldvt), NCD_OK);
  double tol = 30 * (double)(m > n ? m : n) * DBL_EPSILON;
  for (size_t i = 1; i < rr; i++) ck_assert(s[i] <= s[i - 1] && s[i] >= 0);
  for (size_t i = 0; i < m; i++) /* A = U S V^T */
    for (size_t j = 0; j < n; j++) {
      double t = 0;
      for (size_t p = 0; p < rr; p++) t += u[i * ldu + p] * s[p] * vt[p * ldvt + j];
      ck_assert_msg(fabs(t - a0[i * lda + j]) <= tol * s[0], "svd %zux%zu residual", m, n);
    }
  for (size_t p = 0; p < rr; p++) /* U^T U = I, V^T V = I */
    for (size_t q = 0; q < rr; q++) {
      double uu = 0, vv = 0;
      for (size_t i = 0; i < m; i++) uu += u[i * ldu + p] * u[i * ldu + q];
      for (size_t j = 0; j < n; j++) vv += vt[p * ldvt + j] * vt[q * ldvt + j];
      ck_assert(fabs(uu - (p == q)) <= tol && fabs(vv - (p == q)) <= tol);
    }
  /* values only, and one-sided requests, agree */
  double *s2 = malloc(rr * sizeof *s2);
  memcpy(a, a0, m * lda * sizeof *a);
  ck_assert_status(ncd__svd(m, n, a, lda, s2, NULL, 0, NULL, 0), NCD_OK);
  for (size_t i = 0; i < rr; i++) ck_assert(fabs(s2[i] - s[i]) <= tol * s[0]);
  memcpy(a, a0, m * lda * sizeof *a);
  ck_assert_status(ncd__svd(m, n, a, lda, s2, NULL, 0, vt, ldvt), NCD_OK);
  memcpy(a, a0, m * lda * sizeof *a);
  ck_assert_status(ncd__svd(m, n, a, lda, s2, u, ldu, NULL, 0), NCD_OK);
  free(a); free(a0); free(s); free(u); free(vt); free(s2);
}

START_TEST(svd_residual_orthogonality) {
  ncd_test_rng r;
  ncd_test_seed(&r, 23);
  check_svd(&r, 1, 1);
  check_svd(&r, 10, 4);
  check_svd(&r, 4, 10);
  check_svd(&r, 37, 37);
  check_svd(&r, 100, 12);
  double a[4] = {1, 2, 3, 4}, s[2], u[4];
  ck_assert_status(ncd__svd(2, 2, a, 2, s, u, 1, NULL, 0), NCD_EINVAL);
  a[2] = NAN;
  ck_assert_status(ncd__svd(2, 2, a, 2, s, NULL, 0, NULL, 0), NCD_ENONFINITE);
}
END_TEST

START_TEST(reference_lapack_is_bound) {
  /* The library is linked with a runpath to reference LAPACK's directory. */
  void *sym = dlsym(RTLD_DEFAULT, "dsyevd_");
  ck_assert_ptr_nonnull(sym);
  Dl_info info;
  ck_assert(dladdr(sym, &info) != 0);
  ck_assert_msg(strstr(info.dli_fname, "openblas") == NULL,
                "LAPACK bound to %s, expected reference LAPACK", info.dli_fname);
}
END_TEST

Suite *suite_kernels_lapack(void) {
  Suite *s = suite_create("kernels_lapack");
  TCase *tc = tcase_create("lapack");
  tcase_add_test(tc, cholesky_solves);
  tcase_add_test(tc, cholesky_rejects);
  tcase_add_test(tc, eigen_residual_and_values);
  tcase_add_test(tc, svd_residual_orthogonality);
  tcase_add_test(tc, reference_lapack_is_bound);
  suite_add_tcase(s, tc);
  return s;
}
