/*
 * test_fault.c - fault injection (issue 10): for a representative call of
 * every public function that allocates, make its k-th allocation fail for
 * every k it reaches: the call returns NCD_ENOMEM, frees everything it
 * allocated (core's live-byte counter returns to its value before the call;
 * valgrind/ASan confirm), leaves opaque objects unchanged, and a retry succeeds.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"

typedef struct fixture {
  size_t n, d, k;
  double *h, *w, *b, *z, *a, *out, *g;
  float *hf, *zf, *gf;
  int32_t *y;
  int64_t *y64;
  ncd_nc_acc *acc, *acc2;
  ncd_ufm *ufm;
  unsigned char *saved;
  size_t saved_len;
} fixture;

static void fx_init(fixture *f) {
  memset(f, 0, sizeof *f);
  f->n = 40; f->d = 6; f->k = 4;
  ncd_test_rng r;
  ncd_test_seed(&r, 2024);
  f->h = malloc(f->n * f->d * sizeof(double));
  f->hf = malloc(f->n * f->d * sizeof(float));
  f->w = malloc(f->k * f->d * sizeof(double));
  f->b = malloc(f->k * sizeof(double));
  f->z = malloc(f->n * f->k * sizeof(double));
  f->a = malloc(f->n * f->k * sizeof(double));
  f->g = malloc(f->n * f->k * sizeof(double));
  f->out = malloc(64 * sizeof(double));
  f->y = malloc(f->n * sizeof(int32_t));
  f->y64 = malloc(f->n * sizeof(int64_t));
  f->zf = malloc(f->n * f->k * sizeof(float));
  f->gf = malloc(f->n * f->k * sizeof(float));
  ncd_test_fill_normal(&r, f->h, f->n, f->d, f->d);
  for (size_t i = 0; i < f->n * f->d; i++) f->hf[i] = (float)f->h[i];
  ncd_test_fill_normal(&r, f->w, f->k, f->d, f->d);
  ncd_test_fill_normal(&r, f->b, 1, f->k, f->k);
  ncd_test_fill_normal(&r, f->z, f->n, f->k, f->k);
  ncd_test_fill_normal(&r, f->a, f->n, f->k, f->k);
  for (size_t i = 0; i < f->n; i++) f->y[i] = (int32_t)(i % f->k), f->y64[i] = (int64_t)(i % f->k);
  for (size_t i = 0; i < f->n * f->k; i++) f->zf[i] = (float)f->z[i];
  ck_assert_status(ncd_nc_acc_create(f->d, f->k, NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER, &f->acc), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(f->acc, f->w, f->d, f->b), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(f->acc, f->n, f->h, f->d, f->y), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(f->d, f->k, NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER, &f->acc2), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(f->acc2, f->w, f->d, f->b), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(f->acc2, 20, f->h, f->d, f->y), NCD_OK);
  ncd_nc_acc_save(f->acc, NULL, 0, &f->saved_len);
  f->saved = malloc(f->saved_len);
  ck_assert_status(ncd_nc_acc_save(f->acc, f->saved, f->saved_len, &f->saved_len), NCD_OK);
  ck_assert_status(ncd_ufm_create(f->n, f->d, f->k, f->y, &f->ufm), NCD_OK);
}

static void fx_free(fixture *f) {
  free(f->h); free(f->hf); free(f->w); free(f->b); free(f->z); free(f->a); free(f->g);
  free(f->out); free(f->y); free(f->saved); free(f->y64); free(f->zf); free(f->gf);
  ncd_nc_acc_free(f->acc); ncd_nc_acc_free(f->acc2); ncd_ufm_free(f->ufm);
}

/* calls: each returns a status; objects it creates are freed before return */
static int c_softmax(fixture *f) { return ncd_softmax(f->n, f->k, f->z, f->k, f->g, f->k); }
static int c_ce(fixture *f) { double l; return ncd_ce_loss(f->n, f->k, f->z, f->k, f->y, &l, f->g, f->k); }
static int c_mse(fixture *f) { double l; return ncd_mse_loss(f->n, f->k, f->z, f->k, f->y, 2, 3, &l, f->g, f->k); }
static int c_hadamard(fixture *f) { double *m = malloc(12 * 12 * 8); int s = ncd_hadamard(12, m, 12); (void)f; free(m); return s; }
static int c_etf(fixture *f) { double *m = malloc(5 * 7 * 8); int s = ncd_simplex_etf(5, 7, 9, m, 7); (void)f; free(m); return s; }
static int c_ls(fixture *f) { return ncd_ls_classifier(f->n, f->d, f->k, f->h, f->d, f->y, 0.1, f->g, f->d, f->out); }
static int c_dec(fixture *f) { return ncd_mse_decompose(f->n, f->d, f->k, f->h, f->d, f->y, f->w, f->d, f->b, 0.1, f->out); }
static int c_exact(fixture *f) { double r; return ncd_ghost_radius_exact(f->n, f->k, f->z, f->k, f->a, f->k, &r); }
static int c_metrics(fixture *f) { return ncd_nc_metrics(f->n, f->d, f->k, f->h, f->d, f->y, f->w, f->d, f->b, f->out, NCD_METRIC_COUNT); }
static int c_acc_create(fixture *f) { ncd_nc_acc *a = NULL; int s = ncd_nc_acc_create(f->d, f->k, NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER, &a); ncd_nc_acc_free(a); return s; }
static int c_acc_update(fixture *f) { return ncd_nc_acc_update(f->acc, 10, f->h, f->d, f->y); }
static int c_acc_update32(fixture *f) { return ncd_nc_acc_update_f32(f->acc, 10, f->hf, f->d, f->y); }
static int c_acc_merge(fixture *f) { return ncd_nc_acc_merge(f->acc, f->acc2); }
static int c_acc_metrics(fixture *f) { return ncd_nc_acc_metrics(f->acc, f->out, NCD_METRIC_COUNT); }
static int c_acc_load(fixture *f) { ncd_nc_acc *a = NULL; int s = ncd_nc_acc_load(f->saved, f->saved_len, &a); ncd_nc_acc_free(a); return s; }
static int c_ufm_create(fixture *f) { ncd_ufm *u = NULL; int s = ncd_ufm_create(f->n, f->d, f->k, f->y, &u); ncd_ufm_free(u); return s; }
static int c_ufm_obj(fixture *f) { double v; return ncd_ufm_objective(f->ufm, f->w, f->d, f->h, f->d, f->b, &v, NULL, 0, NULL, 0, NULL); }
static int c_ufm_train(fixture *f) {
  double *w = malloc(f->k * f->d * 8), *h = malloc(f->n * f->d * 8), b[4];
  memcpy(w, f->w, f->k * f->d * 8); memcpy(h, f->h, f->n * f->d * 8); memcpy(b, f->b, sizeof b);
  ncd_ufm_set(f->ufm, NCD_UFM_STEP_POLICY, NCD_STEP_GHOST);
  int s = ncd_ufm_train(f->ufm, 2, w, f->d, h, f->d, b, NULL, NULL);
  free(w); free(h);
  return s;
}

/* the functions each layer added beyond api.md */
#define NDK f->n, f->d, f->k
static int c_softmax32(fixture *f) { return ncd_softmax_f32(f->n, f->k, f->zf, f->k, f->gf, f->k); }
static int c_lsm32(fixture *f) { return ncd_log_softmax_f32(f->n, f->k, f->zf, f->k, f->gf, f->k); }
static int c_ce32(fixture *f) { double l; return ncd_ce_loss_f32(f->n, f->k, f->zf, f->k, f->y, &l, f->gf, f->k); }
static int c_mse32(fixture *f) { double l; return ncd_mse_loss_f32(f->n, f->k, f->zf, f->k, f->y, 2, 3, &l, f->gf, f->k); }
static int c_ls32(fixture *f) { return ncd_ls_classifier_f32(NDK, f->hf, f->d, f->y, 0.1, f->g, f->d, f->out); }
static int c_dec32(fixture *f) { return ncd_mse_decompose_f32(NDK, f->hf, f->d, f->y, f->w, f->d, f->b, 0.1, f->out); }
static int c_ren(fixture *f) { double *x = malloc(f->n * f->d * 8); int s = ncd_cpath_renormalize(NDK, f->h, f->d, f->y, x, f->d); free(x); return s; }
static int c_ren32(fixture *f) { double *x = malloc(f->n * f->d * 8); int s = ncd_cpath_renormalize_f32(NDK, f->hf, f->d, f->y, x, f->d); free(x); return s; }
static int c_csnr(fixture *f) { double v[16], u[24]; return ncd_cpath_snr(NDK, f->h, f->d, f->y, f->out, v, 4, u, 4); }
static int c_csnr32(fixture *f) { return ncd_cpath_snr_f32(NDK, f->hf, f->d, f->y, f->out, NULL, 0, NULL, 0); }
static int c_ncex(fixture *f) { ncd_nc_options o = {0}; o.unweighted_centre = 1; return ncd_nc_metrics_ex(NDK, f->h, f->d, f->y, f->w, f->d, f->b, &o, f->out, NCD_METRIC_COUNT); }
static int c_nc32(fixture *f) { return ncd_nc_metrics_f32(NDK, f->hf, f->d, f->y, f->w, f->d, f->b, f->out, NCD_METRIC_COUNT); }
static int c_nc64(fixture *f) { return ncd_nc_metrics_i64(NDK, f->h, f->d, f->y64, f->w, f->d, f->b, f->out, NCD_METRIC_COUNT); }
static int c_nc3264(fixture *f) { return ncd_nc_metrics_f32_i64(NDK, f->hf, f->d, f->y64, f->w, f->d, f->b, f->out, NCD_METRIC_COUNT); }
static int c_cos(fixture *f) { return ncd_nc_cosine_margin(NDK, f->h, f->d, f->y, f->w, f->d, NULL, f->out); }
static int c_numrank(fixture *f) { return ncd_nc_numrank(NDK, f->h, f->d, f->y, f->out); }
static int c_ncsnr(fixture *f) { return ncd_nc_snr(NDK, f->h, f->d, f->y, NULL, f->out); }
static int c_spec(fixture *f) { size_t r; return ncd_nc_spectrum(NDK, f->h, f->d, f->y, NULL, f->out, &r); }
static int c_up64(fixture *f) { return ncd_nc_acc_update_i64(f->acc, 10, f->h, f->d, f->y64); }
static int c_up3264(fixture *f) { return ncd_nc_acc_update_f32_i64(f->acc, 10, f->hf, f->d, f->y64); }
static int c_pass2(fixture *f) { return ncd_nc_acc_begin_pass2(f->acc); }
static int c_exact_ex(fixture *f) { double r, g[2]; size_t a; return ncd_ghost_radius_exact_ex(f->n, f->k, f->z, f->k, f->a, f->k, 0.5, &r, &a, g); }
static int c_tilt(fixture *f) { double r; return ncd_ghost_radius_tilt(f->n, f->k, f->z, f->k, f->a, f->k, &r, NULL); }
static int c_rho1(fixture *f) { double r, g[2]; return ncd_ghost_rho_exact(f->k, f->z, f->a, &r, g); }
static int c_had32(fixture *f) { float m[16 * 16]; (void)f; return ncd_hadamard_f32(16, m, 16); }
static int c_paley(fixture *f) { double m[12 * 12]; (void)f; return ncd_hadamard_paley(11, 1, m, 12); }
static int c_etf32(fixture *f) { float m[5 * 7]; (void)f; return ncd_simplex_etf_f32(5, 7, 9, m, 7); }
static int c_etffast(fixture *f) { double m[5 * 7]; (void)f; return ncd_simplex_etf_fast(5, 7, 9, m, 7); }
static int c_stiefel(fixture *f) { double m[4 * 7]; (void)f; return ncd_stiefel(4, 7, 9, m, 7); }
static int c_stiefel32(fixture *f) { float m[4 * 7]; (void)f; return ncd_stiefel_f32(4, 7, 9, m, 7); }
static int c_stiefelfast(fixture *f) { double m[4 * 7]; (void)f; return ncd_stiefel_fast(4, 7, 9, m, 7); }
static int c_frame(fixture *f) { double m[6 * 3]; (void)f; return ncd_frame_packing(6, 3, 9, NCD_FRAME_COHERENCE, m, 3, NULL); }
static int c_walsh(fixture *f) { double s[4] = {0, 1, 2, 3}, l[4], o[4], p[4], x; (void)f; return ncd_walsh_softmax(4, 3, s, l, o, p, &x); }
static int c_hgd(fixture *f) { double a[4] = {0, 1, 1, 1}, b[4] = {0, 1, 2, 1}, tr[4]; (void)f; return ncd_hadamard_gd(4, 3, 0.1, 0, 0, 3, a, b, tr); }
static int c_hflow(fixture *f) { double a[4] = {0, 1, 1, 1}, b[4] = {0, 1, 2, 1}; (void)f; return ncd_hadamard_flow(4, 3, 0.5, 1e-8, a, b); }
static int c_hinit(fixture *f) { double sw[4] = {0, 1, 1, 1}, sh[4] = {0, 1, 2, 1}, *h = malloc(f->n * f->d * 8); int s = ncd_hadamard_ufm_init(NDK, f->y, sw, sh, 5, f->g, f->d, h, f->d); free(h); return s; }
static int c_hinit32(fixture *f) { double sw[4] = {0, 1, 1, 1}, sh[4] = {0, 1, 2, 1}; float *w = malloc(f->k * f->d * 4), *h = malloc(f->n * f->d * 4); int s = ncd_hadamard_ufm_init_f32(NDK, f->y, sw, sh, 5, w, f->d, h, f->d); free(w); free(h); return s; }
static int c_etfinit(fixture *f) { double *h = malloc(f->n * f->d * 8); int s = ncd_etf_ufm_init(NDK, f->y, 1.0, 2.0, 5, f->g, f->d, h, f->d); free(h); return s; }
static int c_curv(fixture *f) { double c; return ncd_ufm_curvature(f->ufm, f->w, f->d, f->h, f->d, f->b, f->w, f->d, f->h, f->d, f->b, &c); }

static int c_select(fixture *f) { return ncd_nc_metrics_select(NDK, f->h, f->d, f->y, f->w, f->d, f->b, NULL, ~(uint64_t)0, f->out, NCD_METRIC_COUNT); }
static int c_pairs(fixture *f) { double m, v, vals[6]; return ncd_nc_pairs(NDK, f->h, f->d, f->y, f->w, f->d, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 1.0, &m, &v, vals); }
static int c_erank(fixture *f) { double e, ec[4]; return ncd_nc_erank(NDK, f->h, f->d, f->y, &e, ec); }
static int c_sil(fixture *f) { double m; return ncd_nc_silhouette_cos(NDK, f->h, f->d, f->y, &m, f->out); }
static int c_cka(fixture *f) { double c; return ncd_linear_cka(f->n, f->d, f->h, f->d, f->k, f->z, f->k, &c); }
static int c_agree(fixture *f) { double a, b, pc[4]; return ncd_nc_agreement(NDK, f->h, f->d, f->y, f->w, f->d, f->w, f->d, f->b, &a, &b, pc); }
static int c_ood(fixture *f) { double o; return ncd_nc_ood_orthodev(NDK, f->h, f->d, f->y, 10, f->h + 10 * f->d, f->d, NCD_CENTRE_SAMPLE, &o); }
static int c_pdecomp(fixture *f) { double p[6 * 6], s[6], m[6]; return ncd_principal_decomp(f->n, f->d, f->h, f->d, 1, p, 6, s, m); }
static int c_nrc1(fixture *f) { return ncd_nrc1_profile(f->n, f->d, f->h, f->d, f->out); }
static int c_nrc(fixture *f) { double o[4]; return ncd_nrc_metrics(f->n, f->d, f->h, f->d, 2, f->z, f->k, f->w, f->d, 0.0, 1.0, 0, o); }
static int c_classvec(fixture *f) { double a[4], b[4], c[4], e[4], g[16]; return ncd_nc_class_vectors(NDK, f->h, f->d, f->y, f->w, f->d, NCD_CENTRE_CLASS, a, b, c, e, g, 4); }

typedef struct { const char *name; int (*fn)(fixture *); int stateful; } entry;
static const entry calls[] = {
    {"ncd_softmax", c_softmax, 0},       {"ncd_ce_loss", c_ce, 0},
    {"ncd_mse_loss", c_mse, 0},          {"ncd_hadamard", c_hadamard, 0},
    {"ncd_simplex_etf", c_etf, 0},       {"ncd_ls_classifier", c_ls, 0},
    {"ncd_mse_decompose", c_dec, 0},     {"ncd_ghost_radius_exact", c_exact, 0},
    {"ncd_nc_metrics", c_metrics, 0},    {"ncd_nc_acc_create", c_acc_create, 0},
    {"ncd_nc_acc_update", c_acc_update, 1}, {"ncd_nc_acc_update_f32", c_acc_update32, 1},
    {"ncd_nc_acc_merge", c_acc_merge, 1}, {"ncd_nc_acc_metrics", c_acc_metrics, 0},
    {"ncd_nc_acc_load", c_acc_load, 0},  {"ncd_ufm_create", c_ufm_create, 0},
    {"ncd_ufm_objective", c_ufm_obj, 0}, {"ncd_ufm_train", c_ufm_train, 0},
    {"ncd_softmax_f32", c_softmax32, 0}, {"ncd_log_softmax_f32", c_lsm32, 0},
    {"ncd_ce_loss_f32", c_ce32, 0},      {"ncd_mse_loss_f32", c_mse32, 0},
    {"ncd_ls_classifier_f32", c_ls32, 0}, {"ncd_mse_decompose_f32", c_dec32, 0},
    {"ncd_cpath_renormalize", c_ren, 0}, {"ncd_cpath_renormalize_f32", c_ren32, 0},
    {"ncd_cpath_snr", c_csnr, 0},        {"ncd_cpath_snr_f32", c_csnr32, 0},
    {"ncd_nc_metrics_ex", c_ncex, 0},    {"ncd_nc_metrics_f32", c_nc32, 0},
    {"ncd_nc_metrics_i64", c_nc64, 0},   {"ncd_nc_metrics_f32_i64", c_nc3264, 0},
    {"ncd_nc_cosine_margin", c_cos, 0},  {"ncd_nc_numrank", c_numrank, 0},
    {"ncd_nc_snr", c_ncsnr, 0},          {"ncd_nc_spectrum", c_spec, 0},
    {"ncd_nc_acc_update_i64", c_up64, 1}, {"ncd_nc_acc_update_f32_i64", c_up3264, 1},
    {"ncd_ghost_radius_exact_ex", c_exact_ex, 0}, {"ncd_ghost_radius_tilt", c_tilt, 0},
    {"ncd_ghost_rho_exact", c_rho1, 0},  {"ncd_hadamard_f32", c_had32, 0},
    {"ncd_hadamard_paley", c_paley, 0},  {"ncd_simplex_etf_f32", c_etf32, 0},
    {"ncd_simplex_etf_fast", c_etffast, 0}, {"ncd_stiefel", c_stiefel, 0},
    {"ncd_stiefel_f32", c_stiefel32, 0}, {"ncd_stiefel_fast", c_stiefelfast, 0},
    {"ncd_frame_packing", c_frame, 0},   {"ncd_walsh_softmax", c_walsh, 0},
    {"ncd_hadamard_gd", c_hgd, 0},       {"ncd_hadamard_flow", c_hflow, 0},
    {"ncd_hadamard_ufm_init", c_hinit, 0}, {"ncd_hadamard_ufm_init_f32", c_hinit32, 0},
    {"ncd_etf_ufm_init", c_etfinit, 0},  {"ncd_ufm_curvature", c_curv, 0},
    {"ncd_nc_metrics_select", c_select, 0}, {"ncd_nc_pairs", c_pairs, 0},
    {"ncd_nc_erank", c_erank, 0},        {"ncd_nc_silhouette_cos", c_sil, 0},
    {"ncd_linear_cka", c_cka, 0},        {"ncd_nc_agreement", c_agree, 0},
    {"ncd_nc_ood_orthodev", c_ood, 0},   {"ncd_principal_decomp", c_pdecomp, 0},
    {"ncd_nrc1_profile", c_nrc1, 0},     {"ncd_nrc_metrics", c_nrc, 0},
    {"ncd_nc_class_vectors", c_classvec, 0},
    {"ncd_nc_acc_begin_pass2", c_pass2, 1}, /* last: leaves acc in its second pass */
};

static size_t acc_bytes(ncd_nc_acc *acc, unsigned char *buf, size_t cap) {
  size_t len = 0;
  ck_assert_status(ncd_nc_acc_save(acc, buf, cap, &len), NCD_OK);
  return len;
}

START_TEST(every_allocation_failure) {
  fixture f;
  fx_init(&f);
  unsigned char *before = malloc(1 << 20), *after = malloc(1 << 20);
  for (size_t c = 0; c < sizeof calls / sizeof *calls; c++) {
    /* how many allocations does a successful call make? (its own fixture
     * state is restored from a fresh fixture for stateful calls) */
    fixture g;
    fx_init(&g);
    ncd__alloc_reset_counters();
    ck_assert_msg(calls[c].fn(&g) == NCD_OK, "%s baseline failed", calls[c].name);
    ncd__alloc_counters cnt;
    ncd__alloc_get_counters(&cnt);
    fx_free(&g);
    uint64_t total = cnt.calls;
    for (uint64_t kf = 1; kf <= total; kf++) {
      size_t blen = calls[c].stateful ? acc_bytes(f.acc, before, 1 << 20) : 0;
      ncd__alloc_reset_counters();
      ncd__alloc_counters c0;
      ncd__alloc_get_counters(&c0);
      ncd__alloc_fail_at(kf, 0);
      int st = calls[c].fn(&f);
      ncd__alloc_fail_at(0, 0);
      ncd__alloc_counters c1;
      ncd__alloc_get_counters(&c1);
      ck_assert_msg(st == NCD_ENOMEM, "%s: allocation %llu of %llu failed but the call returned %d (%s)",
                    calls[c].name, (unsigned long long)kf, (unsigned long long)total, st, ncd_strerror(st));
      ck_assert_msg(c1.live_bytes == c0.live_bytes, "%s: leak of %zu bytes after failing allocation %llu",
                    calls[c].name, c1.live_bytes - c0.live_bytes, (unsigned long long)kf);
      if (calls[c].stateful) {
        size_t alen = acc_bytes(f.acc, after, 1 << 20);
        ck_assert_msg(alen == blen && memcmp(before, after, alen) == 0,
                      "%s: state changed by a failed call", calls[c].name);
      }
    }
    ck_assert_msg(calls[c].fn(&f) == NCD_OK, "%s: retry after injected failures failed", calls[c].name);
  }
  free(before); free(after);
  fx_free(&f);
}
END_TEST

Suite *suite_hardening_fault(void) {
  Suite *s = suite_create("hardening_fault");
  TCase *tc = tcase_create("fault");
  tcase_add_test(tc, every_allocation_failure);
  suite_add_tcase(s, tc);
  return s;
}
