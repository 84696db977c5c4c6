/*
 * peers_ext.c - peer calls with extra inputs (spec/metrics-peers.md): the
 * agreement of the classifier with nearest-mean decisions against
 * caller-given means (P-8, rhubarbwu clf_ncc_agreement, weighted, class
 * average and per class) and the OOD orthogonality deviation NC5 (P-9,
 * rhubarbwu orthogonality_deviation) with the centre option. Public
 * ncd_nc_agreement, ncd_nc_ood_orthodev.
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

/* Decisions of one block: z (nb x 2k) = (H - 1 r^T) [W; Mbar]^T. */
static void agree_block(size_t d, size_t k, const double *blk, size_t ld, size_t nb,
                        const int32_t *y, const double *r, const double *a2, const double *bias,
                        const double *mbn, double *xc, double *z, size_t *agree) {
  for (size_t i = 0; i < nb; i++)
    for (size_t j = 0; j < d; j++) xc[i * d + j] = blk[i * ld + j] - r[j];
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, 2 * k, d, 1.0, xc, d, a2, d, 0.0, z, 2 * k);
  for (size_t i = 0; i < nb; i++) {
    const double *zi = z + i * 2 * k;
    size_t am = 0, an = 0;
    double best = zi[0] + bias[0], near = mbn[0] - 2.0 * zi[k];
    for (size_t c = 1; c < k; c++) {
      double v = zi[c] + bias[c], u = mbn[c] - 2.0 * zi[k + c];
      if (v > best) best = v, am = c;
      if (u < near) near = u, an = c;
    }
    if (am == an) agree[y[i]]++;
  }
}

NCD_API int ncd_nc_agreement(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int32_t *y, const double *m, size_t ldm, const double *w,
                             size_t ldw, const double *b, double *weighted, double *classavg,
                             double *per_class) {
  if (!h || !y || !m || !w || k < 2) return NCD_EINVAL;
  if (!weighted && !classavg && !per_class) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(h, n, d, ldh, sizeof(double)));
  NCD_TRY(ncd__check_matrix(m, k, d, ldm, sizeof(double)));
  NCD_TRY(ncd__check_matrix(w, k, d, ldw, sizeof(double)));
  size_t kd;
  if (ncd__mul_overflows(k, d, &kd) || ncd__mul_overflows(kd, 4 * sizeof(double), &kd))
    return NCD_EINVAL;
  NCD_TRY(ncd__check_labels(y, n, k));
  NCD_TRY(ncd__scan_finite(h, n, d, ldh));
  NCD_TRY(ncd__scan_finite(m, k, d, ldm));
  NCD_TRY(ncd__scan_finite(w, k, d, ldw));
  if (b) NCD_TRY(ncd__scan_finite_vec(b, k));
  size_t bs = ncd__nc_block_bytes(d) / (8 * d);
  if (bs < 1) bs = 1;
  if (bs > n) bs = n;
  double *a2 = ncd__malloc_array(2 * k, d * sizeof(double));
  double *r = ncd__calloc(d, sizeof(double));
  double *aux = ncd__malloc_array(2 * k, sizeof(double));
  double *xc = ncd__malloc_array(bs, d * sizeof(double));
  double *z = ncd__malloc_array(bs, 2 * k * sizeof(double));
  size_t *cnt = ncd__calloc(2 * k, sizeof(size_t));
  int st = a2 && r && aux && xc && z && cnt ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK) {
    /* reference point r = (1/k) sum m_c; rows [W; M - 1 r^T]; bias w_c . r + b_c */
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) r[j] += m[c * ldm + j] / (double)k;
    double *bias = aux, *mbn = aux + k;
    for (size_t c = 0; c < k; c++) {
      double t = 0.0, u = 0.0;
      for (size_t j = 0; j < d; j++) {
        double mc = m[c * ldm + j] - r[j];
        a2[c * d + j] = w[c * ldw + j];
        a2[(k + c) * d + j] = mc;
        t += w[c * ldw + j] * r[j];
        u += mc * mc;
      }
      bias[c] = t + (b ? b[c] : 0.0);
      mbn[c] = u;
    }
    for (size_t i0 = 0; i0 < n; i0 += bs) {
      size_t nb = n - i0 < bs ? n - i0 : bs;
      agree_block(d, k, h + i0 * ldh, ldh, nb, y + i0, r, a2, bias, mbn, xc, z, cnt);
    }
    size_t *nc = cnt + k, tot = 0;
    for (size_t i = 0; i < n; i++) nc[y[i]]++;
    double avg = 0.0;
    for (size_t c = 0; c < k; c++) {
      double ac = nc[c] ? (double)cnt[c] / (double)nc[c] : 0.0; /* empty class: 0 (RW) */
      if (per_class) per_class[c] = ac;
      avg += ac;
      tot += cnt[c];
    }
    if (weighted) *weighted = (double)tot / (double)n;
    if (classavg) *classavg = avg / (double)k;
  }
  ncd__free(a2);
  ncd__free(r);
  ncd__free(aux);
  ncd__free(xc);
  ncd__free(z);
  ncd__free(cnt);
  return st;
}

NCD_API int ncd_nc_ood_orthodev(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                const int32_t *y, size_t n_ood, const double *h_ood,
                                size_t ldo, ncd_centre centre, double *out) {
  if (!out || (int)centre < 0 || (int)centre > 2) return NCD_EINVAL;
  NCD_TRY(ncd__peers_check(n, d, k, h, ldh, sizeof(double), y));
  NCD_TRY(ncd__check_matrix(h_ood, n_ood, d, ldo, sizeof(double)));
  NCD_TRY(ncd__scan_finite(h_ood, n_ood, d, ldo));
  ncd__cstats s;
  ncd__rowsrc src;
  int st = ncd__peers_pass1(n, d, k, h, ldh, y, &s, &src);
  if (st != NCD_OK) return st;
  double *g = ncd__calloc(d, sizeof(double));
  if (!g) st = NCD_ENOMEM;
  if (st == NCD_OK) {
    ncd__peers_centre(d, k, s.count, s.ref, s.m, (int)centre, s.mg, s.mbar);
    /* g - c0 relative to ref: mean of (h_ood - ref) minus (c0 - ref) */
    for (size_t i = 0; i < n_ood; i++)
      for (size_t j = 0; j < d; j++) g[j] += (h_ood[i * ldo + j] - s.ref[j]) / (double)n_ood;
    double gg = 0.0, tot = 0.0;
    for (size_t j = 0; j < d; j++) {
      g[j] -= s.mg[j];
      gg += g[j] * g[j];
    }
    for (size_t c = 0; c < k; c++) {
      double mm = 0.0, mg = 0.0;
      for (size_t j = 0; j < d; j++) {
        mm += s.mbar[c * d + j] * s.mbar[c * d + j];
        mg += s.mbar[c * d + j] * g[j];
      }
      tot += mm > 0.0 && gg > 0.0 ? fabs(mg) / sqrt(mm * gg) : NAN;
    }
    *out = tot / (double)k;
  }
  ncd__free(g);
  ncd__rowsrc_free(&src);
  ncd__cstats_free(&s);
  return st;
}

/* ---- ncd_nc_class_vectors (P-7) ---- */

static void class_vectors(size_t d, size_t k, const double *mb, const double *w, size_t ldw,
                          double *norms, double *dots, double *cosines, double *dual) {
  for (size_t c = 0; c < k; c++) {
    const double *a = mb + c * d, *x = w ? w + c * ldw : NULL;
    double mm = 0.0, ww = 0.0, mw = 0.0;
    for (size_t j = 0; j < d; j++) {
      mm += a[j] * a[j];
      if (x) ww += x[j] * x[j], mw += x[j] * a[j];
    }
    if (norms) norms[c] = sqrt(mm);
    if (dots) dots[c] = mw;
    if (cosines) cosines[c] = mm > 0.0 && ww > 0.0 ? mw / sqrt(mm * ww) : NAN;
    if (dual) {
      double t = 0.0, nm = sqrt(mm), nw = sqrt(ww);
      for (size_t j = 0; j < d; j++) {
        double e = x[j] / nw - a[j] / nm;
        t += e * e;
      }
      dual[c] = mm > 0.0 && ww > 0.0 ? sqrt(t) : NAN;
    }
  }
}

void ncd__peers_class_vectors(size_t d, size_t k, const double *mb, const double *w,
                              size_t ldw, double *norms, double *dots, double *cosines,
                              double *dual) {
  class_vectors(d, k, mb, w, ldw, norms, dots, cosines, dual);
}

NCD_API int ncd_nc_class_vectors(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, double *norms, double *dots,
                                 double *cosines, double *dual_dist, double *gram, size_t ldg) {
  if ((int)centre < 0 || (int)centre > 2) return NCD_EINVAL;
  if (!norms && !dots && !cosines && !dual_dist && !gram) return NCD_EINVAL;
  if (!w && (dots || cosines || dual_dist)) return NCD_EINVAL;
  if (gram && ldg < k) return NCD_EINVAL;
  NCD_TRY(ncd__peers_check(n, d, k, h, ldh, sizeof(double), y));
  if (w) {
    NCD_TRY(ncd__check_matrix(w, k, d, ldw, sizeof(double)));
    NCD_TRY(ncd__scan_finite(w, k, d, ldw));
  }
  ncd__cstats s;
  ncd__rowsrc src;
  int st = ncd__peers_pass1(n, d, k, h, ldh, y, &s, &src);
  if (st != NCD_OK) return st;
  ncd__peers_centre(d, k, s.count, s.ref, s.m, (int)centre, s.mg, s.mbar);
  class_vectors(d, k, s.mbar, w, ldw, norms, dots, cosines, dual_dist);
  if (gram) ncd__syrk_aat(k, d, 1.0, s.mbar, d, 0.0, gram, ldg);
  ncd__rowsrc_free(&src);
  ncd__cstats_free(&s);
  return st;
}
