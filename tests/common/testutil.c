/*
 * testutil.c - shared helpers for the Check suites (see testutil.h).
 */
#include "common/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/kernels_internal.h"

int ncd_test_close(double a, double b, double rtol, double atol) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  if (isinf(a) || isinf(b)) return a == b;
  double scale = fmax(fabs(a), fabs(b));
  return fabs(a - b) <= rtol * scale + atol;
}

double ncd_test_maxdiff(const double *a, size_t lda, const double *b, size_t ldb,
                        size_t r, size_t c) {
  double m = 0;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      double d = fabs(a[i * lda + j] - b[i * ldb + j]);
      if (d > m || isnan(d)) m = isnan(d) ? INFINITY : d;
    }
  return m;
}

double ncd_test_maxabs(const double *a, size_t lda, size_t r, size_t c) {
  double m = 0;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) m = fmax(m, fabs(a[i * lda + j]));
  return m;
}

static uint64_t sm64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void ncd_test_seed(ncd_test_rng *r, uint64_t seed) { r->x = seed * 0x2545F4914F6CDD1Dull + 1; }

double ncd_test_uniform(ncd_test_rng *r) { return (double)(sm64(&r->x) >> 11) * 0x1.0p-53; }

double ncd_test_normal(ncd_test_rng *r) {
  double u1 = ncd_test_uniform(r), u2 = ncd_test_uniform(r);
  if (u1 < 1e-300) u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void ncd_test_fill_normal(ncd_test_rng *r, double *a, size_t rows, size_t cols, size_t ld) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) a[i * ld + j] = ncd_test_normal(r);
}

void ncd_test_labels(ncd_test_rng *r, int32_t *y, size_t n, size_t k) {
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)(ncd_test_uniform(r) * (double)i);
    int32_t t = y[i - 1];
    y[i - 1] = y[j];
    y[j] = t;
  }
}

void ncd_test_naive_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha,
                         const double *a, size_t lda, const double *b, size_t ldb,
                         double beta, double *c, size_t ldc) {
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      long double s = 0;
      for (size_t p = 0; p < k; p++) {
        double av = ta ? a[p * lda + i] : a[i * lda + p];
        double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
        s += (long double)av * bv;
      }
      c[i * ldc + j] = (double)(alpha * s + (beta == 0 ? 0 : beta * (long double)c[i * ldc + j]));
    }
}

int ncd_test_naive_solve(size_t n, size_t nrhs, const double *a, size_t lda, double *b,
                         size_t ldb) {
  long double *m = malloc(n * n * sizeof *m), *x = malloc(n * nrhs * sizeof *x);
  if (!m || !x) { free(m); free(x); return 1; }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) m[i * n + j] = a[i * lda + j];
    for (size_t j = 0; j < nrhs; j++) x[i * nrhs + j] = b[i * ldb + j];
  }
  for (size_t c = 0; c < n; c++) {
    size_t p = c;
    for (size_t i = c + 1; i < n; i++) if (fabsl(m[i * n + c]) > fabsl(m[p * n + c])) p = i;
    if (m[p * n + c] == 0) { free(m); free(x); return 1; }
    for (size_t j = 0; j < n; j++) { long double t = m[c*n+j]; m[c*n+j] = m[p*n+j]; m[p*n+j] = t; }
    for (size_t j = 0; j < nrhs; j++) { long double t = x[c*nrhs+j]; x[c*nrhs+j] = x[p*nrhs+j]; x[p*nrhs+j] = t; }
    for (size_t i = c + 1; i < n; i++) {
      long double f = m[i * n + c] / m[c * n + c];
      for (size_t j = c; j < n; j++) m[i * n + j] -= f * m[c * n + j];
      for (size_t j = 0; j < nrhs; j++) x[i * nrhs + j] -= f * x[c * nrhs + j];
    }
  }
  for (size_t c = n; c-- > 0;)
    for (size_t j = 0; j < nrhs; j++) {
      long double s = x[c * nrhs + j];
      for (size_t q = c + 1; q < n; q++) s -= m[c * n + q] * x[q * nrhs + j];
      x[c * nrhs + j] = s / m[c * n + c];
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < nrhs; j++) b[i * ldb + j] = (double)x[i * nrhs + j];
  free(m); free(x);
  return 0;
}

static int cmp_double(const void *p, const void *q) {
  double a = *(const double *)p, b = *(const double *)q;
  return (a > b) - (a < b);
}

void ncd_test_jacobi_eigvals(size_t n, const double *a, size_t lda, double *w) {
  long double *m = malloc(n * n * sizeof *m);
  for (size_t i = 0; i < n; i++) for (size_t j = 0; j < n; j++) m[i * n + j] = a[i * lda + j];
  for (int sweep = 0; sweep < 100; sweep++) {
    long double off = 0;
    for (size_t p = 0; p < n; p++) for (size_t q = p + 1; q < n; q++) off += m[p*n+q] * m[p*n+q];
    if (off < 1e-40L) break;
    for (size_t p = 0; p < n; p++)
      for (size_t q = p + 1; q < n; q++) {
        if (m[p*n+q] == 0) continue;
        long double th = (m[q*n+q] - m[p*n+p]) / (2 * m[p*n+q]);
        long double t = (th >= 0 ? 1 : -1) / (fabsl(th) + sqrtl(th * th + 1));
        long double c = 1 / sqrtl(t * t + 1), s = t * c;
        for (size_t k = 0; k < n; k++) {
          long double mkp = m[k*n+p], mkq = m[k*n+q];
          m[k*n+p] = c * mkp - s * mkq; m[k*n+q] = s * mkp + c * mkq;
        }
        for (size_t k = 0; k < n; k++) {
          long double mpk = m[p*n+k], mqk = m[q*n+k];
          m[p*n+k] = c * mpk - s * mqk; m[q*n+k] = s * mpk + c * mqk;
        }
      }
  }
  for (size_t i = 0; i < n; i++) w[i] = (double)m[i * n + i];
  qsort(w, n, sizeof *w, cmp_double);
  free(m);
}

int ncd_test_level(void) {
  const char *s = getenv("NCD_TEST_LEVEL");
  if (!s) return 1;
  if (!strcmp(s, "quick")) return 0;
  if (!strcmp(s, "full")) return 2;
  return 1;
}

int ncd_test_run(SRunner *sr, const char *name) {
  (void)name;
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  ncd__finalize();
  return failed == 0 ? 0 : 1;
}
