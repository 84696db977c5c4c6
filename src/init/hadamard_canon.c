/*
 * hadamard_canon.c - which Hadamard orders the library reaches and how
 * (spec/init.md 1.5): Paley orders, cores, reachable(n) and the canonical rule
 * (I-7). Integer arithmetic only; nothing is built here.
 */
#include "init_internal.h"

static int is_pow2(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

/* q prime power with q mod 4 == r */
static int pp_mod4(size_t q, unsigned r) {
  uint64_t p;
  unsigned m;
  return q >= 3 && q % 4 == r && ncd__prime_power(q, &p, &m);
}

static int paley1(size_t n) { return n >= 4 && pp_mod4(n - 1, 3); }
static int paley2(size_t n) { return n >= 12 && n % 2 == 0 && pp_mod4(n / 2 - 1, 1); }
static int is_core(size_t n) { return !is_pow2(n) && (paley1(n) || paley2(n)); }

/* Largest core c < n dividing n with reachable(n / c); 0 if none. */
static size_t largest_core(size_t n);

static int reachable(size_t n) {
  if (is_pow2(n) || paley1(n) || paley2(n)) return 1;
  return largest_core(n) != 0;
}

static size_t largest_core(size_t n) {
  /* Divisors c with 12 <= c < n (12 is the smallest core) in decreasing order.
   * n < 2^32 (callers check) has at most 1344 divisors. */
  size_t div[2048], nd = 0;
  for (size_t t = 2; t <= n / t; t++) {
    if (n % t != 0) continue;
    if (t >= 12 && nd < 2048) div[nd++] = t;
    if (n / t != t && n / t >= 12 && nd < 2048) div[nd++] = n / t;
  }
  for (size_t i = 1; i < nd; i++) /* insertion sort, decreasing */
    for (size_t j = i; j > 0 && div[j - 1] < div[j]; j--) {
      size_t x = div[j];
      div[j] = div[j - 1];
      div[j - 1] = x;
    }
  for (size_t i = 0; i < nd; i++)
    if (is_core(div[i]) && reachable(n / div[i])) return div[i];
  return 0;
}

ncd__had_kind ncd__hadamard_canon(size_t n, size_t *core) {
  *core = n;
  if (n == 0) return NCD__HAD_NONE;
  if (is_pow2(n)) return NCD__HAD_SYLVESTER;
  if (n % 4 != 0) return NCD__HAD_NONE;
  if (paley1(n)) return NCD__HAD_PALEY1;
  if (paley2(n)) return NCD__HAD_PALEY2;
  size_t c = largest_core(n);
  if (c == 0) return NCD__HAD_NONE;
  *core = c;
  return NCD__HAD_KRONECKER;
}
