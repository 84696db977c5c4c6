/*
 * test_vectors.c - ncd_nc_metrics on the test vectors of spec/metrics.md
 * section 7 (cases A, k <= d, and B, k > d), verbatim: every metric to 1e-13
 * relative (the spec's model reaches 8e-16; 1e-13 leaves room for a different
 * SVD/summation order), the b = NULL variants, the vector outputs (spectrum,
 * SNR values, per-class numerical rank, per-sample cosine margins), the
 * float32 and int64-label twins, and the streaming split of section 7.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

static const double HA[15 * 4] = {
    4.69, -2.79, -1.29, 0.25,  -2.02, 0.90,  2.26,  2.60,  -0.98, 0.76,  2.25,  -1.28,
    -2.13, 1.18, 0.68,  2.81,  -1.93, 0.22,  1.48,  2.23,  3.59,  -2.76, -0.83, -0.23,
    -3.31, -0.49, 1.22, 2.51,  -2.88, 0.28,  0.73,  3.60,  3.74,  -0.73, -0.72, -1.13,
    4.40, -2.96, -1.42, -0.40, 1.76,  0.31,  1.83,  -1.16, -0.05, 0.12,  2.09,  -0.04,
    3.35, -2.74, -2.89, 0.80,  2.75,  -2.87, -1.28, -0.23, 4.24,  -2.66, -0.33, -1.33};
static const int32_t YA[15] = {2, 1, 0, 1, 1, 2, 1, 1, 2, 2, 0, 0, 2, 2, 2};
static const double WA[3 * 4] = {1.14, 0.41, 1.95, -0.03, -0.93, 1.03,
                                 1.54, -0.03, 1.60, -0.27, -1.04, 1.14};
static const double BA[3] = {-0.41, 0.92, -0.25};
static const double OUTA[NCD_METRIC_COUNT] = {
    0.11150667707584258,  0.18615464113824584, 0.042890859632914752, 0.50749496667928062,
    0.42468539261562421,  0.63026555681655805, 0.73323190224302726,  0.7441653796957779,
    0.78472062009191856,  0.13333333333333333, 0.8666666666666667,   0.12173874215015473,
    0.050385165578970513, 2,                   0.58135028896219387,  -0.50600568926464851,
    1.9987865007442778,   3.338164835410292,   11.606493072148387};
static const double CMA[15] = {
    0.66794779967709761, 0.7885975408916126,  -0.50600568926464851, 1.0369828495270261,
    0.95139895466246172, 0.53926757793781899, 1.0734596659896247,   0.90076026255182839,
    0.14821555197066164, 0.63578724313972079, 0.50504056751729332,  -0.30223449096227062,
    1.36895303846106,    0.83757096207825132, 0.074512500255369624};
static const double RHOA[3] = {2.3190500381592125, 1.8290332608725175, 1.8482762032011038};

static const double HB[14 * 3] = {
    1.66,  0.13,  -0.69, -1.92, -0.09, -0.16, -1.33, -2.22, -0.21, -3.75, -0.70,
    0.71,  -0.76, -2.08, -0.65, 0.14,  -2.26, -0.18, -0.59, -2.45, -0.99, 0.01,
    -3.22, -0.43, -2.55, -1.06, -0.53, 0.76,  0.01,  3.50,  1.78,  1.33,  -0.86,
    0.34,  2.97,  3.54,  0.80,  2.35,  4.83,  0.53,  -0.28, 1.54};
static const int32_t YB[14] = {4, 3, 1, 3, 5, 1, 5, 1, 3, 0, 4, 2, 2, 0};
static const double WB[6 * 3] = {-0.39, 0.28, 0.51,  -0.02, -1.45, -0.33, -1.49, 2.81, 0.44,
                                 -1.54, -0.41, -0.34, 1.44, 0.20,  0.04,  -1.39, 0.27, -1.05};
static const double BB[6] = {0.69, 0.22, 0.41, 0.39, 0.88, -0.56};
static const double OUTB[NCD_METRIC_COUNT] = {
    0.069188711515097603, 0.3340361339710658,  0.440600692837124,   0.57373172521272697,
    0.47437489472478522,  0.9006258643059516,  0.94812930746779078, 0.96795050937273275,
    0.68527607420769732,  0.2857142857142857,  0.7857142857142857,  0.07373088671319733,
    0.089957673801076179, 3,                   0.14297498422308191, -0.2774698794253202,
    1.3553419807471798,   5.0757200816909673,  14.124689304290877};
static const double CMB[14] = {
    0.69295488780410741,  -0.2774698794253202,  -0.23550762019020069, 0.16967251742787443,
    -0.10061794866894951, 0.57088906409121354,  -0.19786483255272685, 0.4568462258531138,
    -0.035134048464617082, 0.55387073978707135, 0.38154505508411679,  0.14227947993878046,
    -0.22687363291553195, 0.10705977135421517};
static const double RHOB[6] = {1.1578067610306084, 1.5415085065334,    1.2488895246930294,
                               1.5660278802217831, 1.4803510334596259, 1.1374681785446317};

/* 1e-13 relative; values that are exactly 0 in exact arithmetic to 1e-14 absolute */
#define TOL 1e-13

static void check_out(const double *out, const double *want, size_t nout) {
  for (size_t i = 0; i < nout; i++)
    ck_assert_msg(ncd_test_close(out[i], want[i], TOL, 0), "metric %zu: %.17g vs %.17g", i,
                  out[i], want[i]);
}

START_TEST(case_a) {
  double out[NCD_METRIC_COUNT + 2];
  ck_assert_status(ncd_nc_metrics(15, 4, 3, HA, 4, YA, WA, 4, BA, out, NCD_METRIC_COUNT + 2),
                   NCD_OK);
  check_out(out, OUTA, NCD_METRIC_COUNT);
  ck_assert(isnan(out[NCD_METRIC_COUNT]) && isnan(out[NCD_METRIC_COUNT + 1]));
  /* b = NULL */
  ck_assert_status(ncd_nc_metrics(15, 4, 3, HA, 4, YA, WA, 4, NULL, out, 11), NCD_OK);
  ck_assert_close(out[NCD_NC4], 0.066666666666666666, TOL, 0);
  ck_assert_close(out[NCD_ACCURACY], 0.93333333333333335, TOL, 0);
  /* vector outputs */
  double s[3], omega[2], rho[3], cm[15];
  size_t rank = 99;
  ck_assert_status(ncd_nc_spectrum(15, 4, 3, HA, 4, YA, NULL, s, &rank), NCD_OK);
  ck_assert_close(s[0], 5.7996858767260893, TOL, 0);
  ck_assert_close(s[1], 2.6530614829735328, TOL, 0);
  ck_assert(fabs(s[2]) <= 1e-14 * s[0]); /* exactly 0 in exact arithmetic */
  ck_assert_uint_eq(rank, 2);
  ck_assert_status(ncd_nc_snr(15, 4, 3, HA, 4, YA, NULL, omega), NCD_OK);
  ck_assert_close(omega[0], 11.606493072148387, TOL, 0);
  ck_assert_close(omega[1], 3.338164835410292, TOL, 0);
  ck_assert_status(ncd_nc_numrank(15, 4, 3, HA, 4, YA, rho), NCD_OK);
  for (int c = 0; c < 3; c++) ck_assert_close(rho[c], RHOA[c], TOL, 0);
  ck_assert_status(ncd_nc_cosine_margin(15, 4, 3, HA, 4, YA, WA, 4, NULL, cm), NCD_OK);
  for (int i = 0; i < 15; i++) ck_assert_close(cm[i], CMA[i], TOL, 1e-15);
}
END_TEST

START_TEST(case_b) {
  double out[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(14, 3, 6, HB, 3, YB, WB, 3, BB, out, NCD_METRIC_COUNT),
                   NCD_OK);
  check_out(out, OUTB, NCD_METRIC_COUNT);
  ck_assert_status(ncd_nc_metrics(14, 3, 6, HB, 3, YB, WB, 3, NULL, out, 11), NCD_OK);
  ck_assert_close(out[NCD_NC4], 0.2857142857142857, TOL, 0);
  ck_assert_close(out[NCD_ACCURACY], 0.7857142857142857, TOL, 0);
  double s[3], omega[3], rho[6], cm[14];
  size_t rank = 0;
  ck_assert_status(ncd_nc_spectrum(14, 3, 6, HB, 3, YB, NULL, s, &rank), NCD_OK);
  ck_assert_close(s[0], 6.1108429651036413, TOL, 0);
  ck_assert_close(s[1], 3.2344425922750122, TOL, 0);
  ck_assert_close(s[2], 2.1568035597482824, TOL, 0);
  ck_assert_uint_eq(rank, 3);
  ck_assert_status(ncd_nc_snr(14, 3, 6, HB, 3, YB, NULL, omega), NCD_OK);
  ck_assert_close(omega[0], 14.124689304290877, TOL, 0);
  ck_assert_close(omega[1], 6.2793933190401354, TOL, 0);
  ck_assert_close(omega[2], 5.0757200816909673, TOL, 0);
  ck_assert_status(ncd_nc_numrank(14, 3, 6, HB, 3, YB, rho), NCD_OK);
  for (int c = 0; c < 6; c++) ck_assert_close(rho[c], RHOB[c], TOL, 0);
  ck_assert_status(ncd_nc_cosine_margin(14, 3, 6, HB, 3, YB, WB, 3, NULL, cm), NCD_OK);
  for (int i = 0; i < 14; i++) ck_assert_close(cm[i], CMB[i], TOL, 1e-15);
}
END_TEST

/* float32 twin equals the float64 call on the converted array (4d); int64
 * labels equal int32 labels bit for bit. */
START_TEST(twins) {
  float hf[15 * 4];
  double hd[15 * 4];
  int64_t y64[15];
  for (int i = 0; i < 60; i++) hd[i] = (double)(hf[i] = (float)HA[i]);
  for (int i = 0; i < 15; i++) y64[i] = YA[i];
  double o1[NCD_METRIC_COUNT], o2[NCD_METRIC_COUNT], o3[NCD_METRIC_COUNT], o4[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(15, 4, 3, hd, 4, YA, WA, 4, BA, o1, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_metrics_f32(15, 4, 3, hf, 4, YA, WA, 4, BA, o2, NCD_METRIC_COUNT),
                   NCD_OK);
  ck_assert_status(ncd_nc_metrics_f32_i64(15, 4, 3, hf, 4, y64, WA, 4, BA, o3, NCD_METRIC_COUNT),
                   NCD_OK);
  for (int i = 0; i < NCD_METRIC_COUNT; i++) {
    ck_assert_msg(o1[i] == o2[i], "f32 metric %d: %.17g vs %.17g", i, o2[i], o1[i]);
    ck_assert(o3[i] == o2[i]);
  }
  ck_assert_status(ncd_nc_metrics_i64(15, 4, 3, HA, 4, y64, WA, 4, BA, o4, NCD_METRIC_COUNT),
                   NCD_OK);
  check_out(o4, OUTA, NCD_METRIC_COUNT);
  y64[3] = (int64_t)1 << 33; /* out of range for int32 as well as for k */
  ck_assert_status(ncd_nc_metrics_i64(15, 4, 3, HA, 4, y64, WA, 4, BA, o4, 1), NCD_EINVAL);
  y64[3] = -1;
  ck_assert_status(ncd_nc_metrics_i64(15, 4, 3, HA, 4, y64, WA, 4, BA, o4, 1), NCD_EINVAL);
}
END_TEST

Suite *suite_metrics_vectors(void) {
  Suite *s = suite_create("metrics_vectors");
  TCase *tc = tcase_create("spec section 7");
  tcase_add_test(tc, case_a);
  tcase_add_test(tc, case_b);
  tcase_add_test(tc, twins);
  suite_add_tcase(s, tc);
  return s;
}
