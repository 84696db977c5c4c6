/*
 * test_tool.c - the built ncdyn tool ($NCD_TOOL) end to end: --help of every
 * subcommand and --version (exit 0), usage errors (exit 1), input errors
 * (exit 2) for every class of bad file, library errors (exit 3); `radius`
 * against ncd_ghost_radius_bound called here on the same data (bit-identical
 * value: the tool combines per-batch minima, which are exact), its bottleneck
 * and tie rule across batch boundaries; and the bounded memory of streaming:
 * the peak resident size of the tool on a file many times larger than its
 * batch stays far below the file size.
 */
#include <math.h>

#include "cli_util.h"

static char out[1 << 16], err[1 << 14];

START_TEST(help_and_version) {
  const char *cmds[] = {"--help", "metrics --help", "radius --help", "central-path --help",
                        "simulate --help", "radius -h"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    ck_assert_int_eq(cu_run(cmds[i], out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "usage: ncdyn") != NULL, "%s: %s", cmds[i], out);
  }
  ck_assert_int_eq(cu_run("--version", out, sizeof out, err, sizeof err), 0);
  char want[64];
  snprintf(want, sizeof want, "libncdyn %s", ncd_version_string());
  ck_assert_ptr_nonnull(strstr(out, want));
}
END_TEST

START_TEST(usage_errors) {
  const char *cmds[] = {"", "frobnicate", "radius", "radius --jvp", "radius --jvp x --bogus",
                        "radius --jvp x --batch 0", "radius --jvp x --batch -3",
                        "radius --jvp x --batch 12abc", "radius --json=1 --jvp x",
                        "metrics --features x", "central-path --classes 3",
                        "central-path --classes 1 --per-class 2 --omega0 1 --t 0",
                        "central-path --classes 3 --per-class 2 --omega0 -1 --t 0",
                        "central-path --classes 3 --per-class 2 --omega0 1 --t 0,,1",
                        "central-path --classes 3 --per-class 2 --omega0 1 --t nan"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    ck_assert_msg(cu_run(cmds[i], out, sizeof out, err, sizeof err) == 1, "'%s' -> not 1: %s",
                  cmds[i], err);
    ck_assert_msg(strlen(err) > 0, "'%s': no message", cmds[i]);
  }
}
END_TEST

/* Writes a JVP file with a known bottleneck; returns the reference bound. */
static double write_jvp(const char *path, size_t n, size_t k, int fortran, int es, size_t *arg) {
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  double *a = malloc(n * k * sizeof *a);
  for (size_t i = 0; i < n * k; i++) a[i] = (double)(float)ncd_test_normal(&r);
  /* two equal largest spreads in rows 70 and 150: the first must win */
  for (size_t j = 0; j < k; j++) a[70 * k + j] = a[150 * k + j] = j == 1 ? 9.0 : (j == 2 ? -9.0 : 0);
  cu_write_npy(path, 1, 'f', es, 0, fortran, 2, n, k, a);
  double rho;
  ck_assert_status(ncd_ghost_radius_bound(n, k, a, k, &rho, arg), NCD_OK);
  free(a);
  return rho;
}

START_TEST(radius_matches_library) {
  char dir[64], p[128], args[512];
  cu_tmpdir(dir, sizeof dir);
  const size_t n = 200, k = 6;
  for (int fortran = 0; fortran <= 1; fortran++)
    for (int es = 4; es <= 8; es += 4) {
      snprintf(p, sizeof p, "%s/a.npy", dir);
      size_t arg;
      double rho = write_jvp(p, n, k, fortran, es, &arg);
      ck_assert_uint_eq(arg, 70);
      const char *batches[] = {"1", "64", "100", "151", "100000"};
      for (size_t b = 0; b < 5; b++) {
        snprintf(args, sizeof args, "radius --jvp %s --batch %s --json", p, batches[b]);
        ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
        double got;
        unsigned long long bott;
        const char *q = strstr(out, "\"rho_bound\": ");
        ck_assert_ptr_nonnull(q);
        ck_assert_int_eq(sscanf(q, "\"rho_bound\": %lf, \"bottleneck\": %llu", &got, &bott), 2);
        ck_assert_close(got, rho, 0, 0); /* %.17g round-trips the double exactly */
        ck_assert_uint_eq(bott, 70);
        ck_assert_ptr_nonnull(strstr(out, "\"n\": 200, \"k\": 6"));
        ck_assert_ptr_nonnull(strstr(out, "\"spread\": 18"));
      }
      snprintf(args, sizeof args, "radius --jvp %s", p);
      ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 0);
      ck_assert_ptr_nonnull(strstr(out, "bottleneck sample  70"));
    }
  /* zero spread everywhere: rho = +inf (JSON null), bottleneck 0 */
  double z[12] = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4};
  cu_write_npy(p, 2, 'f', 8, 1, 0, 2, 4, 3, z);
  snprintf(args, sizeof args, "radius --jvp %s --json", p);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"rho_bound\": null, \"bottleneck\": 0"));
  cu_rmdir(dir);
}
END_TEST

START_TEST(radius_input_errors) {
  char dir[64], p[128], q[128], args[600];
  cu_tmpdir(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/a.npy", dir);
  snprintf(q, sizeof q, "%s/z.npy", dir);
  double v[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  /* missing file, k = 1, 1-D, integer dtype, logits shape mismatch, truncated */
  struct { int ndim; size_t r, c; char kind; const char *needle; } cs[] = {
      {2, 12, 1, 'f', "k >= 2"}, {1, 12, 1, 'f', "k >= 2"}, {2, 4, 3, 'i', "int"}};
  snprintf(args, sizeof args, "radius --jvp %s/none.npy", dir);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
  ck_assert_ptr_nonnull(strstr(err, "none.npy: cannot open"));
  for (size_t i = 0; i < 3; i++) {
    cu_write_npy(p, 1, cs[i].kind, 8, 0, 0, cs[i].ndim, cs[i].r, cs[i].c, v);
    snprintf(args, sizeof args, "radius --jvp %s", p);
    ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
    ck_assert_msg(strstr(err, cs[i].needle) != NULL, "%s", err);
  }
  cu_write_npy(p, 1, 'f', 8, 0, 0, 2, 4, 3, v);
  cu_write_npy(q, 1, 'f', 8, 0, 0, 2, 3, 4, v);
  snprintf(args, sizeof args, "radius --jvp %s --logits %s", p, q);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
  ck_assert_ptr_nonnull(strstr(err, "shape"));
  /* truncated data and garbage files */
  cu_write_npy(q, 1, 'f', 8, 0, 0, 2, 4, 3, v);
  ck_assert_int_eq(truncate(q, 64 + 95), 0); /* 64-byte header, 95 of 96 data bytes */
  snprintf(args, sizeof args, "radius --jvp %s", q);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
  ck_assert_msg(strstr(err, "truncated") != NULL, "%s", err);
  cu_write_raw(q, "hello world, not an array", 25);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 2);
  ck_assert_msg(strstr(err, "bad magic") != NULL, "%s", err);
  /* NaN in the data: the library refuses it (exit 3) */
  v[4] = NAN;
  cu_write_npy(p, 1, 'f', 8, 0, 0, 2, 4, 3, v);
  snprintf(args, sizeof args, "radius --jvp %s", p);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 3);
  ck_assert_msg(strstr(err, "NaN") != NULL || strstr(err, "finite") != NULL, "%s", err);
  cu_rmdir(dir);
}
END_TEST


START_TEST(streaming_memory_is_bounded) {
  char dir[64], p[128], small[128], args[600];
  cu_tmpdir(dir, sizeof dir);
  /* 64 MiB file (quick level: 16 MiB), read in batches of 512 rows x 64 (256 KiB) */
  const size_t k = 64, n = ncd_test_level() == 0 ? 32768 : 131072;
  snprintf(p, sizeof p, "%s/big.npy", dir);
  snprintf(small, sizeof small, "%s/small.npy", dir);
  double *a = malloc(n * k * sizeof *a);
  for (size_t i = 0; i < n * k; i++) a[i] = (double)((i * 7919) % 1000) * 1e-3;
  cu_write_npy(small, 1, 'f', 8, 0, 0, 2, 16, k, a);
  for (int fortran = 0; fortran <= 1; fortran++) {
    cu_write_npy(p, 1, 'f', 8, 0, fortran, 2, n, k, a);
    snprintf(args, sizeof args, "radius --jvp %s --batch 512", small);
    long base = cu_peak_rss_kib(args);
    snprintf(args, sizeof args, "radius --jvp %s --batch 512", p);
    long big = cu_peak_rss_kib(args);
    long file_kib = (long)(n * k * 8 / 1024);
    /* growth over the 16-row run: batch (256 KiB) + scratch (64 KiB) + slack;
       allowed: an eighth of the file size (>= 3 MiB), far below reading it whole */
    ck_assert_msg(big - base < file_kib / 8, "peak RSS %ld KiB vs %ld KiB on 16 rows (file %ld KiB)",
                  big, base, file_kib);
  }
  free(a);
  cu_rmdir(dir);
}
END_TEST

Suite *suite_cli_tool(void) {
  Suite *s = suite_create("cli_tool");
  TCase *tc = tcase_create("tool");
  tcase_add_test(tc, help_and_version);
  tcase_add_test(tc, usage_errors);
  tcase_add_test(tc, radius_matches_library);
  tcase_add_test(tc, radius_input_errors);
  tcase_add_test(tc, streaming_memory_is_bounded);
  suite_add_tcase(s, tc);
  return s;
}
