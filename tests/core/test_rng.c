/*
 * test_rng.c - the portable generator against spec/init.md section 5.2 test
 * vectors, bit for bit (SplitMix64, xoshiro256**, normals, portable log).
 */
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"

START_TEST(splitmix64_vector) {
  uint64_t x = 1234567;
  ck_assert_uint_eq(ncd__splitmix64(&x), 6457827717110365317ull);
  ck_assert_uint_eq(ncd__splitmix64(&x), 3203168211198807973ull);
}
END_TEST

START_TEST(xoshiro_vector) {
  ncd__rng r;
  ncd__rng_seed(&r, 1);
  ck_assert_uint_eq(ncd__rng_next(&r), 12966619160104079557ull);
  ck_assert_uint_eq(ncd__rng_next(&r), 9600361134598540522ull);
  ck_assert_uint_eq(ncd__rng_next(&r), 10590380919521690900ull);
}
END_TEST

START_TEST(normals_vector) {
  /* spec/init.md 5.2: bitwise on a conforming build */
  ncd__rng r;
  ncd__rng_seed(&r, 1);
  const double want[4] = {1.884396104787977, 0.18978089448693036, 1.302090250702661,
                          -1.9094343319583578};
  for (int i = 0; i < 4; i++) {
    double g = ncd__rng_normal(&r);
    ck_assert_msg(memcmp(&g, &want[i], sizeof g) == 0, "normal %d: %.17g vs %.17g", i, g,
                  want[i]);
  }
}
END_TEST

START_TEST(portable_log_vector) {
  ck_assert(ncd__portable_log(0.3) == -1.203972804325936);
  ck_assert(ncd__portable_log(1e-300) == -690.7755278982137);
  /* accuracy: within 2.5 ulp of libm's log on (0, 1) */
  ncd_test_rng t;
  ncd_test_seed(&t, 5);
  for (int i = 0; i < 10000; i++) {
    double x = ncd_test_uniform(&t);
    if (x == 0) continue;
    double a = ncd__portable_log(x), b = log(x);
    ck_assert_msg(fabs(a - b) <= 3 * (nextafter(fabs(b), INFINITY) - fabs(b)),
                  "log(%.17g): %.17g vs %.17g", x, a, b);
  }
}
END_TEST

START_TEST(uniform_range_and_moments) {
  ncd__rng r;
  ncd__rng_seed(&r, 99);
  double s = 0, s2 = 0, g = 0, g2 = 0;
  int n = 200000;
  for (int i = 0; i < n; i++) {
    double u = ncd__rng_uniform(&r);
    ck_assert(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    double z = ncd__rng_normal(&r);
    g += z;
    g2 += z * z;
  }
  /* 6-sigma bounds for the sample moments */
  ck_assert(fabs(s / n - 0.5) < 6 * sqrt(1.0 / 12 / n));
  ck_assert(fabs(s2 / n - 1.0 / 3) < 6 * sqrt(4.0 / 45 / n));
  ck_assert(fabs(g / n) < 6 / sqrt(n));
  ck_assert(fabs(g2 / n - 1) < 6 * sqrt(2.0 / n));
}
END_TEST

Suite *suite_core_rng(void) {
  Suite *s = suite_create("core_rng");
  TCase *tc = tcase_create("rng");
  tcase_add_test(tc, splitmix64_vector);
  tcase_add_test(tc, xoshiro_vector);
  tcase_add_test(tc, normals_vector);
  tcase_add_test(tc, portable_log_vector);
  tcase_add_test(tc, uniform_range_and_moments);
  suite_add_tcase(s, tc);
  return s;
}
