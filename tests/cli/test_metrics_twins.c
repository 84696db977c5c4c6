/*
 * test_metrics_twins.c - `ncdyn metrics` on float32 feature files (the
 * in-memory route keeps them float32 and calls the _f32 twins:
 * ncd_nc_metrics_select_f32, ncd_nc_pairs_f32, ncd_nc_pair_grid_f32) and the
 * --grid KIND option (ncd_nc_pair_grid), end to end on the input of
 * spec/metrics-peers.md section 12 written as .npy / .safetensors files:
 * - the JSON of a float32 file (.npy little-endian C order, big-endian
 *   Fortran order, .safetensors F32) equals the _f32 calls made here on the
 *   float values, 1e-13 relative (the same call on the same values; only the
 *   buffers' alignment differs, which may move BLAS edge paths in the last
 *   bits; the JSON's 17 digits round-trip a double), and the float64 calls on
 *   the same values converted to double, 1e-12 relative (the twin's
 *   contract: the float64 arithmetic on the converted array);
 * - --grid: every kind, both dtypes, each centre: the k x k JSON rows equal
 *   ncd_nc_pair_grid(_f32) (1e-13; null exactly where the grid is not
 *   finite, e.g. the CDNV diagonal), the strict upper triangle equals the
 *   "vals" of --pairs in the same output bitwise (the header's promise), and
 *   the text rows equal the grid to the 10 digits printed (1e-9 relative);
 * - peak resident size above the tool's footprint on 64 rows: a float32
 *   file of 64 MiB as float64 costs at most 5/8 of the float64 file's (the
 *   array itself is half the size; 1/8 is left for the _f32 route's block
 *   buffers and noise; measured: 40.9 MiB vs 73.6 MiB, footprint 7.1 MiB);
 * - bad --grid values exit 1 (usage) naming the problem.
 */
#include <jansson.h>
#include <math.h>

#include "../../tools/ncdyn/array.h"
#include "cli_util.h"
#include "metrics/peers_case.h"

/* tools/ncdyn/util.c (linked into this suite): the JSON keys of the metrics,
 * checked against the enum in test_metrics_peers.c */
const char *cli_metric_name(size_t i, char *buf, size_t cap);

static char out[1 << 17], err[1 << 14];
static char dir[64], h64f[128], h32le[128], h32be[128], h32st[128], yf[128], wf[128];
static float PHF[PN * PD];
static double PHD[PN * PD]; /* the float values as double */

static const char *const KINDS[8] = {"cdnv", "cdnv_unbiased", "dist", "log", "riesz",
                                     "lognorm_diff", "cos_shifted", "wcos_upper"};

static void write_inputs(void) {
  double yd[PN];
  for (int i = 0; i < PN; i++) yd[i] = PY[i];
  for (int i = 0; i < PN * PD; i++) PHD[i] = PHF[i] = (float)PH[i];
  cu_tmpdir(dir, sizeof dir);
  snprintf(h64f, sizeof h64f, "%s/h64.npy", dir);
  snprintf(h32le, sizeof h32le, "%s/h32.npy", dir);
  snprintf(h32be, sizeof h32be, "%s/h32be.npy", dir);
  snprintf(h32st, sizeof h32st, "%s/h.safetensors", dir);
  snprintf(yf, sizeof yf, "%s/y.npy", dir);
  snprintf(wf, sizeof wf, "%s/w.npy", dir);
  cu_write_npy(h64f, 1, 'f', 8, 0, 0, 2, PN, PD, PHD);
  cu_write_npy(h32le, 1, 'f', 4, 0, 0, 2, PN, PD, PHD);
  cu_write_npy(h32be, 3, 'f', 4, 1, 1, 2, PN, PD, PHD);
  cu_write_npy(yf, 1, 'i', 8, 0, 0, 1, PN, 1, yd);
  cu_write_npy(wf, 1, 'f', 8, 0, 0, 2, PK, PD, PW);
  unsigned char buf[PN * PD * 4];
  for (int i = 0; i < PN * PD; i++) cu_put(buf + 4 * i, PHD[i], 'f', 4, 0);
  char js[256];
  snprintf(js, sizeof js,
           "{\"features\": {\"dtype\": \"F32\", \"shape\": [%d, %d], \"data_offsets\": [0, %d]}}",
           PN, PD, PN * PD * 4);
  cu_write_st(h32st, js, buf, sizeof buf);
}

static json_t *run_json(const char *feats, const char *extra) {
  char args[1024];
  snprintf(args, sizeof args, "metrics --features %s --labels %s --weights %s %s --json", feats,
           yf, wf, extra);
  int rc = cu_run(args, out, sizeof out, err, sizeof err);
  ck_assert_msg(rc == 0, "%s: exit %d, %s", args, rc, err);
  json_error_t je;
  json_t *o = json_loads(out, 0, &je);
  ck_assert_msg(o && json_is_object(o), "not JSON: %s", out);
  return o;
}

/* |got - want| <= rel |want|; NaN and +-Inf expect null. */
static void check_num(json_t *v, const char *what, double want, double rel) {
  ck_assert_msg(v != NULL, "%s missing", what);
  if (!isfinite(want)) {
    ck_assert_msg(json_is_null(v), "%s: want %g (null in JSON)", what, want);
    return;
  }
  ck_assert_msg(json_is_number(v), "%s: want %.17g, got null", what, want);
  double got = json_number_value(v);
  ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s: tool %.17g, want %.17g", what, got,
                want);
}

static double default_p(int q) { return q == NCD_PAIR_LOG ? -1.0 : q == NCD_PAIR_RIESZ ? 3.0 : 1.0; }

START_TEST(float32_files_equal_the_f32_calls) {
  write_inputs();
  const uint64_t sel = 1u << NCD_NC1 | 1u << NCD_NC2_ETF_H | 1u << NCD_NC1_CDNV |
                       1u << NCD_GNC2_LOG_MEAN | 1u << NCD_SILHOUETTE_COS | 1u << NCD_ERANK;
  const char *files[3] = {h32le, h32be, h32st};
  for (int c = 0; c < 3; c++) {
    static const char *const centres[3] = {"sample", "class", "none"};
    ncd_nc_options opt = {0.0, c};
    double r32[NCD_METRIC_COUNT], r64[NCD_METRIC_COUNT];
    ck_assert_status(ncd_nc_metrics_select_f32(PN, PD, PK, PHF, PD, PY, PW, PD, NULL, &opt, sel,
                                               r32, NCD_METRIC_COUNT), NCD_OK);
    ck_assert_status(ncd_nc_metrics_select(PN, PD, PK, PHD, PD, PY, PW, PD, NULL, &opt, sel, r64,
                                           NCD_METRIC_COUNT), NCD_OK);
    char extra[256];
    snprintf(extra, sizeof extra,
             "--centre %s --select nc1,nc2_etf_h,nc1_cdnv,gnc2_log_mean,silhouette_cos,erank "
             "--pairs cdnv,log,wcos_upper --p 0.5",
             centres[c]);
    for (int f = 0; f < 3; f++) {
      json_t *o = run_json(files[f], extra);
      char nb[32];
      for (size_t i = 0; i < NCD_METRIC_COUNT; i++) {
        if (!(sel >> i & 1)) continue;
        const char *name = cli_metric_name(i, nb, sizeof nb);
        check_num(json_object_get(o, name), name, r32[i], 1e-13);
        check_num(json_object_get(o, name), name, r64[i], 1e-12);
      }
      const int qs[3] = {NCD_PAIR_CDNV, NCD_PAIR_LOG, NCD_PAIR_WCOS_UPPER};
      for (int j = 0; j < 3; j++) {
        double m32, v32, vals32[6], m64, v64, vals64[6];
        ck_assert_status(ncd_nc_pairs_f32(PN, PD, PK, PHF, PD, PY, PW, PD, (ncd_centre)c,
                                          (ncd_pair)qs[j], 0.5, &m32, &v32, vals32), NCD_OK);
        ck_assert_status(ncd_nc_pairs(PN, PD, PK, PHD, PD, PY, PW, PD, (ncd_centre)c,
                                      (ncd_pair)qs[j], 0.5, &m64, &v64, vals64), NCD_OK);
        json_t *e = json_object_get(json_object_get(o, "pairs"), KINDS[qs[j]]);
        ck_assert_msg(e != NULL, "pairs.%s missing: %s", KINDS[qs[j]], out);
        check_num(json_object_get(e, "mean"), "mean", m32, 1e-13);
        check_num(json_object_get(e, "mean"), "mean", m64, 1e-12);
        check_num(json_object_get(e, "var"), "var", v32, 1e-13);
        json_t *va = json_object_get(e, "vals");
        for (size_t t = 0; t < 6; t++) {
          check_num(json_array_get(va, t), "vals", vals32[t], 1e-13);
          check_num(json_array_get(va, t), "vals", vals64[t], 1e-12);
        }
      }
      json_decref(o);
    }
  }
  cu_rmdir(dir);
}
END_TEST

/* The JSON rows of "grid" against grid (k x k), and the strict upper
 * triangle against the "vals" of the same kind's "pairs" entry (bitwise). */
static void check_grid_json(json_t *o, int q, double p, const double *grid) {
  json_t *g = json_object_get(o, "grid");
  ck_assert_msg(json_is_object(g), "grid missing: %s", out);
  ck_assert_str_eq(json_string_value(json_object_get(g, "kind")), KINDS[q]);
  check_num(json_object_get(g, "p"), "grid.p", p, 0.0);
  json_t *rows = json_object_get(g, "values");
  ck_assert_msg(json_is_array(rows) && json_array_size(rows) == PK, "%s", out);
  json_t *vals = json_object_get(json_object_get(json_object_get(o, "pairs"), KINDS[q]), "vals");
  ck_assert_msg(json_is_array(vals) && json_array_size(vals) == 6, "%s", out);
  size_t t = 0;
  for (size_t c = 0; c < PK; c++) {
    json_t *row = json_array_get(rows, c);
    ck_assert_msg(json_is_array(row) && json_array_size(row) == PK, "row %zu: %s", c, out);
    for (size_t e = 0; e < PK; e++) {
      json_t *v = json_array_get(row, e);
      check_num(v, KINDS[q], grid[c * PK + e], 1e-13);
      if (e > c) {
        json_t *pv = json_array_get(vals, t++);
        ck_assert_msg(json_is_null(v) ? json_is_null(pv)
                                      : json_number_value(v) == json_number_value(pv),
                      "%s: grid[%zu][%zu] is not vals[%zu]", KINDS[q], c, e, t - 1);
      }
    }
  }
}

START_TEST(grid_equals_the_library) {
  write_inputs();
  static const char *const centres[3] = {"sample", "class", "none"};
  for (int c = 0; c < 3; c++)
    for (int q = 0; q < 8; q++)
      for (int f32 = 0; f32 < 2; f32++) {
        double grid[PK * PK], p = c == 2 ? 2.0 : default_p(q);
        int st = f32 ? ncd_nc_pair_grid_f32(PN, PD, PK, PHF, PD, PY, PW, PD, (ncd_centre)c,
                                            (ncd_pair)q, p, grid, PK)
                     : ncd_nc_pair_grid(PN, PD, PK, PHD, PD, PY, PW, PD, (ncd_centre)c,
                                        (ncd_pair)q, p, grid, PK);
        ck_assert_status(st, NCD_OK);
        char extra[256];
        if (c == 2) /* an explicit --p; else the defaults of --pairs */
          snprintf(extra, sizeof extra, "--centre none --select nc1 --grid %s --pairs %s --p 2",
                   KINDS[q], KINDS[q]);
        else
          snprintf(extra, sizeof extra, "--centre %s --select nc1 --grid %s --pairs %s",
                   centres[c], KINDS[q], KINDS[q]);
        json_t *o = run_json(f32 ? h32le : h64f, extra);
        check_grid_json(o, q, p, grid);
        json_decref(o);
      }
  cu_rmdir(dir);
}
END_TEST

START_TEST(grid_text_rows) {
  write_inputs();
  char args[1024];
  for (int q = 0; q < 8; q++) {
    double grid[PK * PK];
    ck_assert_status(ncd_nc_pair_grid_f32(PN, PD, PK, PHF, PD, PY, PW, PD, NCD_CENTRE_SAMPLE,
                                          (ncd_pair)q, default_p(q), grid, PK), NCD_OK);
    snprintf(args, sizeof args, "metrics --features %s --labels %s --weights %s --grid %s",
             h32be, yf, wf, KINDS[q]);
    int rc = cu_run(args, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: exit %d, %s", args, rc, err);
    char key[64];
    snprintf(key, sizeof key, "grid_%s_p", KINDS[q]);
    const char *l = strstr(out, key);
    ck_assert_msg(l != NULL, "%s missing: %s", key, out);
    ck_assert_double_eq(strtod(l + strlen(key), NULL), default_p(q));
    for (size_t c = 0; c < PK; c++) {
      snprintf(key, sizeof key, "grid_%s[%zu]", KINDS[q], c);
      l = strstr(out, key);
      ck_assert_msg(l != NULL, "%s missing: %s", key, out);
      char *s = (char *)l + strlen(key);
      for (size_t e = 0; e < PK; e++) {
        char *end;
        double v = strtod(s, &end), want = grid[c * PK + e];
        ck_assert_msg(end != s, "%s: value %zu missing", key, e);
        s = end;
        if (isnan(want)) ck_assert_msg(isnan(v), "%s[%zu]: want nan, got %g", key, e, v);
        else if (isinf(want)) ck_assert_double_eq(v, want);
        else ck_assert_msg(fabs(v - want) <= 1e-9 * fabs(want), "%s[%zu]: %.17g vs %.17g", key,
                           e, v, want);
      }
      ck_assert_msg(*s == '\n', "%s: more than %d values", key, PK);
    }
  }
  cu_rmdir(dir);
}
END_TEST

/* arr_read_f32: float32 rows as float (bits copied straight from the scratch
 * buffer), any byte and memory order; other dtypes refused. */
START_TEST(reader_f32) {
  write_inputs();
  const char *files[3] = {h32le, h32be, h32st};
  char e[ARR_ERRLEN];
  for (int f = 0; f < 3; f++) {
    arr_file a;
    ck_assert_int_eq(arr_open(files[f], &a, e), 0);
    float got[PN * PD];
    ck_assert_int_eq(arr_read_f32(&a, 3, 17, got, e), 0);
    ck_assert_int_eq(memcmp(got, PHF + 3 * PD, 17 * PD * sizeof(float)), 0);
    ck_assert_int_eq(arr_read_f32(&a, 20, 5, got, e), -1); /* past the rows */
    arr_close(&a);
  }
  arr_file a;
  ck_assert_int_eq(arr_open(h64f, &a, e), 0);
  float got[PD];
  ck_assert_int_eq(arr_read_f32(&a, 0, 1, got, e), -1);
  ck_assert_msg(strstr(e, "float32 data is needed") != NULL, "%s", e);
  arr_close(&a);
  /* rows longer than the scratch buffer (ARR_SCRATCH / 8 doubles) */
  const size_t d = ARR_SCRATCH / 8 + 3, n = 3;
  double *big = malloc(n * d * sizeof *big);
  for (size_t i = 0; i < n * d; i++) big[i] = (double)(float)(0.1 * (double)i - 7.0);
  char bf[128];
  snprintf(bf, sizeof bf, "%s/wide.npy", dir);
  cu_write_npy(bf, 1, 'f', 4, 1, 1, 2, n, d, big);
  float *bg = malloc(n * d * sizeof *bg);
  ck_assert_int_eq(arr_open(bf, &a, e), 0);
  ck_assert_int_eq(arr_read_f32(&a, 0, n, bg, e), 0);
  for (size_t i = 0; i < n * d; i++) ck_assert_float_eq(bg[i], (float)big[i]);
  arr_close(&a);
  free(big);
  free(bg);
  cu_rmdir(dir);
}
END_TEST

/* Writes an n x d little-endian C-order .npy (format 1.0) of dtype '<f<es>'
 * row by row, value(i, j) computed on the fly: this process never holds the
 * array (a forked child counts the parent's resident pages until its exec,
 * and an ASan parent keeps freed memory in quarantine). */
static void write_big_npy(const char *path, int es, size_t n, size_t d, size_t k) {
  char dict[128];
  snprintf(dict, sizeof dict, "{'descr': '<f%d', 'fortran_order': False, 'shape': (%zu, %zu), }",
           es, n, d);
  size_t hl = strlen(dict) + 1;
  while ((10 + hl) % 64) hl++;
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  const unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 255),
                                 (unsigned char)(hl >> 8)};
  fwrite(pre, 1, 10, f);
  fputs(dict, f);
  for (size_t i = strlen(dict); i + 1 < hl; i++) fputc(' ', f);
  fputc('\n', f);
  unsigned char row[64 * 8];
  ck_assert_uint_le(d, 64);
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < d; j++)
      cu_put(row + j * (size_t)es,
             (double)((i * 7919 + j * 31) % 1000) * 1e-3 + (double)(j == i % k), 'f', es, 0);
    ck_assert_uint_eq(fwrite(row, (size_t)es, d, f), d);
  }
  ck_assert_int_eq(fclose(f), 0);
}

START_TEST(float32_halves_the_memory) {
  /* 64 MiB of float64 features (32 MiB as float32), and 64 rows for the
   * tool's fixed footprint (ASan's allocator alone has a ~40 MiB peak) */
  const size_t d = 64, k = 8, n = 131072, ns = 64;
  char dd[64], f64[128], f32[128], yy[128], fs[128], ys[128], args[800];
  cu_tmpdir(dd, sizeof dd);
  snprintf(f64, sizeof f64, "%s/h64.npy", dd);
  snprintf(f32, sizeof f32, "%s/h32.npy", dd);
  snprintf(yy, sizeof yy, "%s/y.npy", dd);
  snprintf(fs, sizeof fs, "%s/hs.npy", dd);
  snprintf(ys, sizeof ys, "%s/ys.npy", dd);
  write_big_npy(fs, 4, ns, d, k);
  write_big_npy(f64, 8, n, d, k);
  write_big_npy(f32, 4, n, d, k);
  double *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++) y[i] = (double)(i % k);
  cu_write_npy(yy, 1, 'i', 8, 0, 0, 1, n, 1, y);
  cu_write_npy(ys, 1, 'i', 8, 0, 0, 1, ns, 1, y);
  free(y);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --select nc1_weak", fs, ys);
  long base = cu_peak_rss_kib(args);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --select nc1_weak", f64, yy);
  long r64 = cu_peak_rss_kib(args);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --select nc1_weak", f32, yy);
  long r32 = cu_peak_rss_kib(args);
  long arr_kib = (long)(n * d * 8 / 1024);
  /* above the fixed footprint, float32 costs at most 5/8 of float64 (1/2 for
   * the array, 1/8 for the _f32 route's block buffers and noise); the float64
   * run must show most of its array (the test would otherwise prove nothing) */
  if (r64 - base < arr_kib / 2) {
    /* the tool's peak is hidden below the measuring process's pages (the
     * forked child counts them until exec): only the valgrind tier (quick
     * level) runs the suite itself under valgrind, ~150 MiB resident */
    ck_assert_msg(ncd_test_level() == 0, "float64 run %ld KiB, 64 rows %ld KiB: array not seen",
                  r64, base);
    cu_rmdir(dd);
    return;
  }
  ck_assert_msg(8 * (r32 - base) <= 5 * (r64 - base),
                "peak RSS float64 %ld KiB, float32 %ld KiB, 64 rows %ld KiB (float64 array "
                "%ld KiB)", r64, r32, base, arr_kib);
  cu_rmdir(dd);
}
END_TEST

START_TEST(grid_usage_errors) {
  write_inputs();
  static const struct {
    const char *extra, *msg;
  } bad[] = {{"--grid manhattan", "unknown name 'manhattan'"},
             {"--grid cdnv,log", "one pair statistic"},
             {"--grid", "--grid"},
             {"--p 2", "--p needs --pairs or --grid"},
             {"--grid cdnv --p x", "--p"}};
  char args[1024];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(args, sizeof args, "metrics --features %s --labels %s %s", h32le, yf, bad[i].extra);
    ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 1);
    ck_assert_msg(strstr(err, bad[i].msg) != NULL, "%s: stderr %s", bad[i].extra, err);
  }
  snprintf(args, sizeof args, "metrics --features %s --labels %s --grid wcos_upper", h32le, yf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 1);
  ck_assert_msg(strstr(err, "--grid wcos_upper needs --weights") != NULL, "%s", err);
  /* a float32 file with a NaN: the library's status, exit 3 */
  double hn[PN * PD];
  memcpy(hn, PHD, sizeof hn);
  hn[7] = NAN;
  cu_write_npy(h32le, 1, 'f', 4, 0, 0, 2, PN, PD, hn);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --grid dist", h32le, yf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 3);
  cu_rmdir(dir);
}
END_TEST

Suite *suite_cli_metrics_twins(void) {
  Suite *s = suite_create("cli_metrics_twins");
  TCase *tc = tcase_create("metrics_twins");
  tcase_add_test(tc, float32_files_equal_the_f32_calls);
  tcase_add_test(tc, grid_equals_the_library);
  tcase_add_test(tc, grid_text_rows);
  tcase_add_test(tc, reader_f32);
  tcase_add_test(tc, float32_halves_the_memory);
  tcase_add_test(tc, grid_usage_errors);
  suite_add_tcase(s, tc);
  return s;
}
