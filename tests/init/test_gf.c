/*
 * test_gf.c - the finite fields behind the Paley matrices (spec/init.md 1.3):
 * the moduli of every odd q = p^m <= 1000 with m >= 2 (the spec's list,
 * verbatim), the prime-power test, and the quadratic character: (q-1)/2
 * squares, chi(0) = 0, chi(-1) = +1 iff q = 1 mod 4, and the Jacobsthal
 * matrix J[i][j] = chi(e_i - e_j) with rows summing to 0 and J J^T = q I - 11^T
 * (exact integers).
 */
#include <stdlib.h>

#include "common/testutil.h"
#include "init/init_internal.h"

START_TEST(moduli) {
  static const struct { uint64_t q; unsigned m; uint64_t c[7]; } t[] = {
      {9, 2, {1, 0}},          {25, 2, {2, 0}},          {27, 3, {1, 2, 0}},
      {49, 2, {1, 0}},         {81, 4, {2, 1, 0, 0}},    {121, 2, {1, 0}},
      {125, 3, {1, 1, 0}},     {169, 2, {2, 0}},         {243, 5, {1, 2, 0, 0, 0}},
      {289, 2, {3, 0}},        {343, 3, {2, 0, 0}},      {361, 2, {1, 0}},
      {529, 2, {1, 0}},        {625, 4, {2, 0, 0, 0}},   {729, 6, {2, 1, 0, 0, 0, 0}},
      {841, 2, {2, 0}},        {961, 2, {1, 0}}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint64_t p, c[8];
    unsigned m;
    ck_assert(ncd__prime_power(t[i].q, &p, &m));
    ck_assert_uint_eq(m, t[i].m);
    ncd__gf_modulus(p, m, c);
    for (unsigned j = 0; j < m; j++)
      ck_assert_msg(c[j] == t[i].c[j], "q %llu: c_%u = %llu", (unsigned long long)t[i].q, j,
                    (unsigned long long)c[j]);
  }
  uint64_t p;
  unsigned m;
  ck_assert(!ncd__prime_power(1, &p, &m));
  ck_assert(!ncd__prime_power(15, &p, &m));
  ck_assert(!ncd__prime_power(1000, &p, &m));
  ck_assert(ncd__prime_power(997, &p, &m) && p == 997 && m == 1);
  ck_assert(ncd__prime_power(1024, &p, &m) && p == 2 && m == 10);
}
END_TEST

START_TEST(character_and_jacobsthal) {
  static const uint64_t qs[] = {3, 5, 7, 9, 11, 25, 27, 49, 81, 121, 125, 243};
  size_t nq = sizeof qs / sizeof qs[0] - (ncd_test_level() == 0 ? 2 : 0);
  for (size_t a = 0; a < nq; a++) {
    uint64_t q = qs[a], p;
    unsigned m;
    ck_assert(ncd__prime_power(q, &p, &m));
    int8_t *chi = malloc(q);
    ck_assert_status(ncd__gf_chi_table(p, m, chi), NCD_OK);
    size_t plus = 0;
    for (uint64_t e = 1; e < q; e++) plus += chi[e] == 1;
    ck_assert_uint_eq(plus, (q - 1) / 2);
    ck_assert_int_eq(chi[0], 0);
    uint64_t minus1 = ncd__gf_sub(0, 1, p, m);
    ck_assert_int_eq(chi[minus1], q % 4 == 1 ? 1 : -1);
    for (uint64_t i = 0; i < q; i++) {
      long row = 0;
      for (uint64_t j = 0; j < q; j++) row += chi[ncd__gf_sub(i, j, p, m)];
      ck_assert_int_eq(row, 0);
      for (uint64_t l = 0; l < q; l++) {
        long dot = 0;
        for (uint64_t j = 0; j < q; j++)
          dot += chi[ncd__gf_sub(i, j, p, m)] * chi[ncd__gf_sub(l, j, p, m)];
        ck_assert_int_eq(dot, (long)(i == l ? q - 1 : (uint64_t)0) - (i == l ? 0 : 1));
      }
    }
    free(chi);
  }
}
END_TEST

Suite *suite_init_gf(void) {
  Suite *s = suite_create("init_gf");
  TCase *tc = tcase_create("gf");
  tcase_add_test(tc, moduli);
  tcase_add_test(tc, character_and_jacobsthal);
  suite_add_tcase(s, tc);
  return s;
}
