/*
 * test_validate.c - the shared argument checks: sizes, leading dimensions,
 * overflowing spans, labels, scalars, non-finite scans, float32 blocks.
 */
#include "common/testutil.h"
#include "core/core_internal.h"

START_TEST(matrix_checks) {
  double x[12] = {0};
  ck_assert_status(ncd__check_matrix(x, 3, 4, 4, 8), NCD_OK);
  ck_assert_status(ncd__check_matrix(x, 2, 4, 6, 8), NCD_OK);
  ck_assert_status(ncd__check_matrix(NULL, 3, 4, 4, 8), NCD_EINVAL);
  ck_assert_status(ncd__check_matrix(x, 0, 4, 4, 8), NCD_EINVAL);
  ck_assert_status(ncd__check_matrix(x, 3, 0, 4, 8), NCD_EINVAL);
  ck_assert_status(ncd__check_matrix(x, 3, 4, 3, 8), NCD_EINVAL); /* ld one too small */
  ck_assert_status(ncd__check_matrix(x, SIZE_MAX, 4, 4, 8), NCD_EINVAL);
  ck_assert_status(ncd__check_matrix(x, 3, SIZE_MAX, SIZE_MAX, 8), NCD_EINVAL);
  ck_assert_status(ncd__check_matrix(x, (SIZE_MAX >> 4) + 1, 1, 1, 8), NCD_EINVAL);
  ck_assert_status(ncd__check_matrix(x, 1 << 20, 1 << 20, 1 << 20, 8), NCD_OK);
  ck_assert_status(ncd__check_matrix_opt(NULL, 0, 0, 0, 8), NCD_OK);
  ck_assert_status(ncd__check_matrix_opt(x, 3, 4, 2, 8), NCD_EINVAL);
  size_t p;
  ck_assert_int_eq(ncd__mul_overflows(SIZE_MAX, 2, &p), 1);
  ck_assert_int_eq(ncd__mul_overflows(0, SIZE_MAX, &p), 0);
  ck_assert_uint_eq(p, 0);
}
END_TEST

START_TEST(label_checks) {
  int32_t y[4] = {0, 1, 2, 1};
  ck_assert_status(ncd__check_labels(y, 4, 3), NCD_OK);
  ck_assert_status(ncd__check_labels(y, 4, 2), NCD_EINVAL);
  y[1] = -1;
  ck_assert_status(ncd__check_labels(y, 4, 3), NCD_EINVAL);
  ck_assert_status(ncd__check_labels(NULL, 4, 3), NCD_EINVAL);
  ck_assert_status(ncd__check_labels(y, 0, 3), NCD_EINVAL);
  int64_t z[3] = {0, 2, (int64_t)1 << 40};
  ck_assert_status(ncd__check_labels_i64(z, 2, 3), NCD_OK);
  ck_assert_status(ncd__check_labels_i64(z, 3, 3), NCD_EINVAL);
  z[0] = -1;
  ck_assert_status(ncd__check_labels_i64(z, 2, 3), NCD_EINVAL);
}
END_TEST

START_TEST(scalar_checks) {
  ck_assert_status(ncd__check_scalar_positive(1e-300), NCD_OK);
  ck_assert_status(ncd__check_scalar_positive(0.0), NCD_EINVAL);
  ck_assert_status(ncd__check_scalar_positive(NAN), NCD_EINVAL);
  ck_assert_status(ncd__check_scalar_positive(INFINITY), NCD_EINVAL);
  ck_assert_status(ncd__check_scalar_nonnegative(0.0), NCD_OK);
  ck_assert_status(ncd__check_scalar_nonnegative(-0.0), NCD_OK);
  ck_assert_status(ncd__check_scalar_nonnegative(-1e-300), NCD_EINVAL);
  ck_assert_status(ncd__check_scalar_finite(-INFINITY), NCD_EINVAL);
  ck_assert_status(ncd__check_scalar_finite(-1e308), NCD_OK);
}
END_TEST

START_TEST(finite_scans) {
  double x[3 * 5];
  for (int i = 0; i < 15; i++) x[i] = 1e308 * (i % 2 ? 1 : -1);
  ck_assert_status(ncd__scan_finite(x, 3, 4, 5), NCD_OK);
  x[4] = NAN; /* outside the 4 used columns of row 0 */
  ck_assert_status(ncd__scan_finite(x, 3, 4, 5), NCD_OK);
  double vals[] = {NAN, INFINITY, -INFINITY};
  for (int v = 0; v < 3; v++) {
    x[4] = 0;
    x[12] = vals[v];
    ck_assert_status(ncd__scan_finite(x, 3, 4, 5), NCD_ENONFINITE);
    x[12] = 0;
  }
  float f[6] = {1, 2, 3, 4, 5, 6};
  ck_assert_status(ncd__scan_finite_f32(f, 2, 3, 3), NCD_OK);
  f[5] = INFINITY;
  ck_assert_status(ncd__scan_finite_f32(f, 2, 3, 3), NCD_ENONFINITE);
  ck_assert_status(ncd__scan_finite_f32(f, 2, 2, 3), NCD_OK);
}
END_TEST

START_TEST(f32_blocks) {
  float f[2 * 4] = {1.5f, -2.25f, 3e38f, 0, 7, 8, 9, 10};
  double d[2 * 5];
  ck_assert_status(ncd__f32_block_to_f64(f, 4, 2, 3, d, 5), NCD_OK);
  ck_assert(d[0] == 1.5 && d[1] == -2.25 && d[2] == (double)3e38f);
  ck_assert(d[5] == 7 && d[6] == 8 && d[7] == 9);
  f[6] = NAN;
  ck_assert_status(ncd__f32_block_to_f64(f, 4, 2, 3, d, 5), NCD_ENONFINITE);
  ck_assert_uint_eq(ncd__block_rows(512, 1 << 20), 256);
  ck_assert_uint_eq(ncd__block_rows(1 << 20, 8), 1);
}
END_TEST

Suite *suite_core_validate(void) {
  Suite *s = suite_create("core_validate");
  TCase *tc = tcase_create("validate");
  tcase_add_test(tc, matrix_checks);
  tcase_add_test(tc, label_checks);
  tcase_add_test(tc, scalar_checks);
  tcase_add_test(tc, finite_scans);
  tcase_add_test(tc, f32_blocks);
  suite_add_tcase(s, tc);
  return s;
}
