/*
 * test_alloc.c - the one allocation path: alignment, counters, overflow, and
 * the per-thread fault-injection hook (k-th allocation fails).
 */
#include <pthread.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"

START_TEST(aligned_and_counted) {
  ncd__alloc_reset_counters();
  ncd__alloc_counters c0;
  ncd__alloc_get_counters(&c0);
  double *p = ncd__malloc(1000);
  double *q = ncd__calloc(10, 8);
  ck_assert_ptr_nonnull(p);
  ck_assert_ptr_nonnull(q);
  ck_assert_uint_eq((uintptr_t)p % 64, 0);
  ck_assert_uint_eq((uintptr_t)q % 64, 0);
  for (int i = 0; i < 10; i++) ck_assert(q[i] == 0.0);
  memset(p, 0xab, 1000);
  ncd__alloc_counters c;
  ncd__alloc_get_counters(&c);
  ck_assert_uint_eq(c.calls, 2);
  ck_assert_uint_eq(c.largest, 1000);
  ck_assert_uint_eq(c.live_bytes - c0.live_bytes, 1080);
  ncd__free(p);
  ncd__free(q);
  ncd__free(NULL);
  ncd__alloc_get_counters(&c);
  ck_assert_uint_eq(c.live_bytes, c0.live_bytes);
  ck_assert_uint_eq(c.peak_bytes - c0.live_bytes, 1080);
  void *z = ncd__malloc(0);
  ck_assert_ptr_nonnull(z);
  ncd__free(z);
}
END_TEST

START_TEST(overflow_returns_null) {
  ck_assert_ptr_null(ncd__malloc_array(SIZE_MAX / 2, 3));
  ck_assert_ptr_null(ncd__calloc(SIZE_MAX, 2));
  ck_assert_ptr_null(ncd__malloc(SIZE_MAX));
  ck_assert_ptr_null(ncd__malloc(SIZE_MAX - 10));
}
END_TEST

START_TEST(kth_allocation_fails) {
  ncd__alloc_reset_counters();
  ncd__alloc_fail_at(3, 0);
  void *a = ncd__malloc(8), *b = ncd__malloc(8), *c = ncd__malloc(8), *d = ncd__malloc(8);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_null(c);
  ck_assert_ptr_nonnull(d); /* not sticky */
  ncd__free(a); ncd__free(b); ncd__free(d);
  ncd__alloc_fail_at(2, 1);
  a = ncd__malloc(8); b = ncd__malloc(8); c = ncd__malloc(8);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_null(b);
  ck_assert_ptr_null(c); /* sticky */
  ncd__free(a);
  ncd__alloc_counters cnt;
  ncd__alloc_get_counters(&cnt);
  ck_assert_uint_eq(cnt.failures, 3);
  ncd__alloc_fail_at(0, 0);
  a = ncd__malloc(8);
  ck_assert_ptr_nonnull(a);
  ncd__free(a);
}
END_TEST

static void *other_thread(void *arg) {
  /* Injection set on the main thread must not affect this one. */
  void *p = ncd__malloc(16);
  *(int *)arg = p != NULL;
  ncd__free(p);
  return NULL;
}

START_TEST(injection_is_per_thread) {
  ncd__alloc_fail_at(1, 1);
  int ok = 0;
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, other_thread, &ok), 0);
  pthread_join(t, NULL);
  ck_assert_int_eq(ok, 1);
  ck_assert_ptr_null(ncd__malloc(16));
  ncd__alloc_fail_at(0, 0);
}
END_TEST

Suite *suite_core_alloc(void) {
  Suite *s = suite_create("core_alloc");
  TCase *tc = tcase_create("alloc");
  tcase_add_test(tc, aligned_and_counted);
  tcase_add_test(tc, overflow_returns_null);
  tcase_add_test(tc, kth_allocation_fails);
  tcase_add_test(tc, injection_is_per_thread);
  suite_add_tcase(s, tc);
  return s;
}
