/*
 * test_fault_twins.c - fault injection for the float32 / int64-label twins of
 * the peer calls and the pair grids (the engine of test_fault.c on its own
 * table): for each allocating call make its k-th allocation fail for every k
 * it reaches; the call must return NCD_ENOMEM, free everything it allocated
 * (core's live-byte counter returns to its value before the call), and a
 * retry must succeed.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"

typedef struct fx {
  size_t n, d, k;
  double *h, *w, *b, *t, out[512], g[64];
  float *hf;
  int32_t *y;
  int64_t *y64;
} fx;

static void fx_init(fx *f) {
  memset(f, 0, sizeof *f);
  f->n = 40, f->d = 6, f->k = 4;
  ncd_test_rng r;
  ncd_test_seed(&r, 2025);
  f->h = malloc(f->n * f->d * sizeof(double));
  f->hf = malloc(f->n * f->d * sizeof(float));
  f->w = malloc(f->k * f->d * sizeof(double));
  f->b = malloc(f->k * sizeof(double));
  f->t = malloc(f->n * 2 * sizeof(double));
  f->y = malloc(f->n * sizeof(int32_t));
  f->y64 = malloc(f->n * sizeof(int64_t));
  ncd_test_fill_normal(&r, f->h, f->n, f->d, f->d);
  for (size_t i = 0; i < f->n * f->d; i++) f->hf[i] = (float)f->h[i];
  ncd_test_fill_normal(&r, f->w, f->k, f->d, f->d);
  ncd_test_fill_normal(&r, f->b, 1, f->k, f->k);
  ncd_test_fill_normal(&r, f->t, f->n, 2, 2);
  for (size_t i = 0; i < f->n; i++) f->y[i] = (int32_t)(i % f->k), f->y64[i] = (int64_t)(i % f->k);
}

static void fx_free(fx *f) {
  free(f->h), free(f->hf), free(f->w), free(f->b), free(f->t), free(f->y), free(f->y64);
}

#define NDK f->n, f->d, f->k
#define O f->out
static int c_sel32(fx *f) { return ncd_nc_metrics_select_f32(NDK, f->hf, f->d, f->y, f->w, f->d, f->b, NULL, ~(uint64_t)0, O, NCD_METRIC_COUNT); }
static int c_sel64(fx *f) { return ncd_nc_metrics_select_i64(NDK, f->h, f->d, f->y64, f->w, f->d, f->b, NULL, ~(uint64_t)0, O, NCD_METRIC_COUNT); }
static int c_sel3264(fx *f) { return ncd_nc_metrics_select_f32_i64(NDK, f->hf, f->d, f->y64, f->w, f->d, f->b, NULL, ~(uint64_t)0, O, NCD_METRIC_COUNT); }
static int c_pairs32(fx *f) { return ncd_nc_pairs_f32(NDK, f->hf, f->d, f->y, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 1.0, O, O + 1, O + 2); }
static int c_pairs64(fx *f) { return ncd_nc_pairs_i64(NDK, f->h, f->d, f->y64, f->w, f->d, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 1.0, O, O + 1, O + 2); }
static int c_pairs3264(fx *f) { return ncd_nc_pairs_f32_i64(NDK, f->hf, f->d, f->y64, NULL, 0, NCD_CENTRE_CLASS, NCD_PAIR_LOG, -1.0, O, O + 1, NULL); }
static int c_grid(fx *f) { return ncd_nc_pair_grid(NDK, f->h, f->d, f->y, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 1.0, f->g, 4); }
static int c_grid32(fx *f) { return ncd_nc_pair_grid_f32(NDK, f->hf, f->d, f->y, f->w, f->d, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, f->g, 4); }
static int c_grid64(fx *f) { return ncd_nc_pair_grid_i64(NDK, f->h, f->d, f->y64, NULL, 0, NCD_CENTRE_CLASS, NCD_PAIR_DIST, 0, f->g, 5); }
static int c_grid3264(fx *f) { return ncd_nc_pair_grid_f32_i64(NDK, f->hf, f->d, f->y64, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV_UNBIASED, 1.0, f->g, 4); }
static int c_erank32(fx *f) { return ncd_nc_erank_f32(NDK, f->hf, f->d, f->y, O, O + 1); }
static int c_erank64(fx *f) { return ncd_nc_erank_i64(NDK, f->h, f->d, f->y64, O, O + 1); }
static int c_erank3264(fx *f) { return ncd_nc_erank_f32_i64(NDK, f->hf, f->d, f->y64, NULL, O + 1); }
static int c_sil32(fx *f) { return ncd_nc_silhouette_cos_f32(NDK, f->hf, f->d, f->y, O, O + 1); }
static int c_sil64(fx *f) { return ncd_nc_silhouette_cos_i64(NDK, f->h, f->d, f->y64, O, O + 1); }
static int c_sil3264(fx *f) { return ncd_nc_silhouette_cos_f32_i64(NDK, f->hf, f->d, f->y64, O, NULL); }
static int c_agree32(fx *f) { return ncd_nc_agreement_f32(NDK, f->hf, f->d, f->y, f->w, f->d, f->w, f->d, f->b, O, O + 1, O + 2); }
static int c_agree64(fx *f) { return ncd_nc_agreement_i64(NDK, f->h, f->d, f->y64, f->w, f->d, f->w, f->d, NULL, O, O + 1, O + 2); }
static int c_agree3264(fx *f) { return ncd_nc_agreement_f32_i64(NDK, f->hf, f->d, f->y64, f->w, f->d, f->w, f->d, f->b, O, NULL, NULL); }
static int c_ood32(fx *f) { return ncd_nc_ood_orthodev_f32(NDK, f->hf, f->d, f->y, 10, f->hf + 10 * f->d, f->d, NCD_CENTRE_SAMPLE, O); }
static int c_ood64(fx *f) { return ncd_nc_ood_orthodev_i64(NDK, f->h, f->d, f->y64, 10, f->h + 10 * f->d, f->d, NCD_CENTRE_NONE, O); }
static int c_ood3264(fx *f) { return ncd_nc_ood_orthodev_f32_i64(NDK, f->hf, f->d, f->y64, 10, f->hf, f->d, NCD_CENTRE_CLASS, O); }
static int c_cv32(fx *f) { return ncd_nc_class_vectors_f32(NDK, f->hf, f->d, f->y, f->w, f->d, NCD_CENTRE_CLASS, O, O + 4, O + 8, O + 12, f->g, 4); }
static int c_cv64(fx *f) { return ncd_nc_class_vectors_i64(NDK, f->h, f->d, f->y64, NULL, 0, NCD_CENTRE_SAMPLE, O, NULL, NULL, NULL, f->g, 4); }
static int c_cv3264(fx *f) { return ncd_nc_class_vectors_f32_i64(NDK, f->hf, f->d, f->y64, f->w, f->d, NCD_CENTRE_NONE, NULL, O, O + 4, NULL, NULL, 0); }
static int c_cka32(fx *f) { return ncd_linear_cka_f32(f->n, f->d, f->hf, f->d, 3, f->hf + 1, f->d, O); }
static int c_pd32(fx *f) { return ncd_principal_decomp_f32(f->n, f->d, f->hf, f->d, 1, O, 6, O + 36, O + 42); }
static int c_nrc1_32(fx *f) { return ncd_nrc1_profile_f32(f->n, f->d, f->hf, f->d, O); }
static int c_nrc32(fx *f) { return ncd_nrc_metrics_f32(f->n, f->d, f->hf, f->d, 2, f->t, 2, f->w, f->d, 0.0, 1.0, NCD_NRC_PCA_CENTRED, O); }

typedef struct { const char *name; int (*fn)(fx *); } entry;
static const entry calls[] = {
    {"ncd_nc_metrics_select_f32", c_sel32},  {"ncd_nc_metrics_select_i64", c_sel64},
    {"ncd_nc_metrics_select_f32_i64", c_sel3264}, {"ncd_nc_pairs_f32", c_pairs32},
    {"ncd_nc_pairs_i64", c_pairs64},         {"ncd_nc_pairs_f32_i64", c_pairs3264},
    {"ncd_nc_pair_grid", c_grid},            {"ncd_nc_pair_grid_f32", c_grid32},
    {"ncd_nc_pair_grid_i64", c_grid64},      {"ncd_nc_pair_grid_f32_i64", c_grid3264},
    {"ncd_nc_erank_f32", c_erank32},         {"ncd_nc_erank_i64", c_erank64},
    {"ncd_nc_erank_f32_i64", c_erank3264},   {"ncd_nc_silhouette_cos_f32", c_sil32},
    {"ncd_nc_silhouette_cos_i64", c_sil64},  {"ncd_nc_silhouette_cos_f32_i64", c_sil3264},
    {"ncd_nc_agreement_f32", c_agree32},     {"ncd_nc_agreement_i64", c_agree64},
    {"ncd_nc_agreement_f32_i64", c_agree3264}, {"ncd_nc_ood_orthodev_f32", c_ood32},
    {"ncd_nc_ood_orthodev_i64", c_ood64},    {"ncd_nc_ood_orthodev_f32_i64", c_ood3264},
    {"ncd_nc_class_vectors_f32", c_cv32},    {"ncd_nc_class_vectors_i64", c_cv64},
    {"ncd_nc_class_vectors_f32_i64", c_cv3264}, {"ncd_linear_cka_f32", c_cka32},
    {"ncd_principal_decomp_f32", c_pd32},    {"ncd_nrc1_profile_f32", c_nrc1_32},
    {"ncd_nrc_metrics_f32", c_nrc32},
};

START_TEST(every_allocation_failure_twins) {
  fx f;
  fx_init(&f);
  for (size_t c = 0; c < sizeof calls / sizeof *calls; c++) {
    ncd__alloc_reset_counters();
    ck_assert_msg(calls[c].fn(&f) == NCD_OK, "%s baseline failed", calls[c].name);
    ncd__alloc_counters cnt;
    ncd__alloc_get_counters(&cnt);
    uint64_t total = cnt.calls;
    ck_assert_msg(total > 0, "%s allocates nothing", calls[c].name);
    for (uint64_t kf = 1; kf <= total; kf++) {
      ncd__alloc_reset_counters();
      ncd__alloc_counters c0, c1;
      ncd__alloc_get_counters(&c0);
      ncd__alloc_fail_at(kf, 0);
      int st = calls[c].fn(&f);
      ncd__alloc_fail_at(0, 0);
      ncd__alloc_get_counters(&c1);
      ck_assert_msg(st == NCD_ENOMEM, "%s: allocation %llu of %llu failed but the call returned %d (%s)",
                    calls[c].name, (unsigned long long)kf, (unsigned long long)total, st, ncd_strerror(st));
      ck_assert_msg(c1.live_bytes == c0.live_bytes, "%s: leak of %zu bytes after failing allocation %llu",
                    calls[c].name, c1.live_bytes - c0.live_bytes, (unsigned long long)kf);
    }
    ck_assert_msg(calls[c].fn(&f) == NCD_OK, "%s: retry after injected failures failed", calls[c].name);
  }
  fx_free(&f);
}
END_TEST

Suite *suite_hardening_fault_twins(void) {
  Suite *s = suite_create("hardening_fault_twins");
  TCase *tc = tcase_create("fault_twins");
  tcase_add_test(tc, every_allocation_failure_twins);
  suite_add_tcase(s, tc);
  return s;
}
