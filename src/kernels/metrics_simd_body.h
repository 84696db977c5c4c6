/*
 * metrics_simd_body.h - the body of the fused NC1 projection kernel
 * (spec/metrics.md M-7: sum_i ||((h_i - ref) - m_{y_i}) P||^2), written once
 * over a few vector macros and included by metrics_simd.c once per
 * instruction set (AVX-512F, AVX2+FMA). Not a header of its own: the includer
 * defines V, VW, VZERO, VLOAD, VLOADF (float32 -> double), VSUB, VFMA, VSUM,
 * ROWS (rows per group), CHMAX (columns of P per register tile, 6 or 9), TGT
 * (the target attribute) and SFX (the name suffix).
 *
 * A group of ROWS rows is centred on the fly in registers, x = (h - ref) - m_y
 * (formed first, as the portable route does, so that identical rows give 0),
 * and projected against CH <= CHMAX rows of P^T at a time with ROWS x CH
 * vector accumulators held in registers; each accumulator is reduced to one
 * projection, squared and summed. Nothing is stored per element: the rows are
 * read from memory once (a second tile, when r > CHMAX, re-reads them from
 * L1). A short last group repeats its last row and drops the copies' terms.
 */

#define P8_CAT_(a, b) a##_##b
#define P8_CAT(a, b) P8_CAT_(a, b)
#define FN(name) P8_CAT(name, SFX)
#define INL TGT __attribute__((always_inline)) static inline
_Static_assert(CHMAX == 6 || CHMAX == 9, "the tile switch covers 1 .. CHMAX columns");

/* Element j of row i centred (scalar tail). */
#define P8_X(i, j) \
  (((is64 ? h64[i][j] : (double)h32[i][j]) - ref[j]) - mrow[i][j])

/* sum over rows 0 .. nr-1 of the group and CH columns of P (rows of pt, ld
 * ldp) of the squared projections. */
INL double FN(tile)(size_t d, const int is64, const double *const *h64,
                    const float *const *h32, const double *const *mrow, const double *ref,
                    size_t nr, const double *pt, size_t ldp, const int ch,
                    const char *const *pf) {
  V a[ROWS][CHMAX], xv[ROWS];
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; i++)
#pragma GCC unroll 16
    for (int c = 0; c < ch; c++) a[i][c] = VZERO();
  size_t j = 0;
  for (; j + VW <= d; j += VW) {
    V rf = VLOAD(ref + j);
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; i++)
      _mm_prefetch(pf[i] + (is64 ? 8 : 4) * j, PF_HINT);
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; i++)
      xv[i] = VSUB(VSUB(is64 ? VLOAD(h64[i] + j) : VLOADF(h32[i] + j), rf),
                   VLOAD(mrow[i] + j));
#pragma GCC unroll 16
    for (int c = 0; c < ch; c++) {
      V p = VLOAD(pt + (size_t)c * ldp + j);
      /* keep p in a register: without this GCC folds the load into every FMA,
       * one load per row instead of one per column (measured ~25 % slower) */
      __asm__("" : "+v"(p));
#pragma GCC unroll 16
      for (int i = 0; i < ROWS; i++) a[i][c] = VFMA(xv[i], p, a[i][c]);
    }
  }
  if (j < d) { /* the last d % VW columns, zero padded (pt is zero past d) */
    double xt[ROWS][VW];
    for (int i = 0; i < ROWS; i++)
      for (size_t t = 0; t < VW; t++) xt[i][t] = j + t < d ? P8_X(i, j + t) : 0.0;
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; i++) xv[i] = VLOAD(xt[i]);
#pragma GCC unroll 16
    for (int c = 0; c < ch; c++) {
      V p = VLOAD(pt + (size_t)c * ldp + j);
#pragma GCC unroll 16
      for (int i = 0; i < ROWS; i++) a[i][c] = VFMA(xv[i], p, a[i][c]);
    }
  }
  double t = 0.0;
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; i++)
    if ((size_t)i < nr)
#pragma GCC unroll 16
      for (int c = 0; c < ch; c++) {
        double o = VSUM(a[i][c]);
        t += o * o;
      }
  return t;
}

/* One group: the tiles over r columns, then q. */
INL double FN(group)(size_t d, size_t r, const double *pt, size_t ldp, const int is64,
                     const double *const *h64, const float *const *h32,
                     const double *const *mrow, const double *ref, size_t nr,
                     const int32_t *y, double *q, const char *const *pf) {
  size_t nch = (r + CHMAX - 1) / CHMAX;
  double t = 0.0;
  for (size_t ci = 0, c0 = 0; ci < nch; ci++) {
    /* balanced tiles: r = 10 runs as 5 + 5 columns, not 9 + 1 */
    size_t left = nch - ci, ch = (r - c0 + left - 1) / left;
    const double *p = pt + c0 * ldp;
    switch (ch) {
#define P8_CASE(n) \
  case n:          \
    t += FN(tile)(d, is64, h64, h32, mrow, ref, nr, p, ldp, n, pf); \
    break;
      P8_CASE(1) P8_CASE(2) P8_CASE(3) P8_CASE(4) P8_CASE(5)
#if CHMAX == 9
      P8_CASE(6) P8_CASE(7) P8_CASE(8)
#endif
      default:
        t += FN(tile)(d, is64, h64, h32, mrow, ref, nr, p, ldp, CHMAX, pf);
        break;
#undef P8_CASE
    }
    c0 += ch;
  }
  if (q) /* the group's rows are in L1 now */
    for (size_t i = 0; i < nr; i++) {
      V s = VZERO();
      size_t j = 0;
      for (; j + VW <= d; j += VW) {
        V x = VSUB(VSUB(is64 ? VLOAD(h64[i] + j) : VLOADF(h32[i] + j), VLOAD(ref + j)),
                   VLOAD(mrow[i] + j));
        s = VFMA(x, x, s);
      }
      double ss = VSUM(s);
      for (; j < d; j++) {
        double x = P8_X(i, j);
        ss += x * x;
      }
      q[y[i]] += ss;
    }
  return t;
}

INL double FN(run)(size_t d, size_t r, const double *pt, size_t ldp, const int is64,
                   const double *b64, const float *b32, size_t ld, size_t nb,
                   const int32_t *y, const double *ref, const double *m, size_t ldm,
                   double *q) {
  double t = 0.0;
  for (size_t i0 = 0; i0 < nb; i0 += ROWS) {
    size_t nr = nb - i0 < ROWS ? nb - i0 : ROWS;
    const double *h64[ROWS], *mrow[ROWS];
    const float *h32[ROWS];
    const char *pf[ROWS];
    for (size_t i = 0; i < ROWS; i++) { /* a short group repeats its last row */
      size_t ahead = i0 + i + PF_DIST * ROWS;
      ahead = ahead < nb ? ahead : nb - 1;
      pf[i] = is64 ? (const char *)(b64 + ahead * ld) : (const char *)(b32 + ahead * ld);
      size_t at = i0 + (i < nr ? i : nr - 1);
      h64[i] = is64 ? b64 + at * ld : NULL;
      h32[i] = is64 ? NULL : b32 + at * ld;
      mrow[i] = m + (size_t)y[at] * ldm;
    }
    t += FN(group)(d, r, pt, ldp, is64, h64, h32, mrow, ref, nr, y + i0, q, pf);
  }
  return t;
}

static TGT double FN(nc1_proj)(size_t d, size_t r, const double *pt, size_t ldp,
                              const double *h64, const float *h32, size_t ld, size_t nb,
                              const int32_t *y, const double *ref, const double *m,
                              size_t ldm, double *q) {
  if (h64) return FN(run)(d, r, pt, ldp, 1, h64, NULL, ld, nb, y, ref, m, ldm, q);
  return FN(run)(d, r, pt, ldp, 0, NULL, h32, ld, nb, y, ref, m, ldm, q);
}

#undef P8_X
#undef INL
#undef FN
#undef P8_CAT
#undef P8_CAT_
