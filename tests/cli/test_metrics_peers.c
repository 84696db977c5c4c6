/*
 * test_metrics_peers.c - the peer-parity options of `ncdyn metrics`
 * (--centre, --select, --pairs, --p) end to end on the input of
 * spec/metrics-peers.md section 12 written as .npy files:
 * - the JSON of the in-memory route (--select / --pairs) equals
 *   ncd_nc_metrics_select and ncd_nc_pairs called here on the same doubles
 *   (1e-13 relative: the same call on the same values; only the buffers'
 *   alignment differs, which may change BLAS edge paths in the last bits;
 *   the JSON prints 17 digits, which round-trips a double);
 * - the streamed --centre route equals ncd_nc_metrics_ex with that centre to
 *   the contract's accumulator tolerance (1e-10 relative, 1e-12 absolute);
 * - the peers' own numbers of section 12 (rhubarbwu CDNV and kernel
 *   statistics with centre U, nc-toolbox "cov" reductions with centre S) come
 *   out of the tool's JSON to 1e-12 relative (1e-11 for equiangularity, as the
 *   spec gives);
 * - only the selected metrics are printed; bad option values exit 1 (usage,
 *   docs/ncdyn.1 EXIT STATUS) with a message naming the bad value.
 */
#include <jansson.h>
#include <math.h>

#include "cli_util.h"
#include "metrics/peers_case.h"

static char out[1 << 16], err[1 << 14];

static char dir[64], hf[128], yf[128], wf[128], bf[128];

static void write_inputs(void) {
  double yd[PN];
  for (int i = 0; i < PN; i++) yd[i] = PY[i];
  cu_tmpdir(dir, sizeof dir);
  snprintf(hf, sizeof hf, "%s/h.npy", dir);
  snprintf(yf, sizeof yf, "%s/y.npy", dir);
  snprintf(wf, sizeof wf, "%s/w.npy", dir);
  snprintf(bf, sizeof bf, "%s/b.npy", dir);
  cu_write_npy(hf, 1, 'f', 8, 0, 0, 2, PN, PD, PH);
  cu_write_npy(yf, 1, 'i', 8, 0, 0, 1, PN, 1, yd); /* int64, torch's default */
  cu_write_npy(wf, 1, 'f', 8, 0, 0, 2, PK, PD, PW);
  cu_write_npy(bf, 1, 'f', 8, 0, 0, 1, PK, 1, PB);
}

static json_t *run_json(const char *extra) {
  char args[1024];
  snprintf(args, sizeof args, "metrics --features %s --labels %s %s --json", hf, yf, extra);
  int rc = cu_run(args, out, sizeof out, err, sizeof err);
  ck_assert_msg(rc == 0, "%s: exit %d, %s", args, rc, err);
  json_error_t je;
  json_t *o = json_loads(out, 0, &je);
  ck_assert_msg(o && json_is_object(o), "not JSON: %s", out);
  return o;
}

/* |got - want| <= rel |want| + abs; NaN expects null. */
static void check_num(json_t *v, const char *what, double want, double rel, double abs) {
  ck_assert_msg(v != NULL, "%s missing", what);
  if (isnan(want)) {
    ck_assert_msg(json_is_null(v), "%s: want NaN, got a number", what);
    return;
  }
  if (isinf(want)) {
    ck_assert_msg(json_is_null(v), "%s: want Inf (null in JSON)", what);
    return;
  }
  ck_assert_msg(json_is_number(v), "%s: want %.17g, got null", what, want);
  double got = json_number_value(v);
  ck_assert_msg(fabs(got - want) <= rel * fabs(want) + abs, "%s: tool %.17g, want %.17g", what,
                got, want);
}

static const char *metric_name(size_t i) {
  static const char *const names[] = {
      "nc1", "nc2_equinorm_h", "nc2_equinorm_w", "nc2_equiangle_h", "nc2_maxangle_h",
      "nc2_etf_h", "nc2_etf_w", "nc3", "nc3_duality", "nc4", "accuracy", "nc1_trace_ratio",
      "nc1_cdnv", "nc1_pinv_rank", "cosmargin_mean", "cosmargin_min", "numrank_h", "snr_min",
      "snr_max", "nc1_weak", "unc3_var", "gnc2_dist_var", "gnc2_log_mean", "gnc2_log_var",
      "centroid_cos", "nc4_classavg", "silhouette_cos", "erank"};
  ck_assert_uint_lt(i, sizeof names / sizeof names[0]);
  return names[i];
}

START_TEST(select_and_pairs_equal_the_library) {
  write_inputs();
  static const char *const centres[3] = {"sample", "class", "none"};
  static const char *const kinds[8] = {"cdnv", "cdnv_unbiased", "dist", "log", "riesz",
                                       "lognorm_diff", "cos_shifted", "wcos_upper"};
  const double ps[3] = {1.0, 0.5, -2.0};
  for (int c = 0; c < 3; c++) {
    char extra[512];
    /* a selection out of enum order, with a duplicate and mixed case */
    snprintf(extra, sizeof extra,
             "--weights %s --bias %s --centre %s --select erank,NC1,nc3,unc3_var,nc1,"
             "gnc2_log_var,nc4_classavg,silhouette_cos --pairs "
             "cdnv,cdnv_unbiased,dist,log,riesz,lognorm_diff,cos_shifted,wcos_upper --p %g",
             wf, bf, centres[c], ps[c]);
    json_t *o = run_json(extra);
    ncd_nc_options opt = {0.0, c};
    const uint64_t sel = 1u << NCD_NC1 | 1u << NCD_NC3 | 1u << NCD_UNC3_VAR |
                         1u << NCD_GNC2_LOG_VAR | 1u << NCD_NC4_CLASSAVG |
                         1u << NCD_SILHOUETTE_COS | 1u << NCD_ERANK;
    double ref[NCD_METRIC_COUNT];
    ck_assert_status(ncd_nc_metrics_select(PN, PD, PK, PH, PD, PY, PW, PD, PB, &opt, sel, ref,
                                           NCD_METRIC_COUNT), NCD_OK);
    ck_assert_uint_eq(json_object_size(o), 3 + 7 + 1); /* n, d, k, selection, pairs */
    for (size_t i = 0; i < NCD_METRIC_COUNT; i++) {
      json_t *v = json_object_get(o, metric_name(i));
      if (!(sel >> i & 1)) {
        ck_assert_msg(v == NULL, "%s printed but not selected", metric_name(i));
        continue;
      }
      check_num(v, metric_name(i), ref[i], 1e-13, 0.0);
    }
    json_t *pj = json_object_get(o, "pairs");
    ck_assert_msg(json_is_object(pj) && json_object_size(pj) == 8, "%s", out);
    for (int q = 0; q < 8; q++) {
      json_t *e = json_object_get(pj, kinds[q]);
      ck_assert_msg(e != NULL, "pairs.%s missing", kinds[q]);
      double mean, var, vals[PK * (PK - 1) / 2];
      ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, PW, PD, (ncd_centre)c, (ncd_pair)q,
                                    ps[c], &mean, &var, vals), NCD_OK);
      check_num(json_object_get(e, "p"), "p", ps[c], 0.0, 0.0);
      check_num(json_object_get(e, "mean"), kinds[q], mean, 1e-13, 0.0);
      check_num(json_object_get(e, "var"), kinds[q], var, 1e-13, 0.0);
      check_num(json_object_get(e, "cov"), kinds[q], sqrt(var) / mean, 1e-13, 0.0);
      json_t *va = json_object_get(e, "vals");
      ck_assert_msg(json_is_array(va) && json_array_size(va) == 6, "%s", out);
      for (size_t t = 0; t < 6; t++)
        check_num(json_array_get(va, t), kinds[q], vals[t], 1e-13, 0.0);
    }
    json_decref(o);
  }
  cu_rmdir(dir);
}
END_TEST

START_TEST(centre_streamed_equals_one_shot) {
  write_inputs();
  static const char *const centres[3] = {"sample", "class", "none"};
  for (int c = 0; c < 3; c++) {
    char extra[512];
    snprintf(extra, sizeof extra, "--weights %s --bias %s --centre %s --batch 5", wf, bf,
             centres[c]);
    json_t *o = run_json(extra);
    ncd_nc_options opt = {0.0, c};
    double ref[NCD_METRIC_COUNT];
    ck_assert_status(ncd_nc_metrics_ex(PN, PD, PK, PH, PD, PY, PW, PD, PB, &opt, ref,
                                       NCD_METRIC_COUNT), NCD_OK);
    ck_assert_uint_eq(json_object_size(o), 3 + NCD_METRIC_COUNT);
    /* metrics the accumulator computes (the peer metrics it leaves NaN are null) */
    for (size_t i = 0; i < NCD_NC1_WEAK; i++)
      check_num(json_object_get(o, metric_name(i)), metric_name(i), ref[i], 1e-10, 1e-12);
    json_decref(o);
  }
  /* spec 12: RW covariance_ratio("pinv") with centre U; NC1 with centre S */
  char extra[256];
  snprintf(extra, sizeof extra, "--centre class");
  json_t *o = run_json(extra);
  check_num(json_object_get(o, "nc1"), "nc1 (U)", 0.085022990901401002, 1e-10, 0.0);
  json_decref(o);
  cu_rmdir(dir);
}
END_TEST

START_TEST(peer_numbers_through_the_tool) {
  write_inputs();
  /* rhubarbwu, centre U: CDNV at three exponents, kernel statistics */
  const struct { const char *extra, *kind; double mean, var; } rw[] = {
      {"--p 1", "cdnv", 0.04631136715023295, NAN},
      {"--p 0.5", "cdnv", 0.34611449086322166, NAN},
      {"--p 2", "cdnv", 0.00085358301033673677, NAN},
      {"", "dist", 1.6244647558515677, 0.018601675734174022},
      {"", "log", -0.48156640238331866, 0.0073119093588672607},
      {"", "riesz", 0.24390236151625713, 0.0041923059144171266}};
  for (size_t i = 0; i < sizeof rw / sizeof rw[0]; i++) {
    char extra[256];
    snprintf(extra, sizeof extra, "--centre class --select nc1 --pairs %s %s", rw[i].kind,
             rw[i].extra);
    json_t *o = run_json(extra);
    json_t *e = json_object_get(json_object_get(o, "pairs"), rw[i].kind);
    check_num(json_object_get(e, "mean"), rw[i].kind, rw[i].mean, 1e-12, 0.0);
    if (!isnan(rw[i].var)) check_num(json_object_get(e, "var"), rw[i].kind, rw[i].var, 1e-12, 0.0);
    json_decref(o);
  }
  /* nc-toolbox, centre S: mean and "cov" = std/mean */
  const struct { const char *kind; double mean, cov, tol; } tb[] = {
      {"cdnv_unbiased", 0.056198320496308372, 0.28447936217620329, 1e-12},
      {"lognorm_diff", 0.3102156720531728, 0.47216203668186491, 1e-12},
      {"cos_shifted", 0.012863310068979042, 19.720022293895568, 1e-11},
      {"log", -0.47572886859328117, -0.21187907726082697, 1e-12},
      {"wcos_upper", 0.2286023757610994, 2.4359030826691668, 1e-12}};
  char extra[256];
  snprintf(extra, sizeof extra,
           "--weights %s --select nc1_weak,centroid_cos,silhouette_cos,erank --pairs "
           "cdnv_unbiased,lognorm_diff,cos_shifted,log,wcos_upper",
           wf);
  json_t *o = run_json(extra);
  json_t *pj = json_object_get(o, "pairs");
  for (size_t i = 0; i < sizeof tb / sizeof tb[0]; i++) {
    json_t *e = json_object_get(pj, tb[i].kind);
    check_num(json_object_get(e, "mean"), tb[i].kind, tb[i].mean, tb[i].tol, 0.0);
    check_num(json_object_get(e, "cov"), tb[i].kind, tb[i].cov, tb[i].tol, 0.0);
  }
  /* ncd_nc_metrics out[19], [24], [26], [27] of spec 12 */
  check_num(json_object_get(o, "nc1_weak"), "nc1_weak", 0.10701820634513894, 1e-12, 0.0);
  check_num(json_object_get(o, "centroid_cos"), "centroid_cos", -0.21961974846218291, 1e-12, 0.0);
  check_num(json_object_get(o, "silhouette_cos"), "sil", 0.8623437218857738, 1e-12, 0.0);
  check_num(json_object_get(o, "erank"), "erank", 4.1712849122162972, 1e-12, 0.0);
  json_decref(o);
  cu_rmdir(dir);
}
END_TEST

START_TEST(peer_options_text_and_errors) {
  write_inputs();
  char args[1024];
  snprintf(args, sizeof args, "metrics --features %s --labels %s --select nc1 --pairs cdnv",
           hf, yf);
  ck_assert_msg(cu_run(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
  ck_assert_ptr_nonnull(strstr(out, "nc1 "));
  ck_assert_ptr_null(strstr(out, "erank"));
  ck_assert_ptr_nonnull(strstr(out, "pairs_cdnv_mean "));
  ck_assert_ptr_nonnull(strstr(out, "pairs_cdnv_cov "));
  const struct { const char *extra, *needle; } cs[] = {
      {"--select nc1,nc9", "unknown name 'nc9'"},
      {"--select ''", "unknown name ''"},
      {"--select nc1,", "unknown name ''"},
      {"--centre median", "'median' is not sample, class or none"},
      {"--pairs cdnv,manhattan", "unknown name 'manhattan'"},
      {"--pairs cdnv,cdnv", "given twice"},
      {"--pairs wcos_upper", "wcos_upper needs --weights"},
      {"--p 2", "--p needs --pairs"},
      {"--pairs cdnv --p nan", "not a finite number"},
  };
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
    snprintf(args, sizeof args, "metrics --features %s --labels %s %s", hf, yf, cs[c].extra);
    int rc = cu_run(args, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 1, "%s: exit %d (%s)", cs[c].extra, rc, err);
    ck_assert_msg(strstr(err, cs[c].needle) != NULL, "%s: '%s' lacks '%s'", cs[c].extra, err,
                  cs[c].needle);
  }
  /* the unknown-name message lists the known ones */
  snprintf(args, sizeof args, "metrics --features %s --labels %s --select bogus", hf, yf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 1);
  ck_assert_ptr_nonnull(strstr(err, "silhouette_cos erank"));
  /* NaN features through the in-memory route: the library's status, exit 3 */
  double h[PN * PD];
  memcpy(h, PH, sizeof h);
  h[7] = NAN;
  cu_write_npy(hf, 1, 'f', 8, 0, 0, 2, PN, PD, h);
  snprintf(args, sizeof args, "metrics --features %s --labels %s --select nc1", hf, yf);
  ck_assert_int_eq(cu_run(args, out, sizeof out, err, sizeof err), 3);
  ck_assert_msg(strstr(err, "status 2") != NULL, "%s", err);
  cu_rmdir(dir);
}
END_TEST

Suite *suite_cli_metrics_peers(void) {
  Suite *s = suite_create("cli_metrics_peers");
  TCase *tc = tcase_create("peers");
  tcase_add_test(tc, select_and_pairs_equal_the_library);
  tcase_add_test(tc, centre_streamed_equals_one_shot);
  tcase_add_test(tc, peer_numbers_through_the_tool);
  tcase_add_test(tc, peer_options_text_and_errors);
  suite_add_tcase(s, tc);
  return s;
}
