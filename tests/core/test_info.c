/*
 * test_info.c - library information: version string against the macros, and
 * every status code has its own message (api.md "Library information").
 */
#include <stdio.h>
#include <string.h>

#include "common/testutil.h"

START_TEST(version_matches_macros) {
  char want[64];
  snprintf(want, sizeof want, "%d.%d.%d", NCD_VERSION_MAJOR, NCD_VERSION_MINOR,
           NCD_VERSION_PATCH);
  ck_assert_str_eq(ncd_version_string(), want);
  ck_assert_int_eq(NCD_VERSION_NUMBER,
                   NCD_VERSION_MAJOR * 10000 + NCD_VERSION_MINOR * 100 + NCD_VERSION_PATCH);
}
END_TEST

START_TEST(status_values_fixed) {
  ck_assert_int_eq(NCD_OK, 0);
  int codes[] = {NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM, NCD_ESINGULAR,
                 NCD_ENOTSUP, NCD_ENOCONV, NCD_EIO, NCD_EFORMAT};
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) ck_assert_int_gt(codes[i], 0);
}
END_TEST

START_TEST(every_status_has_distinct_message) {
  int codes[] = {NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM, NCD_ESINGULAR,
                 NCD_ENOTSUP, NCD_ENOCONV, NCD_EIO, NCD_EFORMAT};
  size_t n = sizeof codes / sizeof *codes;
  const char *unknown = ncd_strerror(-1);
  ck_assert_ptr_nonnull(unknown);
  ck_assert_ptr_nonnull(ncd_strerror(1000));
  ck_assert_str_eq(unknown, ncd_strerror(1000));
  for (size_t i = 0; i < n; i++) {
    const char *m = ncd_strerror(codes[i]);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_gt((int)strlen(m), 3);
    ck_assert_str_ne(m, unknown);
    for (size_t j = 0; j < i; j++) ck_assert_str_ne(m, ncd_strerror(codes[j]));
  }
}
END_TEST

Suite *suite_core_info(void) {
  Suite *s = suite_create("core_info");
  TCase *tc = tcase_create("info");
  tcase_add_test(tc, version_matches_macros);
  tcase_add_test(tc, status_values_fixed);
  tcase_add_test(tc, every_status_has_distinct_message);
  suite_add_tcase(s, tc);
  return s;
}
