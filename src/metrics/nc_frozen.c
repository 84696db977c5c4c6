/*
 * nc_frozen.c - the frozen first-pass result and the pass-2 block scorer of
 * spec/metrics.md: centring (M-9, or the unweighted centre), the thin SVD of
 * Mbar with the pseudo-inverse cut of M-8, the NC1 projection
 * (1/n) ||Hc V_r S_r^{-1}||_F^2 of M-7 accumulated block by block, and the
 * one GEMM X [W^T | Mbar^T | (W - 1 w_G^T)^T] of 4c giving the logits, the
 * centred nearest-mean scores (M-12) and the cosines of the margin (M-5).
 * The NC1 projection runs in the fused SIMD kernel of the kernels layer
 * (AVX-512F or AVX2+FMA, picked at build time of the frozen pass by
 * ncd__simd_best) or, on other CPUs, as one BLIS GEMM per centred block.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "metrics_internal.h"

void ncd__ncf_free(ncd__ncf *f) {
  ncd__free(f->mg);
  ncd__free(f->mbar);
  ncd__free(f->s);
  ncd__free(f->proj);
  ncd__free(f->ptail);
  ncd__free(f->pt);
  ncd__free(f->mp);
  ncd__free(f->score);
  ncd__free(f->bias);
  ncd__free(f->mbn);
  ncd__free(f->wcn);
  memset(f, 0, sizeof *f);
}

/* SVD of Mbar, rank by M-8 (or the caller's cut), proj = V_r S_r^{-1}. */
static int factor(ncd__ncf *f, const ncd__ncopt *opt) {
  size_t k = f->k, d = f->d, p = f->p;
  double *a = ncd__malloc_array(k, d * sizeof(double));
  double *vt = ncd__malloc_array(p, d * sizeof(double));
  int st = NCD_ENOMEM;
  if (!a || !vt) goto done;
  memcpy(a, f->mbar, k * d * sizeof(double));
  st = ncd__svd(k, d, a, d, f->s, NULL, 1, vt, d);
  if (st != NCD_OK) goto done;
  double rtol = opt && opt->pinv_rtol > 0.0 ? opt->pinv_rtol
                                            : (double)(k > d ? k : d) * DBL_EPSILON;
  double cut = sqrt(rtol) * f->s[0];
  size_t r = 0;
  if (f->s[0] > 0.0)
    while (r < p && f->s[r] > cut) r++;
  f->r = r;
  f->proj = ncd__malloc_array(d, (r ? r : 1) * sizeof(double));
  if (!f->proj) {
    st = NCD_ENOMEM;
    goto done;
  }
  for (size_t j = 0; j < d; j++)
    for (size_t i = 0; i < r; i++) f->proj[j * r + i] = vt[i * d + j] / f->s[i];
  if (r) { /* the SIMD kernels' P^T (rows of V^T / s) and m, zero padded */
    f->ldp = ncd__simd_ldp(d);
    f->pt = ncd__calloc(r, f->ldp * sizeof(double));
    f->mp = ncd__calloc(k, f->ldp * sizeof(double));
    if (!f->pt || !f->mp) {
      st = NCD_ENOMEM;
      goto done;
    }
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < d; j++) f->pt[i * f->ldp + j] = f->proj[j * r + i];
    for (size_t c = 0; c < k; c++) memcpy(f->mp + c * f->ldp, f->m + c * d, d * sizeof(double));
  }
  f->simd = ncd__simd_best();
  size_t mr = ncd__dgemm_mr();
  if (mr > 1 && r > mr && r % mr == 1) { /* contiguous copy of the last column */
    f->ptail = ncd__malloc_array(d, sizeof(double));
    if (!f->ptail) {
      st = NCD_ENOMEM;
      goto done;
    }
    for (size_t j = 0; j < d; j++) f->ptail[j] = f->proj[j * r + r - 1];
  }
done:
  ncd__free(a);
  ncd__free(vt);
  return st;
}

static int classifier(ncd__ncf *f) {
  size_t k = f->k, d = f->d;
  f->score = ncd__malloc_array(3 * k, d * sizeof(double));
  f->bias = ncd__malloc_array(k, sizeof(double));
  f->wcn = ncd__malloc_array(k, sizeof(double));
  double *wg = ncd__calloc(d, sizeof(double));
  if (!f->score || !f->bias || !f->wcn || !wg) {
    ncd__free(wg);
    return NCD_ENOMEM;
  }
  double *sw = f->score, *sm = f->score + k * d, *sc = f->score + 2 * k * d;
  for (size_t c = 0; c < k; c++) {
    memcpy(sw + c * d, f->w + c * f->ldw, d * sizeof(double));
    memcpy(sm + c * d, f->mbar + c * d, d * sizeof(double));
    for (size_t j = 0; j < d; j++) wg[j] += sw[c * d + j];
  }
  for (size_t j = 0; j < d; j++) wg[j] /= (double)k;
  f->cm_ok = 1;
  for (size_t c = 0; c < k; c++) {
    double t = 0.0, u = 0.0, nn = 0.0;
    for (size_t j = 0; j < d; j++) {
      t += sw[c * d + j] * f->ref[j];
      u += sw[c * d + j] * f->mg[j];
      sc[c * d + j] = sw[c * d + j] - wg[j];
      nn += sc[c * d + j] * sc[c * d + j];
    }
    f->bias[c] = t + u + (f->b ? f->b[c] : 0.0);
    f->wcn[c] = sqrt(nn);
    if (!(f->wcn[c] > 0.0)) f->cm_ok = 0;
  }
  ncd__free(wg);
  return NCD_OK;
}

int ncd__ncf_build(ncd__ncf *f, size_t n, size_t d, size_t k, const size_t *count,
                   const double *ref, const double *m, const double *w, size_t ldw,
                   const double *b, const ncd__ncopt *opt) {
  memset(f, 0, sizeof *f);
  f->n = n;
  f->d = d;
  f->k = k;
  f->p = k < d ? k : d;
  f->count = count;
  f->ref = ref;
  f->m = m;
  f->w = w;
  f->ldw = ldw;
  f->b = b;
  f->mg = ncd__malloc_array(d, sizeof(double));
  f->mbar = ncd__malloc_array(k, d * sizeof(double));
  f->s = ncd__malloc_array(f->p, sizeof(double));
  f->mbn = ncd__malloc_array(k, sizeof(double));
  int st = NCD_ENOMEM;
  if (!f->mg || !f->mbar || !f->s || !f->mbn) goto fail;
  ncd__peers_centre(d, k, count, ref, m, opt ? opt->unweighted : 0, f->mg, f->mbar);
  for (size_t c = 0; c < k; c++) {
    double t = 0.0;
    for (size_t j = 0; j < d; j++) t += f->mbar[c * d + j] * f->mbar[c * d + j];
    f->mbn[c] = t;
  }
  st = factor(f, opt);
  if (st == NCD_OK && w) st = classifier(f);
  if (st == NCD_OK) return NCD_OK;
fail:
  ncd__ncf_free(f);
  return st;
}

size_t ncd__ncf_work(const ncd__ncf *f, size_t nb) {
  size_t cols = 3 * f->k > f->r ? 3 * f->k : f->r;
  return nb * (f->d + cols + 1);
}

int ncd__ncf_force_simd(ncd__ncf *f, int v) {
  if (!ncd__simd_supported(v)) return NCD_ENOTSUP;
  f->simd = v;
  return NCD_OK;
}

const char *ncd__nc_simd_name(int v) {
  return v == NCD__SIMD_AVX512 ? "avx512" : v == NCD__SIMD_AVX2 ? "avx2" : "portable";
}

static void decide(const ncd__ncf *f, const double *o, size_t ncols, size_t nb,
                   const int32_t *y, const double *xn, size_t i0, unsigned what,
                   ncd__ncsums *s) {
  size_t k = f->k;
  for (size_t r = 0; r < nb; r++) {
    const double *z = o + r * ncols;
    size_t yc = (size_t)y[r];
    if (what & NCD__SC_DECIDE) {
      size_t am = 0, an = 0;
      double best = z[0] + f->bias[0], near = f->mbn[0] - 2.0 * z[k];
      for (size_t c = 1; c < k; c++) {
        double v = z[c] + f->bias[c], u = f->mbn[c] - 2.0 * z[k + c];
        if (v > best) best = v, am = c;
        if (u < near) near = u, an = c;
      }
      s->mism += am != an;
      if (s->mismc && am != an) s->mismc[yc]++;
      s->correct += am == yc;
    }
    if (what & NCD__SC_CM) {
      double cm = NAN;
      if (f->cm_ok) {
        double inv = xn[r] > 0.0 ? 1.0 / xn[r] : 0.0, other = -INFINITY, own = 0.0;
        for (size_t c = 0; c < k; c++) {
          double cs = xn[r] > 0.0 ? (z[2 * k + c] * inv) / f->wcn[c] : 0.0;
          if (c == yc) own = cs;
          else if (cs > other) other = cs;
        }
        cm = own - other;
        s->cmsum += cm;
        if (cm < s->cmmin) s->cmmin = cm;
      }
      if (s->cm) s->cm[i0 + r] = cm;
    }
  }
}

/* Row i of the block: float64 in place or float32 (converted per element). */
#define ROW(i) (b64 ? b64 + (i) * ld : NULL), (b64 ? NULL : b32 + (i) * ld)

void ncd__ncf_score(const ncd__ncf *f, const double *b64, const float *b32, size_t ld,
                    size_t nb, const int32_t *y, size_t i0, unsigned what,
                    ncd__ncsums *s, double *work) {
  size_t d = f->d, k = f->k, r = f->r;
  double *x = work, *o = work + nb * d;
  if ((what & NCD__SC_NC1) && r && f->simd != NCD__SIMD_PORTABLE) {
    /* fused kernel: centre, project, square and sum in registers (and q) */
    s->nc1 += ncd__nc1_proj(f->simd, d, r, f->pt, f->ldp, b64, b32, ld, nb, y, f->ref, f->mp,
                            f->ldp, s->q);
  } else if (what & (NCD__SC_NC1 | NCD__SC_Q)) {
    for (size_t i = 0; i < nb; i++) {
      double *xr = x + i * d;
      ncd__row_centre(d, ROW(i), f->ref, f->m + (size_t)y[i] * d, xr);
      if (s->q) s->q[y[i]] += ncd__row_sumsq(d, xr);
    }
    if ((what & NCD__SC_NC1) && r) {
      /* (X P)^T = P^T X^T (r x nb): the tiny P is the packed "A" side, which
       * suits BLIS's micro-tiles better than nb x r for r = k - 1 ~ 9 (section
       * 5). When r = MR q + 1 the last direction goes through a GEMV: a GEMM
       * of r rows would cost as much as one of MR (q + 1) rows. */
      size_t rg = f->ptail ? r - 1 : r;
      ncd__gemm(NCD__TRANS, NCD__TRANS, rg, nb, d, 1.0, f->proj, r, x, d, 0.0, o, nb);
      if (f->ptail) ncd__gemv(NCD__NOTRANS, nb, d, 1.0, x, d, f->ptail, 0.0, o + rg * nb);
      double t = 0.0;
      for (size_t i = 0; i < nb * r; i++) t += o[i] * o[i];
      s->nc1 += t;
    }
  }
  if ((what & (NCD__SC_DECIDE | NCD__SC_CM)) && f->score) {
    double *xn = o + nb * 3 * k;
    size_t ncols = (what & NCD__SC_CM) ? 3 * k : 2 * k;
    for (size_t i = 0; i < nb; i++) {
      double *xr = x + i * d;
      ncd__row_centre(d, ROW(i), f->ref, f->mg, xr);
      xn[i] = sqrt(ncd__row_sumsq(d, xr));
    }
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, ncols, d, 1.0, x, d, f->score, d, 0.0, o, ncols);
    decide(f, o, ncols, nb, y, xn, i0, what, s);
  }
  s->n2 += nb;
  if (s->n2c)
    for (size_t i = 0; i < nb; i++) s->n2c[y[i]]++;
}

uint64_t ncd__nc_count_correct(size_t d, size_t k, const double *ref, const double *w,
                               size_t ldw, const double *b, const double *blk, size_t ld,
                               size_t nb, const int32_t *y, double *work) {
  double *x = work, *z = work + nb * d, *c0 = work + nb * (d + k);
  for (size_t c = 0; c < k; c++) {
    double t = 0.0;
    for (size_t j = 0; j < d; j++) t += w[c * ldw + j] * ref[j];
    c0[c] = t + (b ? b[c] : 0.0);
  }
  for (size_t i = 0; i < nb; i++)
    for (size_t j = 0; j < d; j++) x[i * d + j] = blk[i * ld + j] - ref[j];
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, k, d, 1.0, x, d, w, ldw, 0.0, z, k);
  uint64_t correct = 0;
  for (size_t i = 0; i < nb; i++) {
    size_t am = 0;
    double best = z[i * k] + c0[0];
    for (size_t c = 1; c < k; c++) {
      double v = z[i * k + c] + c0[c];
      if (v > best) best = v, am = c;
    }
    correct += am == (size_t)y[i];
  }
  return correct;
}
