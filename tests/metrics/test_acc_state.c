/*
 * test_acc_state.c - the accumulator's state (spec/metrics.md 4e): the byte
 * vector of 4e verbatim, bit-exact save/load round trips, a saved size
 * independent of n, NCD_EFORMAT on truncation/flipped bytes/garbage with no
 * allocation, rejected batches (bad label, NaN, injected allocation failures)
 * leaving the saved bytes identical, and the two-pass mode never allocating a
 * d x d matrix (core's allocation counter).
 */
#include "common/testutil.h"
#include "metrics/acc_util.h"
#include "metrics/metrics_internal.h"

/* spec 4e: h = [[1,2],[3,4],[5,6]], y = [0,1,1], k = d = 2, flag 1: 172 bytes */
START_TEST(byte_vector) {
  static const unsigned char want[172] = {
      0x4e, 0x43, 0x44, 0x53, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
      0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x40,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0xe4, 0x3c, 0x91, 0x4b};
  double h[6] = {1, 2, 3, 4, 5, 6};
  int32_t y[3] = {0, 1, 1};
  ncd_nc_acc *a;
  ck_assert_status(ncd_nc_acc_create(2, 2, NCD_ACC_SCATTER, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(a, 3, h, 2, y), NCD_OK);
  size_t len;
  unsigned char *b = save(a, &len);
  ck_assert_uint_eq(len, 172);
  for (size_t i = 0; i < 172; i++) ck_assert_msg(b[i] == want[i], "byte %zu: %02x vs %02x", i, b[i], want[i]);
  /* a small cap is NCD_EINVAL with the size needed */
  size_t need = 0;
  ck_assert_status(ncd_nc_acc_save(a, b, 100, &need), NCD_EINVAL);
  ck_assert_uint_eq(need, 172);
  /* CRC-32 check value */
  ck_assert_uint_eq(ncd__crc32(0, (const unsigned char *)"123456789", 9), 0xCBF43926u);
  /* the same state from two batches merged is byte-identical here (exact data) */
  ncd_nc_acc *c;
  ck_assert_status(ncd_nc_acc_create(2, 2, NCD_ACC_SCATTER, &c), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(c, 1, h, 2, y), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(c, 2, h + 2, 2, y + 1), NCD_OK);
  same_bytes(c, want, 172);
  free(b);
  ncd_nc_acc_free(a);
  ncd_nc_acc_free(c);
}
END_TEST

START_TEST(save_load) {
  data t = make(100, 5, 3, 1.0, 2.0, 1.0, 31);
  data t2 = make(1000, 5, 3, 1.0, 2.0, 1.0, 32);
  for (unsigned flags = 0; flags < 4; flags++) {
    ncd_nc_acc *a, *b, *c;
    ck_assert_status(ncd_nc_acc_create(t.d, t.k, flags, &a), NCD_OK);
    ck_assert_status(ncd_nc_acc_create(t.d, t.k, flags, &c), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(c, t.w, t.d, t.b), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(a, t.n, t.h, t.d, t.y), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(c, t2.n, t2.h, t2.d, t2.y), NCD_OK);
    for (int pass = 1; pass <= 2; pass++) {
      size_t len, len2, lenc;
      unsigned char *p = save(a, &len), *pc = save(c, &lenc);
      ck_assert_uint_eq(len, lenc); /* size independent of n (100 vs 1000) */
      ck_assert_status(ncd_nc_acc_load(p, len, &b), NCD_OK);
      unsigned char *p2 = save(b, &len2);
      ck_assert_uint_eq(len2, len);
      ck_assert(memcmp(p, p2, len) == 0); /* bit-exact round trip */
      double o1[NCD_METRIC_COUNT], o2[NCD_METRIC_COUNT];
      ck_assert_status(ncd_nc_acc_metrics(a, o1, NCD_METRIC_COUNT), NCD_OK);
      ck_assert_status(ncd_nc_acc_metrics(b, o2, NCD_METRIC_COUNT), NCD_OK);
      for (int i = 0; i < NCD_METRIC_COUNT; i++) ck_assert(o1[i] == o2[i] || (isnan(o1[i]) && isnan(o2[i])));
      /* malformed input: NCD_EFORMAT and no allocation left behind */
      ncd__alloc_counters c0;
      ncd_nc_acc *bad = NULL;
      ncd__alloc_reset_counters();
      for (size_t l = 0; l < len; l += (l < 80 ? 1 : 7))
        ck_assert_status(ncd_nc_acc_load(p, l, &bad), NCD_EFORMAT);
      size_t step = len / 97 + 1;
      for (size_t i = 0; i < len; i += step) {
        p[i] ^= 0x10;
        ck_assert_status(ncd_nc_acc_load(p, len, &bad), NCD_EFORMAT);
        p[i] ^= 0x10;
      }
      unsigned char *garbage = malloc(len);
      ncd_test_rng r;
      ncd_test_seed(&r, 9);
      for (size_t i = 0; i < len; i++) garbage[i] = (unsigned char)(ncd_test_uniform(&r) * 256);
      ck_assert_status(ncd_nc_acc_load(garbage, len, &bad), NCD_EFORMAT);
      memcpy(garbage, p, 64); /* a valid header over garbage: CRC fails */
      ck_assert_status(ncd_nc_acc_load(garbage, len, &bad), NCD_EFORMAT);
      ncd__alloc_get_counters(&c0);
      ck_assert(bad == NULL);
      ck_assert_uint_eq(c0.calls, 0);
      free(garbage);
      ck_assert_status(ncd_nc_acc_load(NULL, len, &bad), NCD_EINVAL);
      ck_assert_status(ncd_nc_acc_load(p, len, NULL), NCD_EINVAL);
      free(p), free(p2), free(pc);
      ncd_nc_acc_free(b);
      if (pass == 1) {
        ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
        ck_assert_status(ncd_nc_acc_update(a, 40, t.h, t.d, t.y), NCD_OK); /* partial pass 2 */
        ck_assert_status(ncd_nc_acc_begin_pass2(c), NCD_OK);
      }
    }
    ncd_nc_acc_free(a);
    ncd_nc_acc_free(c);
  }
  drop(&t);
  drop(&t2);
}
END_TEST

/* Rejected batches leave the saved bytes identical: bad label, NaN, n = 0,
 * ld too small, NULL, and an allocation failure at every possible point. */
START_TEST(rejected_batches) {
  data t = make(60, 4, 3, 0.0, 2.0, 1.0, 41);
  for (unsigned flags = 0; flags < 4; flags++) {
    ncd_nc_acc *a;
    ck_assert_status(ncd_nc_acc_create(t.d, t.k, flags, &a), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(a, 30, t.h, t.d, t.y), NCD_OK);
    for (int pass = 1; pass <= 2; pass++) {
      size_t len;
      unsigned char *ref = save(a, &len);
      size_t off = pass == 1 ? 0 : 30; /* rows the current pass may still take */
      int32_t y[20];
      memcpy(y, t.y + off, sizeof y);
      y[7] = 3;
      ck_assert_status(ncd_nc_acc_update(a, 20, t.h + off * t.d, t.d, y), NCD_EINVAL);
      y[7] = -1;
      ck_assert_status(ncd_nc_acc_update(a, 20, t.h + off * t.d, t.d, y), NCD_EINVAL);
      int64_t y64[20];
      for (int i = 0; i < 20; i++) y64[i] = t.y[off + i];
      y64[19] = 3;
      ck_assert_status(ncd_nc_acc_update_i64(a, 20, t.h + off * t.d, t.d, y64), NCD_EINVAL);
      double *hh = t.h + off * t.d, keep = hh[13];
      hh[13] = NAN;
      ck_assert_status(ncd_nc_acc_update(a, 20, hh, t.d, t.y + off), NCD_ENONFINITE);
      hh[13] = INFINITY;
      ck_assert_status(ncd_nc_acc_update(a, 20, hh, t.d, t.y + off), NCD_ENONFINITE);
      hh[13] = keep;
      float hf[20 * 4];
      for (int i = 0; i < 80; i++) hf[i] = (float)hh[i];
      hf[50] = NAN;
      ck_assert_status(ncd_nc_acc_update_f32(a, 20, hf, t.d, t.y + off), NCD_ENONFINITE);
      ck_assert_status(ncd_nc_acc_update(a, 0, t.h, t.d, t.y), NCD_EINVAL);
      ck_assert_status(ncd_nc_acc_update(a, 20, t.h, t.d - 1, t.y), NCD_EINVAL);
      ck_assert_status(ncd_nc_acc_update(a, 20, NULL, t.d, t.y), NCD_EINVAL);
      ck_assert_status(ncd_nc_acc_update(a, 20, t.h, t.d, NULL), NCD_EINVAL);
      ck_assert_status(ncd_nc_acc_update(NULL, 20, t.h, t.d, t.y), NCD_EINVAL);
      ck_assert_status(ncd_nc_acc_update(a, SIZE_MAX, t.h, t.d, t.y), NCD_EINVAL);
      same_bytes(a, ref, len);
      /* allocation failure at the j-th allocation of an update: unchanged */
      int failed = 1;
      for (uint64_t j = 1; failed && j < 64; j++) {
        ncd__alloc_fail_at(j, 0);
        int st = ncd_nc_acc_update(a, 20, t.h + 30 * t.d, t.d, t.y + 30);
        ncd__alloc_fail_at(0, 0);
        if (st == NCD_OK) failed = 0;
        else {
          ck_assert_status(st, NCD_ENOMEM);
          same_bytes(a, ref, len);
        }
      }
      ck_assert(!failed);
      free(ref);
      if (pass == 1) {
        /* bring pass 1 to 60 rows: 30 + 20 above, then 10 more */
        ck_assert_status(ncd_nc_acc_update(a, 10, t.h + 50 * t.d, t.d, t.y + 50), NCD_OK);
        ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
        ck_assert_status(ncd_nc_acc_update(a, 30, t.h, t.d, t.y), NCD_OK);
      }
    }
    ncd_nc_acc_free(a);
  }
  drop(&t);
}
END_TEST

/* Two-pass mode never allocates a d x d matrix (d = 256: d*d*8 = 512 KiB;
 * d = 64: 32 KiB). */
static void no_dxd(size_t d, size_t k);
START_TEST(no_dxd_allocation) {
  no_dxd(256, 4);
  no_dxd(64, 10);
}
END_TEST

static void no_dxd(size_t d, size_t k) {
  data t = make(600, d, k, 5.0, 1.0, 1.0, 51);
  double want[NCD_METRIC_COUNT], got[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, t.b, want, NCD_NC1_TRACE_RATIO), NCD_OK);
  ncd__alloc_counters c;
  ncd__alloc_reset_counters();
  ncd_nc_acc *a;
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, 0, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
  for (size_t i = 0; i < t.n; i += 100) ck_assert_status(ncd_nc_acc_update(a, 100, t.h + i * t.d, t.d, t.y + i), NCD_OK);
  ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
  for (size_t i = 0; i < t.n; i += 150) ck_assert_status(ncd_nc_acc_update(a, 150, t.h + i * t.d, t.d, t.y + i), NCD_OK);
  ck_assert_status(ncd_nc_acc_metrics(a, got, NCD_METRIC_COUNT), NCD_OK);
  ncd__alloc_get_counters(&c);
  ck_assert_msg(c.largest < t.d * t.d * sizeof(double), "largest allocation %zu bytes", c.largest);
  close_all(got, want, NCD_NC1_TRACE_RATIO, "two-pass");
  ncd_nc_acc_free(a);
  /* the one-shot route below NCD_NC1_TRACE_RATIO neither */
  ncd__alloc_reset_counters();
  ck_assert_status(ncd_nc_metrics(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, t.b, got, NCD_NC1_TRACE_RATIO), NCD_OK);
  ncd__alloc_get_counters(&c);
  ck_assert_msg(c.largest < t.d * t.d * sizeof(double), "one-shot largest %zu", c.largest);
  drop(&t);
}


Suite *suite_metrics_acc_state(void) {
  Suite *s = suite_create("metrics_acc_state");
  TCase *tc = tcase_create("state");
  tcase_add_test(tc, byte_vector);
  tcase_add_test(tc, save_load);
  tcase_add_test(tc, rejected_batches);
  tcase_add_test(tc, no_dxd_allocation);
  suite_add_tcase(s, tc);
  return s;
}
