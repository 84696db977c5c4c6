/*
 * test_metrics_cmd.c - `ncdyn metrics` and `ncdyn radius` (exact and tilt) end to
 * end against the library called here on the same data: every --json value
 * of `metrics` equals ncd_nc_metrics (relative 1e-10, or 1e-12 absolute near
 * 0: the contract's accumulator-vs-one-shot tolerance; the JSON prints 17
 * digits, so printing loses nothing) for .npy float64 C order, float32 Fortran
 * order big-endian, and .safetensors inputs, int32 and int64 labels, with and
 * without a classifier, over several batch sizes; null exactly where the
 * library gives NaN; exit codes of every error class; peak resident size
 * bounded by the batch on a file many times larger.
 */
#include <jansson.h>
#include <math.h>

#include "cli_util.h"

static char out[1 << 16], err[1 << 14];

typedef struct data {
  size_t n, d, k;
  double *h, *w, *b, *yd;
  int32_t *y;
} data;

static void make_data(data *D, size_t n, size_t d, size_t k, uint64_t seed) {
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  D->n = n, D->d = d, D->k = k;
  D->h = malloc(n * d * sizeof(double));
  D->w = malloc(k * d * sizeof(double));
  D->b = malloc(k * sizeof(double));
  D->yd = malloc(n * sizeof(double));
  D->y = malloc(n * sizeof(int32_t));
  double *mu = malloc(k * d * sizeof *mu);
  ncd_test_fill_normal(&r, mu, k, d, d);
  for (size_t i = 0; i < n; i++) {
    D->y[i] = (int32_t)((i * 7 + i / 3) % k); /* every class present, unsorted */
    D->yd[i] = D->y[i];
    for (size_t j = 0; j < d; j++) /* float32-representable: every file type holds the same */
      D->h[i * d + j] = (double)(float)(3 * mu[D->y[i] * d + j] + ncd_test_normal(&r));
  }
  for (size_t i = 0; i < k * d; i++) D->w[i] = (double)(float)(mu[i] + 0.3 * ncd_test_normal(&r));
  for (size_t c = 0; c < k; c++) D->b[c] = (double)(float)(0.1 * ncd_test_normal(&r));
  free(mu);
}

static void free_data(data *D) {
  free(D->h), free(D->w), free(D->b), free(D->yd), free(D->y);
}

/* Checks the tool's JSON against the library's values. */
static void check_json(const char *json, const data *D, const double *ref) {
  json_error_t je;
  json_t *o = json_loads(json, 0, &je);
  ck_assert_msg(o && json_is_object(o), "not JSON: %s", json);
  ck_assert_int_eq(json_integer_value(json_object_get(o, "n")), (json_int_t)D->n);
  ck_assert_int_eq(json_integer_value(json_object_get(o, "d")), (json_int_t)D->d);
  ck_assert_int_eq(json_integer_value(json_object_get(o, "k")), (json_int_t)D->k);
  ck_assert_uint_eq(json_object_size(o), 3 + NCD_METRIC_COUNT);
  static const char *const names[] = {
      "nc1", "nc2_equinorm_h", "nc2_equinorm_w", "nc2_equiangle_h", "nc2_maxangle_h",
      "nc2_etf_h", "nc2_etf_w", "nc3", "nc3_duality", "nc4", "accuracy", "nc1_trace_ratio",
      "nc1_cdnv", "nc1_pinv_rank", "cosmargin_mean", "cosmargin_min", "numrank_h", "snr_min",
      "snr_max", "nc1_weak", "unc3_var", "gnc2_dist_var", "gnc2_log_mean", "gnc2_log_var",
      "centroid_cos", "nc4_classavg", "silhouette_cos", "erank"};
  for (size_t i = 0; i < NCD_METRIC_COUNT && i < sizeof names / sizeof *names; i++) {
    json_t *v = json_object_get(o, names[i]);
    ck_assert_msg(v != NULL, "key %s missing", names[i]);
    if (isnan(ref[i])) {
      ck_assert_msg(json_is_null(v), "%s: library NaN, tool %s", names[i], json);
    } else {
      ck_assert_msg(json_is_number(v), "%s: library %g, tool null", names[i], ref[i]);
      double got = json_number_value(v);
      ck_assert_msg(fabs(got - ref[i]) <= 1e-10 * fabs(ref[i]) || fabs(got - ref[i]) <= 1e-12,
                    "%s: tool %.17g library %.17g", names[i], got, ref[i]);
    }
  }
  json_decref(o);
}

START_TEST(metrics_json_equals_library) {
  char dir[64], hf[128], hf32[128], yf[128], y64[128], wf[128], bf[128], st[128], args[1024];
  cu_tmpdir(dir, sizeof dir);
  data D;
  make_data(&D, 157, 9, 4, 5);
  snprintf(hf, sizeof hf, "%s/h.npy", dir);
  snprintf(hf32, sizeof hf32, "%s/h32.npy", dir);
  snprintf(yf, sizeof yf, "%s/y.npy", dir);
  snprintf(y64, sizeof y64, "%s/y64.npy", dir);
  snprintf(wf, sizeof wf, "%s/w.npy", dir);
  snprintf(bf, sizeof bf, "%s/b.npy", dir);
  snprintf(st, sizeof st, "%s/f.safetensors", dir);
  cu_write_npy(hf, 1, 'f', 8, 0, 0, 2, D.n, D.d, D.h);
  cu_write_npy(hf32, 3, 'f', 4, 1, 1, 2, D.n, D.d, D.h);
  cu_write_npy(yf, 1, 'i', 4, 0, 0, 1, D.n, 1, D.yd);
  cu_write_npy(y64, 2, 'i', 8, 1, 0, 1, D.n, 1, D.yd);
  cu_write_npy(wf, 1, 'f', 8, 0, 0, 2, D.k, D.d, D.w);
  cu_write_npy(bf, 1, 'f', 4, 0, 0, 1, D.k, 1, D.b);
  { /* safetensors: features F32 and labels I64 in one file */
    size_t hb = D.n * D.d * 4, yb = D.n * 8;
    unsigned char *buf = malloc(hb + yb);
    for (size_t i = 0; i < D.n * D.d; i++) cu_put(buf + 4 * i, D.h[i], 'f', 4, 0);
    for (size_t i = 0; i < D.n; i++) cu_put(buf + hb + 8 * i, D.yd[i], 'i', 8, 0);
    char json[512];
    snprintf(json, sizeof json,
             "{\"features\": {\"dtype\": \"F32\", \"shape\": [%zu, %zu], \"data_offsets\": [0, %zu]},"
             " \"labels\": {\"dtype\": \"I64\", \"shape\": [%zu], \"data_offsets\": [%zu, %zu]}}",
             D.n, D.d, hb, D.n, hb, hb + yb);
    cu_write_st(st, json, buf, hb + yb);
    free(buf);
  }
  double ref_hw[NCD_METRIC_COUNT], ref_h[NCD_METRIC_COUNT], ref_w0[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(D.n, D.d, D.k, D.h, D.d, D.y, D.w, D.d, D.b, ref_hw,
                                  NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_metrics(D.n, D.d, D.k, D.h, D.d, D.y, NULL, 0, NULL, ref_h,
                                  NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_metrics(D.n, D.d, D.k, D.h, D.d, D.y, D.w, D.d, NULL, ref_w0,
                                  NCD_METRIC_COUNT), NCD_OK);
  ck_assert(!isnan(ref_hw[NCD_NC1]) && !isnan(ref_hw[NCD_ACCURACY]) && isnan(ref_h[NCD_NC3]));
  const char *feats[3] = {hf, hf32, NULL};
  const char *labs[3] = {yf, y64, NULL};
  const char *batches[4] = {"1", "10", "64", "1000"};
  for (int f = 0; f < 3; f++)
    for (int bi = 0; bi < 4; bi++) {
      char fs[200], ls[200];
      if (feats[f]) {
        snprintf(fs, sizeof fs, "%s", feats[f]);
        snprintf(ls, sizeof ls, "%s", labs[f]);
      } else {
        snprintf(fs, sizeof fs, "%s:features", st);
        snprintf(ls, sizeof ls, "%s:labels", st);
      }
      snprintf(args, sizeof args, "metrics --features %s --labels %s --weights %s --bias %s "
               "--batch %s --json", fs, ls, wf, bf, batches[bi]);
      ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
      check_json(out, &D, ref_hw);
      if (bi == 1) {
        snprintf(args, sizeof args, "metrics --features %s --labels %s --batch 7 --json", fs, ls);
        ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
        check_json(out, &D, ref_h);
        snprintf(args, sizeof args, "metrics --features %s --labels %s --weights %s --json",
                 fs, ls, wf);
        ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
        check_json(out, &D, ref_w0);
      }
    }
  /* the text table has every metric */
  snprintf(args, sizeof args, "metrics --features %s --labels %s --weights %s", hf, yf, wf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 0);
  ck_assert_ptr_nonnull(strstr(out, "nc1 "));
  ck_assert_ptr_nonnull(strstr(out, "snr_max "));
  free_data(&D);
  cu_rmdir(dir);
}
END_TEST

/* Files written by numpy (float32 Fortran-order features, int64 labels, the
 * dtypes torch.save-to-numpy users get), through the tool, against the library
 * on the same values computed here from the same formula. */
START_TEST(metrics_on_numpy_files) {
  const char *py = cu_numpy_python();
  if (!py) {
    fprintf(stderr, "cli: python3-numpy absent, numpy metrics test skipped\n");
    return;
  }
  char dir[64], cmd[1500], args[800];
  cu_tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "%s -c \"import numpy as np\n"
           "n,d,k=120,7,5\n"
           "i=np.arange(n)[:,None]; j=np.arange(d)[None,:]\n"
           "y=(np.arange(n)*3)%%k\n"
           "h=((i*7+j*3)%%11)/4.0-1.0+2.0*(j==y[:,None]%%d)\n"
           "np.save('%s/h.npy', np.asfortranarray(h.astype(np.float32)))\n"
           "np.save('%s/y.npy', y.astype(np.int64))\n"
           "w=((np.arange(k)[:,None]*5+j*2)%%7)/3.0-1.0\n"
           "np.save('%s/w.npy', w)\n\"",
           py, dir, dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  const size_t n = 120, d = 7, k = 5;
  double *h = malloc(n * d * sizeof *h), w[5 * 7], ref[NCD_METRIC_COUNT];
  int32_t *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++) {
    y[i] = (int32_t)((i * 3) % k);
    for (size_t j = 0; j < d; j++)
      h[i * d + j] = (double)(float)((double)((i * 7 + j * 3) % 11) / 4.0 - 1.0 +
                                     2.0 * (double)(j == (size_t)y[i] % d));
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) w[c * d + j] = (double)((c * 5 + j * 2) % 7) / 3.0 - 1.0;
  ck_assert_status(ncd_nc_metrics(n, d, k, h, d, y, w, d, NULL, ref, NCD_METRIC_COUNT), NCD_OK);
  snprintf(args, sizeof args, "metrics --features %s/h.npy --labels %s/y.npy --weights %s/w.npy "
           "--batch 17 --json", dir, dir, dir);
  ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
  data D = {n, d, k, NULL, NULL, NULL, NULL, NULL};
  check_json(out, &D, ref);
  free(h);
  free(y);
  cu_rmdir(dir);
}
END_TEST

START_TEST(metrics_exit_codes) {
  char dir[64], hf[128], yf[128], bad[128], wf[128], args[1024];
  cu_tmpdir(dir, sizeof dir);
  data D;
  make_data(&D, 40, 5, 4, 9);
  snprintf(hf, sizeof hf, "%s/h.npy", dir);
  snprintf(yf, sizeof yf, "%s/y.npy", dir);
  snprintf(bad, sizeof bad, "%s/bad.npy", dir);
  snprintf(wf, sizeof wf, "%s/w.npy", dir);
  cu_write_npy(hf, 1, 'f', 8, 0, 0, 2, D.n, D.d, D.h);
  cu_write_npy(yf, 1, 'i', 4, 0, 0, 1, D.n, 1, D.yd);
  struct { const char *extra; int code; const char *needle; } cs[] = {
      {"--labels Y --bias B", 1, "--bias needs --weights"},
      {"--labels Y --batch 0", 1, "at least 1"},
      {"--labels Y --classes 1", 1, "at least 2"},
      {"--labels BAD", 2, ""},   /* filled per case below */
      {"--labels Y --weights BAD", 2, ""},
      {"--labels Y --classes 3", 2, "outside [0, 3)"},
      {"--labels Y --classes 41", 2, "41 classes but only 40"},
      {"--labels Y --classes 6", 2, "class 4 has no samples"},
  };
  double v[200];
  for (size_t i = 0; i < 200; i++) v[i] = (double)(i % 4);
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
    char extra[600];
    const char *e = cs[c].extra;
    size_t o = 0;
    for (; *e && o < 500; e++) { /* Y, B, BAD placeholders */
      if (strncmp(e, "BAD", 3) == 0) { o += (size_t)sprintf(extra + o, "%s", bad); e += 2; }
      else if (*e == 'Y' && e[-1] == ' ') o += (size_t)sprintf(extra + o, "%s", yf);
      else if (*e == 'B' && e[-1] == ' ') o += (size_t)sprintf(extra + o, "%s", hf);
      else extra[o++] = *e;
    }
    extra[o] = '\0';
    snprintf(args, sizeof args, "metrics --features %s %s", hf, extra);
    const char *needle = cs[c].needle;
    if (c == 3) { /* float labels, then wrong count, then negative label */
      cu_write_npy(bad, 1, 'f', 8, 0, 0, 1, 40, 1, v);
      ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
      ck_assert_msg(strstr(err, "int32/int64") != NULL, "%s", err);
      cu_write_npy(bad, 1, 'i', 8, 0, 0, 1, 39, 1, v);
      ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
      ck_assert_msg(strstr(err, "39 labels") != NULL, "%s", err);
      v[17] = -1;
      cu_write_npy(bad, 1, 'i', 8, 0, 0, 1, 40, 1, v);
      v[17] = 1;
      needle = "label -1 of sample 17";
    } else if (c == 4) { /* weights of the wrong width */
      cu_write_npy(bad, 1, 'f', 8, 0, 0, 2, 4, 4, v);
      needle = "weights must be";
    }
    int rc = cu_run(args, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == cs[c].code, "case %zu (%s): exit %d, %s", c, args, rc, err);
    ck_assert_msg(strstr(err, needle) != NULL, "case %zu: '%s' lacks '%s'", c, err, needle);
  }
  /* k from the labels (no --classes), counted in the one label pass while the
   * count array grows: a gap in the classes, a label >= n (not counted) before a
   * negative one (the negative is still reported: the whole file is scanned),
   * and a label >= n alone; --batch 7 so the growth crosses batches. */
  const struct { size_t at; double val; size_t at2; double val2; const char *needle; } ks[] = {
      {39, 6, 39, 6, "class 4 has no samples"},      /* labels 0..3 and one 6 */
      {3, 1000, 30, -1, "label -1 of sample 30"},
      {3, 1000, 3, 1000, "1001 classes but only 40"},
  };
  for (size_t c = 0; c < sizeof ks / sizeof ks[0]; c++) {
    v[ks[c].at] = ks[c].val;
    v[ks[c].at2] = ks[c].val2;
    cu_write_npy(bad, 1, 'i', 8, 0, 0, 1, 40, 1, v);
    v[ks[c].at] = (double)(ks[c].at % 4);
    v[ks[c].at2] = (double)(ks[c].at2 % 4);
    snprintf(args, sizeof args, "metrics --features %s --labels %s --batch 7", hf, bad);
    int rc = cu_run(args, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 2, "labels case %zu: exit %d, %s", c, rc, err);
    ck_assert_msg(strstr(err, ks[c].needle) != NULL, "labels case %zu: '%s' lacks '%s'", c, err,
                  ks[c].needle);
  }
  /* NaN in the features: the library refuses the batch (exit 3) */
  D.h[33] = NAN;
  cu_write_npy(hf, 1, 'f', 8, 0, 0, 2, D.n, D.d, D.h);
  snprintf(args, sizeof args, "metrics --features %s --labels %s", hf, yf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 3);
  ck_assert_msg(strstr(err, "status 2") != NULL, "%s", err);
  free_data(&D);
  cu_rmdir(dir);
}
END_TEST

START_TEST(radius_exact_and_tilt) {
  char dir[64], zf[128], af[128], args[600];
  cu_tmpdir(dir, sizeof dir);
  const size_t n = 60, k = 5;
  ncd_test_rng r;
  ncd_test_seed(&r, 21);
  double *z = malloc(n * k * sizeof *z), *a = malloc(n * k * sizeof *a);
  ncd_test_fill_normal(&r, z, n, k, k);
  ncd_test_fill_normal(&r, a, n, k, k);
  for (size_t i = 0; i < n * k; i++) z[i] *= 3;
  snprintf(zf, sizeof zf, "%s/z.npy", dir);
  snprintf(af, sizeof af, "%s/a.npy", dir);
  cu_write_npy(zf, 1, 'f', 8, 0, 0, 2, n, k, z);
  cu_write_npy(af, 1, 'f', 8, 0, 1, 2, n, k, a);
  double re, rt, rb, gh[2];
  size_t ae;
  ck_assert_status(ncd_ghost_radius_exact_ex(n, k, z, k, a, k, 1.0, &re, &ae, gh), NCD_OK);
  ck_assert_status(ncd_ghost_radius_tilt(n, k, z, k, a, k, &rt, NULL), NCD_OK);
  ck_assert_status(ncd_ghost_radius_bound(n, k, a, k, &rb, NULL), NCD_OK);
  const char *batches[] = {"1", "13", "60"};
  for (int b = 0; b < 3; b++) {
    snprintf(args, sizeof args, "radius --logits %s --jvp %s --json --batch %s", zf, af,
             batches[b]);
    ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    json_error_t je;
    json_t *o = json_loads(out, 0, &je);
    ck_assert_ptr_nonnull(o);
    /* per-sample radii do not depend on the batch: minima combine exactly,
       up to the library's certified 1e-9 when its pruning differs by batch */
    ck_assert_close(json_number_value(json_object_get(o, "rho_exact")), re, 1e-9, 0);
    ck_assert_close(json_number_value(json_object_get(o, "rho_tilt")), rt, 1e-12, 0);
    ck_assert_close(json_number_value(json_object_get(o, "rho_bound")), rb, 0, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(o, "exact_bottleneck")), (json_int_t)ae);
    ck_assert(rb <= rt * (1 + 1e-15) && rt <= re * (1 + 1e-9));
    json_decref(o);
  }
  free(z);
  free(a);
  cu_rmdir(dir);
}
END_TEST


START_TEST(metrics_memory_is_bounded) {
  char dir[64], hf[128], yf[128], hs[128], ys[128], args[800];
  cu_tmpdir(dir, sizeof dir);
  /* 64 MiB of features (quick level: 16 MiB), batches of 512 x 64 doubles */
  const size_t d = 64, k = 8, n = ncd_test_level() == 0 ? 32768 : 131072;
  double *h = malloc(n * d * sizeof *h), *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++) {
    y[i] = (double)(i % k);
    for (size_t j = 0; j < d; j++) h[i * d + j] = (double)((i * 7919 + j * 31) % 1000) * 1e-3 + (double)(j == i % k);
  }
  snprintf(hf, sizeof hf, "%s/h.npy", dir);
  snprintf(yf, sizeof yf, "%s/y.npy", dir);
  snprintf(hs, sizeof hs, "%s/hs.npy", dir);
  snprintf(ys, sizeof ys, "%s/ys.npy", dir);
  cu_write_npy(hf, 1, 'f', 8, 0, 0, 2, n, d, h);
  cu_write_npy(yf, 1, 'i', 8, 0, 0, 1, n, 1, y);
  cu_write_npy(hs, 1, 'f', 8, 0, 0, 2, 128, d, h);
  cu_write_npy(ys, 1, 'i', 8, 0, 0, 1, 128, 1, y);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --batch 512", hs, ys);
  long base = cu_peak_rss_kib(args);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --batch 512", hf, yf);
  long big = cu_peak_rss_kib(args);
  long file_kib = (long)(n * d * 8 / 1024);
  ck_assert_msg(big - base < file_kib / 8, "peak RSS %ld KiB vs %ld KiB on 128 rows (file %ld KiB)",
                big, base, file_kib);
  free(h);
  free(y);
  cu_rmdir(dir);
}
END_TEST

Suite *suite_cli_metrics_cmd(void) {
  Suite *s = suite_create("cli_metrics_cmd");
  TCase *tc = tcase_create("metrics_cmd");
  tcase_add_test(tc, metrics_json_equals_library);
  tcase_add_test(tc, metrics_on_numpy_files);
  tcase_add_test(tc, metrics_exit_codes);
  tcase_add_test(tc, radius_exact_and_tilt);
  tcase_add_test(tc, metrics_memory_is_bounded);
  suite_add_tcase(s, tc);
  return s;
}
