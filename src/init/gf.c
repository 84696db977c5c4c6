/*
 * gf.c - prime-power test and GF(q) arithmetic, q = p^m, for the Paley
 * constructions (spec/init.md 1.3): the coding of elements as base-p digit
 * strings (I-3), the modulus = the monic irreducible polynomial of degree m
 * with the smallest N(f), and the quadratic character table. Integer arithmetic
 * only.
 */
#include <string.h>

#include "init_internal.h"

#define GF_MAXM 64

int ncd__prime_power(uint64_t q, uint64_t *p, unsigned *m) {
  if (q < 2) return 0;
  uint64_t f = 0;
  for (uint64_t t = 2; t <= q / t; t++)
    if (q % t == 0) {
      f = t;
      break;
    }
  if (f == 0) f = q; /* q prime */
  unsigned e = 0;
  while (q % f == 0) {
    q /= f;
    e++;
  }
  if (q != 1) return 0;
  *p = f;
  *m = e;
  return 1;
}

static void to_digits(uint64_t e, uint64_t p, unsigned m, uint64_t *dg) {
  for (unsigned i = 0; i < m; i++) {
    dg[i] = e % p;
    e /= p;
  }
}

static uint64_t from_digits(const uint64_t *dg, uint64_t p, unsigned m) {
  uint64_t e = 0;
  for (unsigned i = m; i-- > 0;) e = e * p + dg[i];
  return e;
}

uint64_t ncd__gf_sub(uint64_t a, uint64_t b, uint64_t p, unsigned m) {
  if (m == 1) return (a + p - b) % p;
  uint64_t e = 0, w = 1;
  for (unsigned i = 0; i < m; i++) {
    uint64_t da = a % p, db = b % p;
    e += ((da + p - db) % p) * w;
    a /= p;
    b /= p;
    w *= p;
  }
  return e;
}

/* Remainder of the monic polynomial f (degree df, coefficients f[0..df]) by the
 * monic g (degree dg): 1 if g divides f. */
static int divides(const uint64_t *f, unsigned df, const uint64_t *g, unsigned dg,
                   uint64_t p) {
  uint64_t r[GF_MAXM + 1];
  memcpy(r, f, (df + 1) * sizeof *r);
  for (unsigned t = df + 1; t-- > dg;) {
    uint64_t lead = r[t];
    if (lead == 0) continue;
    for (unsigned i = 0; i <= dg; i++) {
      unsigned k = t - dg + i;
      r[k] = (r[k] + (p - lead) * g[i]) % p; /* lead, g[i] < p */
    }
  }
  for (unsigned i = 0; i < dg; i++)
    if (r[i] != 0) return 0;
  return 1;
}

static int irreducible(const uint64_t *f, unsigned m, uint64_t p) {
  uint64_t g[GF_MAXM + 1];
  for (unsigned e = 1; e <= m / 2; e++) {
    uint64_t count = 1;
    for (unsigned i = 0; i < e; i++) count *= p;
    for (uint64_t code = 0; code < count; code++) {
      to_digits(code, p, e, g);
      g[e] = 1;
      if (divides(f, m, g, e, p)) return 0;
    }
  }
  return 1;
}

void ncd__gf_modulus(uint64_t p, unsigned m, uint64_t *c) {
  uint64_t f[GF_MAXM + 1];
  uint64_t count = 1;
  for (unsigned i = 0; i < m; i++) count *= p;
  for (uint64_t code = 0; code < count; code++) {
    to_digits(code, p, m, f);
    f[m] = 1;
    if (m == 1 || irreducible(f, m, p)) {
      memcpy(c, f, m * sizeof *c);
      return;
    }
  }
  memset(c, 0, m * sizeof *c); /* unreachable: irreducibles of every degree exist */
}

/* Square of the element with digits a, reduced modulo x^m + sum c_i x^i. */
static uint64_t gf_square(const uint64_t *a, const uint64_t *c, uint64_t p,
                          unsigned m) {
  uint64_t prod[2 * GF_MAXM];
  /* callers have 2 <= m <= GF_MAXM; the guard also tells the compiler so
   * (gcc's -Wstringop-overflow under -fsanitize=thread -O1 assumed m = 0) */
  if (m < 1 || m > GF_MAXM) return 0;
  memset(prod, 0, (2 * m - 1) * sizeof *prod);
  for (unsigned i = 0; i < m; i++)
    for (unsigned j = 0; j < m; j++) prod[i + j] = (prod[i + j] + a[i] * a[j] % p) % p;
  /* x^m = -sum c_i x^i: reduce from the top degree down */
  for (unsigned t = 2 * m - 1; t-- > m;) {
    uint64_t lead = prod[t];
    if (lead == 0) continue;
    prod[t] = 0;
    for (unsigned i = 0; i < m; i++) {
      unsigned k = t - m + i;
      prod[k] = (prod[k] + (p - lead) * c[i] % p) % p;
    }
  }
  return from_digits(prod, p, m);
}

int ncd__gf_chi_table(uint64_t p, unsigned m, int8_t *chi) {
  uint64_t q = 1;
  for (unsigned i = 0; i < m; i++) q *= p;
  for (uint64_t e = 0; e < q; e++) chi[e] = -1;
  chi[0] = 0;
  if (m == 1) {
    for (uint64_t y = 1; y <= (p - 1) / 2; y++) chi[(y * y) % p] = 1;
    return NCD_OK;
  }
  uint64_t c[GF_MAXM], dg[GF_MAXM];
  ncd__gf_modulus(p, m, c);
  for (uint64_t y = 1; y < q; y++) {
    to_digits(y, p, m, dg);
    chi[gf_square(dg, c, p, m)] = 1;
  }
  return NCD_OK;
}
