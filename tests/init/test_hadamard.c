/*
 * test_hadamard.c - ncd_hadamard and friends (spec/init.md section 1, 4, 5.1):
 * H H^T = n I exactly (bit-packed integer check, independent of the builder)
 * with normalized row/column 0 for every supported order up to 1000; the
 * unreachable list of 1.5 verbatim and the partition counts; Sylvester = I-2;
 * the test vectors of 5.1 (rows, checksums S1 and FNV-1a); float32 twin; the
 * non-canonical Paley matrices; bad input.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

/* spec/init.md 1.5, verbatim */
static const int unreachable[55] = {
    92,  116, 156, 172, 184, 188, 232, 236, 260, 268, 292, 324, 356, 372,
    376, 404, 412, 428, 436, 452, 472, 476, 508, 520, 532, 536, 584, 596,
    604, 612, 652, 668, 712, 716, 732, 756, 764, 772, 808, 836, 852, 856,
    872, 876, 892, 904, 932, 940, 944, 952, 956, 964, 980, 988, 996};

static int in_list(int n) {
  for (int i = 0; i < 55; i++)
    if (unreachable[i] == n) return 1;
  return 0;
}

/* Exact check: entries +-1, row/col 0 all +1, rows pairwise orthogonal via
 * packed sign bits (dot = n - 2 popcount(xor)). Returns 1 when all hold. */
static int check_hadamard(size_t n, const double *h, size_t ld) {
  size_t words = (n + 63) / 64;
  uint64_t *bits = calloc(n * words, sizeof *bits);
  int ok = 1;
  for (size_t i = 0; i < n && ok; i++)
    for (size_t j = 0; j < n; j++) {
      double v = h[i * ld + j];
      if (v != 1.0 && v != -1.0) ok = 0;
      if (v == -1.0) bits[i * words + j / 64] |= (uint64_t)1 << (j % 64);
      if ((i == 0 || j == 0) && v != 1.0) ok = 0;
    }
  for (size_t i = 0; i < n && ok; i++)
    for (size_t l = i + 1; l < n && ok; l++) {
      size_t pc = 0;
      for (size_t w = 0; w < words; w++)
        pc += (size_t)__builtin_popcountll(bits[i * words + w] ^ bits[l * words + w]);
      if (2 * pc != n) ok = 0;
    }
  free(bits);
  return ok;
}

START_TEST(every_order_up_to_1000) {
  size_t nmax = ncd_test_level() == 0 ? 200 : 1000;
  double *h = malloc(1000 * 1000 * sizeof *h);
  int counts[5] = {0};
  for (size_t n = 1; n <= 1000; n++) {
    int kind = -1;
    int st = ncd_hadamard_supported(n, &kind);
    int expect_ok = n == 1 || n == 2 || (n % 4 == 0 && !in_list((int)n));
    ck_assert_msg(st == (expect_ok ? NCD_OK : NCD_ENOTSUP), "n = %zu: status %d", n, st);
    ck_assert_int_eq(kind != NCD_HADAMARD_NONE, expect_ok);
    if (n % 4 == 0 && expect_ok) counts[kind]++;
    if (n > nmax && expect_ok) continue;
    st = ncd_hadamard(n, h, n);
    ck_assert_msg(st == (expect_ok ? NCD_OK : NCD_ENOTSUP), "build n = %zu: %d", n, st);
    if (expect_ok) ck_assert_msg(check_hadamard(n, h, n), "H H^T != n I at n = %zu", n);
  }
  /* 1.5: 195 reachable multiples of 4 (Sylvester 8, Paley I 86, Paley II 38,
   * Kronecker 63), 55 not */
  ck_assert_int_eq(counts[NCD_HADAMARD_SYLVESTER], 8);
  ck_assert_int_eq(counts[NCD_HADAMARD_PALEY1], 86);
  ck_assert_int_eq(counts[NCD_HADAMARD_PALEY2], 38);
  ck_assert_int_eq(counts[NCD_HADAMARD_KRONECKER], 63);
  free(h);
}
END_TEST

START_TEST(sylvester_is_walsh) {
  size_t nmax = ncd_test_level() == 0 ? 128 : 1024;
  for (size_t n = 1; n <= nmax; n *= 2) {
    double *h = malloc(n * n * sizeof *h);
    int kind;
    ck_assert_status(ncd_hadamard_supported(n, &kind), NCD_OK);
    ck_assert_int_eq(kind, NCD_HADAMARD_SYLVESTER);
    ck_assert_status(ncd_hadamard(n, h, n), NCD_OK);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++) {
        int par = __builtin_parityll((unsigned long long)(i & j));
        ck_assert(h[i * n + j] == (par ? -1.0 : 1.0));
      }
    free(h);
  }
}
END_TEST

static void signs(const double *h, size_t ld, size_t row, size_t n, char *out) {
  for (size_t j = 0; j < n; j++) out[j] = h[row * ld + j] > 0 ? '+' : '-';
  out[n] = 0;
}

START_TEST(spec_rows_12_and_28) {
  static const char *r12[12] = {"++++++++++++", "+-+-+++---+-", "+--+-+++---+",
                                "++--+-+++---", "+-+--+-+++--", "+--+--+-+++-",
                                "+---+--+-+++", "++---+--+-++", "+++---+--+-+",
                                "++++---+--+-", "+-+++---+--+", "++-+++---+--"};
  static const char *r28[3] = {"+-+----++++-+++-++---+-+--+-",
                               "+--+---+++++--++-+++----+--+",
                               "++-----+++-+++-++-+-+-+--+--"};
  double h[28 * 30];
  char buf[32];
  ck_assert_status(ncd_hadamard(12, h, 13), NCD_OK);
  for (size_t i = 0; i < 12; i++) {
    signs(h, 13, i, 12, buf);
    ck_assert_str_eq(buf, r12[i]);
  }
  ck_assert_status(ncd_hadamard(28, h, 30), NCD_OK); /* GF(27), x^3 + 2x + 1 */
  for (size_t i = 1; i <= 3; i++) {
    signs(h, 30, i, 28, buf);
    ck_assert_str_eq(buf, r28[i - 1]);
  }
}
END_TEST

static void checksums(const double *h, size_t n, long long *s1, uint64_t *f) {
  long long s = 0;
  uint64_t x = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      int v = h[i * n + j] > 0 ? 1 : -1;
      s += (long long)(i + 1) * (long long)(j + 1) * v;
      x ^= (uint64_t)(unsigned char)(v > 0 ? '+' : '-');
      x *= 0x100000001b3ull;
    }
  *s1 = s;
  *f = x;
}

START_TEST(spec_checksums) {
  static const struct { size_t n; int kind; long long s1; uint64_t f; } t[] = {
      {20, NCD_HADAMARD_PALEY1, -2450, 0x54996dbb5546499dull},
      {28, NCD_HADAMARD_PALEY1, -6902, 0xeb85f7b47b56ae5dull},
      {40, NCD_HADAMARD_KRONECKER, -12900, 0xfd5af607d88e3a15ull},
      {52, NCD_HADAMARD_PALEY2, 1276, 0x2faf459941640aedull},
      {56, NCD_HADAMARD_KRONECKER, -35756, 0x44e9974e41e10a75ull},
      {100, NCD_HADAMARD_PALEY2, 215748, 0x07ceaff91cad2c4dull},
      {112, NCD_HADAMARD_KRONECKER, -247128, 0xe75e005e57142585ull},
      {244, NCD_HADAMARD_PALEY1, -4812290, 0xc970da7b606b01adull},
      {340, NCD_HADAMARD_PALEY2, 28238380, 0xd50d6ab6a1df18edull},
      {344, NCD_HADAMARD_PALEY1, -13509740, 0x50d32e805f8f9585ull},
      {688, NCD_HADAMARD_KRONECKER, -67727064, 0x2fbc8df8cfb56445ull},
      {1000, NCD_HADAMARD_KRONECKER, -208082500, 0x6f11aaa53dca0fb5ull}};
  double *h = malloc(1000 * 1000 * sizeof *h);
  size_t nt = ncd_test_level() == 0 ? 7 : sizeof t / sizeof t[0]; /* quick: n <= 112 */
  for (size_t c = 0; c < nt; c++) {
    long long s1;
    uint64_t f;
    int kind;
    ck_assert_status(ncd_hadamard_supported(t[c].n, &kind), NCD_OK);
    ck_assert_int_eq(kind, t[c].kind);
    ck_assert_status(ncd_hadamard(t[c].n, h, t[c].n), NCD_OK);
    checksums(h, t[c].n, &s1, &f);
    ck_assert_msg(s1 == t[c].s1 && f == t[c].f, "n = %zu: S1 %lld F %016llx", t[c].n, s1,
                  (unsigned long long)f);
  }
  /* non-canonical Paley II(9) (order 20) and Paley II(121) (order 244) */
  long long s1;
  uint64_t f;
  ck_assert_status(ncd_hadamard_paley(9, 2, h, 20), NCD_OK);
  checksums(h, 20, &s1, &f);
  ck_assert(s1 == -1172 && f == 0x197291db1027be2dull);
  ck_assert(check_hadamard(20, h, 20));
  if (ncd_test_level() > 0) {
    ck_assert_status(ncd_hadamard_paley(121, 2, h, 244), NCD_OK);
    checksums(h, 244, &s1, &f);
    ck_assert(s1 == 8148988 && f == 0x806dd2c55a55f12dull);
    ck_assert(check_hadamard(244, h, 244));
  }
  /* Paley I for prime powers q = 3 mod 4 (incl. 27, 243, 343), Paley II for q = 1
   * mod 4 (incl. 9, 25, 49, 81, 125, 169): orthogonal and normalized */
  static const unsigned q1[] = {3, 7, 11, 27, 243, 343}, q2[] = {5, 9, 25, 49, 81, 125, 169};
  for (size_t i = 0; i < 6; i++) {
    ck_assert_status(ncd_hadamard_paley(q1[i], 1, h, q1[i] + 1), NCD_OK);
    ck_assert(check_hadamard(q1[i] + 1, h, q1[i] + 1));
  }
  for (size_t i = 0; i < 7; i++) {
    size_t n = 2 * (q2[i] + 1);
    ck_assert_status(ncd_hadamard_paley(q2[i], 2, h, n), NCD_OK);
    ck_assert(check_hadamard(n, h, n));
  }
  free(h);
}
END_TEST

START_TEST(f32_and_ld) {
  size_t n = 52, ld = 55;
  double *h = malloc(n * ld * sizeof *h);
  float *f = malloc(n * ld * sizeof *f);
  for (size_t i = 0; i < n * ld; i++) { h[i] = 7.0; f[i] = 7.0f; }
  ck_assert_status(ncd_hadamard(n, h, ld), NCD_OK);
  ck_assert_status(ncd_hadamard_f32(n, f, ld), NCD_OK);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < ld; j++) {
      if (j < n) ck_assert((double)f[i * ld + j] == h[i * ld + j]);
      else ck_assert(h[i * ld + j] == 7.0 && f[i * ld + j] == 7.0f); /* padding untouched */
    }
  ck_assert(check_hadamard(n, h, ld));
  free(h);
  free(f);
}
END_TEST

START_TEST(bad_input) {
  double h[16] = {0};
  float f[16];
  int kind = 99;
  ck_assert_status(ncd_hadamard(0, h, 4), NCD_EINVAL);
  ck_assert_status(ncd_hadamard(4, NULL, 4), NCD_EINVAL);
  ck_assert_status(ncd_hadamard(4, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard(SIZE_MAX, h, SIZE_MAX), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_f32(4, NULL, 4), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_f32(4, f, 2), NCD_EINVAL);
  ck_assert_status(ncd_hadamard(3, h, 3), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard(6, h, 6), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard_supported(0, &kind), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_supported(SIZE_MAX, NULL), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_supported(92, &kind), NCD_ENOTSUP);
  ck_assert_int_eq(kind, NCD_HADAMARD_NONE);
  ck_assert_status(ncd_hadamard_supported(1002, NULL), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard_supported(4096, NULL), NCD_OK);
  ck_assert_status(ncd_hadamard_paley(9, 1, h, 10), NCD_EINVAL);  /* 9 = 1 mod 4 */
  ck_assert_status(ncd_hadamard_paley(7, 2, h, 16), NCD_EINVAL);  /* 7 = 3 mod 4 */
  ck_assert_status(ncd_hadamard_paley(15, 1, h, 16), NCD_EINVAL); /* not a prime power */
  ck_assert_status(ncd_hadamard_paley(3, 3, h, 4), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_paley(3, 1, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_paley(3, 1, NULL, 4), NCD_EINVAL);
}
END_TEST

Suite *suite_init_hadamard(void) {
  Suite *s = suite_create("init_hadamard");
  TCase *tc = tcase_create("hadamard");
  tcase_add_test(tc, every_order_up_to_1000);
  tcase_add_test(tc, sylvester_is_walsh);
  tcase_add_test(tc, spec_rows_12_and_28);
  tcase_add_test(tc, spec_checksums);
  tcase_add_test(tc, f32_and_ld);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}
