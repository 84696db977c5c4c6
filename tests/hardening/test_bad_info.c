/*
 * test_bad_info.c - library information never fails: ncd_strerror for every
 * int including INT_MIN/INT_MAX returns a non-NULL message; the version string
 * is stable across calls.
 */
#include <limits.h>
#include <string.h>

#include "common/testutil.h"

START_TEST(info_total) {
  int probes[] = {INT_MIN, -1, 0, 1, 8, 9, 100, INT_MAX};
  for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
    const char *m = ncd_strerror(probes[i]);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_gt((int)strlen(m), 0);
  }
  ck_assert_ptr_eq(ncd_version_string(), ncd_version_string());
}
END_TEST

Suite *suite_hardening_bad_info(void) {
  Suite *s = suite_create("hardening_bad_info");
  TCase *tc = tcase_create("bad_info");
  tcase_add_test(tc, info_total);
  suite_add_tcase(s, tc);
  return s;
}
