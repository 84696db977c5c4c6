/*
 * test_sim_cmd.c - `ncdyn simulate` and `ncdyn central-path` end to end:
 * simulate's CSV equals the same training driven here through the public
 * API (same start, parameters, steps: relative 1e-10 on every column; the
 * tool prints 17 digits, the arithmetic is the same so agreement is in fact
 * to the last bit up to printing), every policy and start; the table; the
 * PNG through gnuplot and exit 4 with an install hint when gnuplot is not on
 * PATH; usage errors; the progress indicator only on a terminal.
 * central-path values equal ncd_cpath_omega (17-digit CSV; 1e-13 because under
 * valgrind the test's own arithmetic may differ in the last bits), the range
 * syntax, and the SNR mode equals ncd_cpath_snr (1e-12, same reason).
 */
#include <math.h>

#include "cli_util.h"

static char out[1 << 17], err[1 << 14];

/* Parses CSV line `row` (0 = header) column `col` as a double. */
static double csv_cell(const char *csv, size_t row, size_t col) {
  const char *p = csv;
  for (size_t r = 0; r < row && p; r++) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  ck_assert_ptr_nonnull(p);
  for (size_t c = 0; c < col; c++) {
    p = strchr(p, ',');
    ck_assert_ptr_nonnull(p);
    p++;
  }
  return strtod(p, NULL);
}

static size_t csv_rows(const char *csv) {
  size_t r = 0;
  for (const char *p = csv; *p; p++) r += *p == '\n';
  return r;
}

typedef struct last { double m[NCD_METRIC_COUNT]; double loss, rho; size_t steps; } last;
static int cb(ncd_ufm *u, const double *w, const double *h, const double *b, void *ctx) {
  (void)w, (void)h, (void)b;
  last *L = ctx;
  double s;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &s);
  L->steps = (size_t)s;
  ncd_ufm_get_stat(u, NCD_STAT_LOSS, &L->loss);
  ncd_ufm_get_stat(u, NCD_STAT_RHO, &L->rho);
  return 0;
}

START_TEST(simulate_matches_library) {
  char dir[64], csv[128], args[600];
  cu_tmpdir(dir, sizeof dir);
  snprintf(csv, sizeof csv, "%s/t.csv", dir);
  const size_t K = 4, d = 6, N = 5, n = K * N, S = 60;
  const char *ctl[3] = {"fixed", "clip", "ghost"};
  for (int c = 0; c < 3; c++) {
    snprintf(args, sizeof args, "simulate --classes 4 --dim 6 --per-class 5 --steps 60 --lr 0.7 "
             "--controller %s --lambda-w 0.01 --lambda-h 0.02 --lambda-b 0.03 --seed 9 "
             "--csv %s --rows 5", ctl[c], csv);
    ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(out, "NC2_ETF_W"));
    FILE *f = fopen(csv, "r");
    ck_assert_ptr_nonnull(f);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    ck_assert(strncmp(text, "step,objective,loss,grad_norm,step_norm,lr_eff,rho,r,nc1,", 57) == 0);
    size_t rows = csv_rows(text);
    ck_assert_uint_ge(rows, 5);
    ck_assert_uint_eq((size_t)csv_cell(text, rows - 1, 0), S);
    ck_assert_uint_eq((size_t)csv_cell(text, 1, 0), 0); /* the start is recorded */
    /* the same training through the API */
    int32_t y[20];
    for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % K);
    ncd_ufm *u;
    ck_assert_status(ncd_ufm_create(n, d, K, y, &u), NCD_OK);
    ncd_ufm_set(u, NCD_UFM_LOSS, NCD_LOSS_CE);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 0.01);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_H, 0.02);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_B, 0.03);
    ncd_ufm_set(u, NCD_UFM_LR, 0.7);
    ncd_ufm_set(u, NCD_UFM_R_TARGET, 1.0);
    ck_assert_status(ncd_ufm_set(u, NCD_UFM_STEP_POLICY, c), NCD_OK);
    double w[4 * 6], h[20 * 6], b[4];
    ck_assert_status(ncd_ufm_init_gaussian(u, 9, 1.0, 1.0, 0.0, w, d, h, d, b), NCD_OK);
    last L;
    ck_assert_status(ncd_ufm_train(u, S, w, d, h, d, b, cb, &L), NCD_OK);
    ck_assert_uint_eq(L.steps, S);
    ck_assert_status(ncd_nc_metrics(n, d, K, h, d, y, w, d, b, L.m, NCD_METRIC_COUNT), NCD_OK);
    ck_assert_close(csv_cell(text, rows - 1, 2), L.loss, 1e-10, 0);
    for (size_t i = 0; i < NCD_METRIC_COUNT && i < 19; i++) {
      double got = csv_cell(text, rows - 1, 8 + i);
      if (isnan(L.m[i])) ck_assert_msg(isnan(got), "metric %zu", i);
      else ck_assert_msg(fabs(got - L.m[i]) <= 1e-10 * fabs(L.m[i]) + 1e-12,
                         "metric %zu: csv %.17g api %.17g", i, got, L.m[i]);
    }
    if (c == 2) ck_assert_close(csv_cell(text, rows - 1, 6), L.rho, 1e-10, 0);
    ncd_ufm_free(u);
  }
  /* the other starts and the MSE loss run and record */
  const char *variants[] = {"--init etf --classes 4 --dim 4", "--init hadamard --classes 4 --dim 5",
                            "--loss mse --lr 0.2", "--init etf --loss mse --controller clip"};
  for (size_t v = 0; v < 4; v++) {
    snprintf(args, sizeof args, "simulate --steps 40 --per-class 4 %s", variants[v]);
    ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s: %s", args, err);
    ck_assert_msg(strstr(out, "\n      40 ") != NULL, "%s: %s", args, out);
  }
  cu_rmdir(dir);
}
END_TEST

START_TEST(simulate_plot_and_errors) {
  char dir[64], png[128], args[600];
  cu_tmpdir(dir, sizeof dir);
  snprintf(png, sizeof png, "%s/p.png", dir);
  snprintf(args, sizeof args, "simulate --steps 30 --plot %s", png);
  if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
    ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    FILE *f = fopen(png, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char m[8] = {0};
    ck_assert_uint_eq(fread(m, 1, 8, f), 8);
    fclose(f);
    ck_assert(memcmp(m, "\x89PNG\r\n\x1a\n", 8) == 0);
  } else {
    fprintf(stderr, "cli: gnuplot absent, PNG test skipped\n");
  }
  remove(png);
  ck_assert_int_eq(cu_run_env("PATH=/nonexistent", args, out, sizeof out, err, sizeof err), 4);
  ck_assert_msg(strstr(err, "apt-get install gnuplot-nox") != NULL, "%s", err);
  const char *bad[] = {"--loss hinge", "--init zeros", "--controller ghost --loss mse",
                       "--init etf --classes 10 --dim 3", "--init hadamard --classes 6",
                       "--lr 0", "--lr -1", "--steps 0", "--classes 1", "--lambda-w -1",
                       "--per-class 1000000 --dim 100000", "--rows 1", "--frobnicate"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(args, sizeof args, "simulate --steps 5 %s", bad[i]);
    int rc = cu_run(args, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 1, "'%s': exit %d (%s)", bad[i], rc, err);
    ck_assert_msg(strlen(err) > 0, "'%s': no message", bad[i]);
  }
  /* a diverging run (MSE, lr 100): the library stops with NCD_ENONFINITE -> exit 3 */
  ck_assert_int_eq(cu_run("simulate --loss mse --lr 100 --steps 200", out, sizeof out, err,
                          sizeof err), 3);
  ck_assert_msg(strstr(err, "diverged") != NULL, "%s", err);
  snprintf(args, sizeof args, "simulate --steps 5 --csv %s/no/such/dir.csv", dir);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
  cu_rmdir(dir);
}
END_TEST

/* The progress indicator appears only when stdout is a terminal (util-linux
 * `script` provides one; skipped without it). */
START_TEST(simulate_progress_only_on_terminal) {
  ck_assert_int_eq(cu_run("simulate --steps 100 --rows 3", out, sizeof out, err, sizeof err), 0);
  ck_assert_ptr_null(strstr(err, "training:"));
  ck_assert_ptr_null(strstr(out, "training:"));
  if (system("command -v script >/dev/null 2>&1") != 0) {
    fprintf(stderr, "cli: script(1) absent, terminal progress test skipped\n");
    return;
  }
  char cmd[800];
  snprintf(cmd, sizeof cmd, "script -qec \"'%s' simulate --steps 100 --rows 3\" /dev/null",
           getenv("NCD_TOOL"));
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t got = fread(out, 1, sizeof out - 1, p);
  out[got] = '\0';
  ck_assert_int_eq(pclose(p), 0);
  ck_assert_msg(strstr(out, "training: step 100 / 100") != NULL, "%s", out);
}
END_TEST

START_TEST(central_path_matches_library) {
  const double w0[3] = {0.05, 1.0, 4.0};
  const double ts[5] = {-3.0, 0.0, 0.5, 17.0, 1e4};
  ck_assert_int_eq(cu_run("central-path --classes 7 --per-class 3 --omega0 0.05,1,4 "
                          "--t -3,0,0.5,17,1e4 --csv", out, sizeof out, err, sizeof err), 0);
  ck_assert(strncmp(out, "t,omega_1,omega_2,omega_3\n", 26) == 0);
  ck_assert_uint_eq(csv_rows(out), 6);
  for (size_t i = 0; i < 5; i++) {
    ck_assert(csv_cell(out, i + 1, 0) == ts[i]);
    for (size_t j = 0; j < 3; j++) {
      double om;
      ck_assert_status(ncd_cpath_omega(7, 3, w0[j], ts[i], &om), NCD_OK);
      /* equal in a native run; 1e-13 leaves room for valgrind's arithmetic */
      ck_assert_close(csv_cell(out, i + 1, j + 1), om, 1e-13, 0);
    }
  }
  /* range syntax: 0:10:11 is 0, 1, ..., 10 */
  ck_assert_int_eq(cu_run("central-path --classes 3 --per-class 2 --omega0 1 --t 0:10:11 --csv",
                          out, sizeof out, err, sizeof err), 0);
  ck_assert_uint_eq(csv_rows(out), 12);
  ck_assert(csv_cell(out, 11, 0) == 10.0 && csv_cell(out, 4, 0) == 3.0);
  ck_assert_int_eq(cu_run("central-path --classes 3 --per-class 2 --omega0 1 --t 0:1:2",
                          out, sizeof out, err, sizeof err), 0);
  ck_assert_ptr_nonnull(strstr(out, "omega_1"));
}
END_TEST

START_TEST(central_path_snr_mode) {
  char dir[64], hf[128], yf[128], args[600];
  cu_tmpdir(dir, sizeof dir);
  const size_t n = 90, d = 5, k = 3;
  ncd_test_rng r;
  ncd_test_seed(&r, 4);
  double h[90 * 5], yd[90];
  int32_t y[90];
  for (size_t i = 0; i < n; i++) {
    y[i] = (int32_t)(i % k), yd[i] = y[i];
    for (size_t j = 0; j < d; j++) h[i * d + j] = ncd_test_normal(&r) + 2.0 * (double)(j == (size_t)y[i]);
  }
  snprintf(hf, sizeof hf, "%s/h.npy", dir);
  snprintf(yf, sizeof yf, "%s/y.npy", dir);
  cu_write_npy(hf, 1, 'f', 8, 0, 1, 2, n, d, h);
  cu_write_npy(yf, 1, 'i', 8, 0, 0, 1, n, 1, yd);
  snprintf(args, sizeof args, "central-path --features %s --labels %s --csv", hf, yf);
  ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
  double om[3];
  ck_assert_status(ncd_cpath_snr(n, d, k, h, d, y, om, NULL, 0, NULL, 0), NCD_OK);
  ck_assert_uint_eq(csv_rows(out), 4);
  /* same code and data on both sides, but under valgrind this process's
     arithmetic (LAPACK eigensolver) may differ from the native tool in the last
     bits: 1e-12 relative, a few hundred ulps on an O(1)-conditioned spectrum */
  /* (the last value is 0 up to rounding with balanced labels: absolute 1e-12 om_1) */
  for (size_t j = 0; j < 3; j++) ck_assert_close(csv_cell(out, j + 1, 1), om[j], 1e-12, 1e-12 * om[0]);
  snprintf(args, sizeof args, "central-path --features %s --labels %s --classes 3", hf, yf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 1);
  snprintf(args, sizeof args, "central-path --features %s --labels %s", yf, hf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
  cu_rmdir(dir);
}
END_TEST

Suite *suite_cli_sim_cmd(void) {
  Suite *s = suite_create("cli_sim_cmd");
  TCase *tc = tcase_create("sim_cmd");
  tcase_add_test(tc, simulate_matches_library);
  tcase_add_test(tc, simulate_plot_and_errors);
  tcase_add_test(tc, simulate_progress_only_on_terminal);
  tcase_add_test(tc, central_path_matches_library);
  tcase_add_test(tc, central_path_snr_mode);
  suite_add_tcase(s, tc);
  return s;
}
