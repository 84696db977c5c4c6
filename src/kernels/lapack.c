/*
 * lapack.c - reference LAPACK kernels (symmetric eigen-decomposition, thin SVD,
 * Cholesky, condition estimate) on row-major data. A row-major matrix is the
 * column-major matrix of its transpose, so no copies are needed: symmetric
 * problems use the other triangle, and the SVD of A is read from the SVD of
 * A^T with U and V exchanged. Every argument LAPACK would reject is caught
 * here first (XERBLA would stop the process).
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "kernels_internal.h"

/* Fortran prototypes (gfortran: hidden character-length arguments last). */
typedef int lapack_int;
extern void dsyevd_(const char *jobz, const char *uplo, const lapack_int *n, double *a,
                    const lapack_int *lda, double *w, double *work, const lapack_int *lwork,
                    lapack_int *iwork, const lapack_int *liwork, lapack_int *info, size_t,
                    size_t);
extern void dgesdd_(const char *jobz, const lapack_int *m, const lapack_int *n, double *a,
                    const lapack_int *lda, double *s, double *u, const lapack_int *ldu,
                    double *vt, const lapack_int *ldvt, double *work,
                    const lapack_int *lwork, lapack_int *iwork, lapack_int *info, size_t);
extern void dpotrf_(const char *uplo, const lapack_int *n, double *a, const lapack_int *lda,
                    lapack_int *info, size_t);
extern void dpocon_(const char *uplo, const lapack_int *n, const double *a,
                    const lapack_int *lda, const double *anorm, double *rcond, double *work,
                    lapack_int *iwork, lapack_int *info, size_t);

static int fits_int(size_t v) { return v <= (size_t)INT_MAX; }

/* Workspace sizes LAPACK reports come back as doubles; round up safely. */
static int work_size(double reported, size_t *out) {
  if (!(reported >= 0) || reported > (double)INT_MAX) return NCD_ENOTSUP;
  *out = (size_t)ceil(reported);
  if (*out == 0) *out = 1;
  return NCD_OK;
}

/* Row-major lower triangle == column-major upper triangle. */
static const char UPLO_OF_ROW_LOWER = 'U';

int ncd__syev_query(size_t n, int want_vectors, size_t *lwork, size_t *liwork) {
  if (n == 0 || !fits_int(n) || !lwork || !liwork) return n == 0 ? NCD_EINVAL : NCD_ENOTSUP;
  lapack_int nn = (lapack_int)n, lda = nn, info = 0, qlw = -1, qliw = -1, iw = 0;
  double qw = 0, dummy = 0, wdummy = 0;
  char jobz = want_vectors ? 'V' : 'N';
  dsyevd_(&jobz, &UPLO_OF_ROW_LOWER, &nn, &dummy, &lda, &wdummy, &qw, &qlw, &iw, &qliw,
          &info, 1, 1);
  if (info != 0) return NCD_ENOTSUP;
  NCD_TRY(work_size(qw, lwork));
  *liwork = iw > 0 ? (size_t)iw : 1;
  return NCD_OK;
}

int ncd__syev_ws(size_t n, double *a, size_t lda, double *w, int want_vectors,
                 double *work, size_t lwork, int *iwork, size_t liwork) {
  if (n == 0 || !a || !w || !work || !iwork || lda < n) return NCD_EINVAL;
  if (!fits_int(n) || !fits_int(lda) || !fits_int(lwork) || !fits_int(liwork))
    return NCD_ENOTSUP;
  for (size_t i = 0; i < n; i++) /* lower triangle is what LAPACK reads */
    if (ncd__scan_finite(a + i * lda, 1, i + 1, lda) != NCD_OK) return NCD_ENONFINITE;
  size_t need_w, need_iw;
  NCD_TRY(ncd__syev_query(n, want_vectors, &need_w, &need_iw));
  if (lwork < need_w || liwork < need_iw) return NCD_EINVAL;
  lapack_int nn = (lapack_int)n, ld = (lapack_int)lda, lw = (lapack_int)lwork,
             liw = (lapack_int)liwork, info = 0;
  char jobz = want_vectors ? 'V' : 'N';
  dsyevd_(&jobz, &UPLO_OF_ROW_LOWER, &nn, a, &ld, w, work, &lw, iwork, &liw, &info, 1, 1);
  if (info < 0) return NCD_EINVAL; /* unreachable: arguments are checked above */
  return info > 0 ? NCD_ENOCONV : NCD_OK;
}

int ncd__syev(size_t n, double *a, size_t lda, double *w, int want_vectors) {
  size_t lwork, liwork;
  NCD_TRY(ncd__syev_query(n, want_vectors, &lwork, &liwork));
  double *work = ncd__malloc_array(lwork, sizeof(double));
  int *iwork = ncd__malloc_array(liwork, sizeof(int));
  int st = NCD_ENOMEM;
  if (work && iwork) st = ncd__syev_ws(n, a, lda, w, want_vectors, work, lwork, iwork, liwork);
  ncd__free(work);
  ncd__free(iwork);
  return st;
}

int ncd__svd(size_t m, size_t n, double *a, size_t lda, double *s, double *u,
             size_t ldu, double *vt, size_t ldvt) {
  if (m == 0 || n == 0 || !a || !s || lda < n) return NCD_EINVAL;
  size_t r = m < n ? m : n;
  if ((u && ldu < r) || (vt && ldvt < n)) return NCD_EINVAL;
  if (!fits_int(m) || !fits_int(n) || !fits_int(lda) || (u && !fits_int(ldu)) ||
      (vt && !fits_int(ldvt)))
    return NCD_ENOTSUP;
  if (ncd__scan_finite(a, m, n, lda) != NCD_OK) return NCD_ENONFINITE;
  size_t rr;
  if (ncd__mul_overflows(r, 8, &rr) || !fits_int(rr)) return NCD_ENOTSUP;

  /* Column-major view: A^T (n x m) = V S U^T. LAPACK's "U" (n x r) is our V^T
   * in row-major memory, its "VT" (r x m) is our U. */
  int want = u || vt;
  double *own_u = NULL, *own_vt = NULL;
  if (want && !u) {
    own_u = ncd__malloc_array(m, r * sizeof(double));
    if (!own_u) return NCD_ENOMEM;
    u = own_u;
    ldu = r;
  }
  if (want && !vt) {
    own_vt = ncd__malloc_array(r, n * sizeof(double));
    if (!own_vt) {
      ncd__free(own_u);
      return NCD_ENOMEM;
    }
    vt = own_vt;
    ldvt = n;
  }
  char jobz = want ? 'S' : 'N';
  lapack_int M = (lapack_int)n, N = (lapack_int)m, LDA = (lapack_int)lda;
  lapack_int LDU = want ? (lapack_int)ldvt : 1, LDVT = want ? (lapack_int)ldu : 1;
  lapack_int info = 0, lwork = -1;
  double qw = 0, dummy = 0;
  int *iwork = ncd__malloc_array(8 * r, sizeof(int));
  int st = NCD_ENOMEM;
  if (!iwork) goto done;
  dgesdd_(&jobz, &M, &N, a, &LDA, s, want ? vt : &dummy, &LDU, want ? u : &dummy, &LDVT,
          &qw, &lwork, iwork, &info, 1);
  size_t lw;
  st = info != 0 ? NCD_ENOTSUP : work_size(qw, &lw);
  if (st != NCD_OK) goto done;
  double *work = ncd__malloc_array(lw, sizeof(double));
  if (!work) {
    st = NCD_ENOMEM;
    goto done;
  }
  lwork = (lapack_int)lw;
  dgesdd_(&jobz, &M, &N, a, &LDA, s, want ? vt : &dummy, &LDU, want ? u : &dummy, &LDVT,
          work, &lwork, iwork, &info, 1);
  ncd__free(work);
  st = info == 0 ? NCD_OK : (info > 0 ? NCD_ENOCONV : NCD_EINVAL);
done:
  ncd__free(iwork);
  ncd__free(own_u);
  ncd__free(own_vt);
  return st;
}

int ncd__chol(size_t n, double *a, size_t lda) {
  if (n == 0 || !a || lda < n) return NCD_EINVAL;
  if (!fits_int(n) || !fits_int(lda)) return NCD_ENOTSUP;
  for (size_t i = 0; i < n; i++)
    if (ncd__scan_finite(a + i * lda, 1, i + 1, lda) != NCD_OK) return NCD_ENONFINITE;
  lapack_int nn = (lapack_int)n, ld = (lapack_int)lda, info = 0;
  dpotrf_(&UPLO_OF_ROW_LOWER, &nn, a, &ld, &info, 1);
  if (info < 0) return NCD_EINVAL;
  return info > 0 ? NCD_ESINGULAR : NCD_OK;
}

void ncd__chol_solve(size_t n, size_t nrhs, const double *l, size_t ldl, double *b,
                     size_t ldb) {
  ncd__trsm_lower_left(NCD__NOTRANS, n, nrhs, 1.0, l, ldl, b, ldb);
  ncd__trsm_lower_left(NCD__TRANS, n, nrhs, 1.0, l, ldl, b, ldb);
}

void ncd__chol_solve_right(size_t m, size_t n, const double *l, size_t ldl, double *b,
                           size_t ldb) {
  /* X L L^T = B: first Y L^T = B, then X L = Y. */
  ncd__trsm_lower_right(NCD__TRANS, m, n, 1.0, l, ldl, b, ldb);
  ncd__trsm_lower_right(NCD__NOTRANS, m, n, 1.0, l, ldl, b, ldb);
}

int ncd__chol_rcond(size_t n, const double *l, size_t ldl, double anorm, double *rcond) {
  if (n == 0 || !l || !rcond || ldl < n || !(anorm >= 0) || !isfinite(anorm))
    return NCD_EINVAL;
  if (!fits_int(n) || !fits_int(ldl)) return NCD_ENOTSUP;
  double *work = ncd__malloc_array(3 * n, sizeof(double));
  int *iwork = ncd__malloc_array(n, sizeof(int));
  int st = NCD_ENOMEM;
  if (work && iwork) {
    lapack_int nn = (lapack_int)n, ld = (lapack_int)ldl, info = 0;
    dpocon_(&UPLO_OF_ROW_LOWER, &nn, l, &ld, &anorm, rcond, work, iwork, &info, 1);
    st = info == 0 ? NCD_OK : NCD_EINVAL;
  }
  ncd__free(work);
  ncd__free(iwork);
  return st;
}

double ncd__sym_norm1(size_t n, const double *a, size_t lda) {
  double best = 0.0;
  for (size_t j = 0; j < n; j++) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
      double v = i >= j ? a[i * lda + j] : a[j * lda + i];
      s += fabs(v);
    }
    if (s > best) best = s;
  }
  return best;
}
