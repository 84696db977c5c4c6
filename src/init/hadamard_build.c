/*
 * hadamard_build.c - builds Hadamard matrices as int8 +-1 entries
 * (spec/init.md 1.2-1.5): Sylvester (I-2), Paley I (I-4) and Paley II (I-5)
 * over GF(q), Kronecker products (I-6), the canonical choice (I-7) and the
 * normalized form (I-1). Integer arithmetic only, so the result is
 * bit-identical everywhere and H H^T = n I holds exactly.
 */
#include "init_internal.h"

/* (I-1): multiply every column j by H[0][j], then every row i by H[i][0]. */
static void normalize(size_t n, int8_t *h, size_t ld) {
  for (size_t i = 1; i < n; i++)
    for (size_t j = 0; j < n; j++) h[i * ld + j] = (int8_t)(h[i * ld + j] * h[j]);
  for (size_t j = 0; j < n; j++) h[j] = 1;
  for (size_t i = 1; i < n; i++) {
    int8_t s = h[i * ld];
    for (size_t j = 0; j < n; j++) h[i * ld + j] = (int8_t)(h[i * ld + j] * s);
  }
}

static void sylvester(size_t n, int8_t *h, size_t ld) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      h[i * ld + j] = (int8_t)((__builtin_popcountll((unsigned long long)(i & j)) & 1) ? -1 : 1);
}

int ncd__paley_i8(uint64_t q, int kind, int8_t *out, size_t ld) {
  uint64_t p;
  unsigned m;
  if (!ncd__prime_power(q, &p, &m) || p == 2) return NCD_EINVAL;
  int8_t *chi = ncd__malloc((size_t)q);
  if (!chi) return NCD_ENOMEM;
  ncd__gf_chi_table(p, m, chi);
  if (kind == 1) { /* I-4, written directly in normalized form */
    size_t n = (size_t)q + 1;
    for (size_t j = 0; j < n; j++) out[j] = 1;
    for (size_t i = 1; i < n; i++) {
      int8_t *r = out + i * ld;
      r[0] = 1;
      for (size_t j = 1; j < n; j++)
        r[j] = (i == j) ? -1 : chi[ncd__gf_sub(j - 1, i - 1, p, m)];
    }
  } else { /* I-5 raw, then (I-1) */
    size_t nc = (size_t)q + 1, n = 2 * nc;
    static const int8_t A[2][2] = {{1, 1}, {1, -1}}, B[2][2] = {{1, -1}, {-1, -1}};
    for (size_t u = 0; u < nc; u++)
      for (size_t v = 0; v < nc; v++) {
        int c;
        if (u == 0 || v == 0) c = (u == v) ? 0 : 1;
        else c = chi[ncd__gf_sub(u - 1, v - 1, p, m)];
        for (int al = 0; al < 2; al++)
          for (int be = 0; be < 2; be++)
            out[(2 * u + (size_t)al) * ld + 2 * v + (size_t)be] =
                (int8_t)(c * A[al][be] + (u == v ? B[al][be] : 0));
      }
    normalize(n, out, ld);
  }
  ncd__free(chi);
  return NCD_OK;
}

int ncd__hadamard_build_i8(size_t n, int8_t *out, size_t ld) {
  size_t c;
  switch (ncd__hadamard_canon(n, &c)) {
  case NCD__HAD_SYLVESTER:
    sylvester(n, out, ld);
    return NCD_OK;
  case NCD__HAD_PALEY1:
    return ncd__paley_i8(n - 1, 1, out, ld);
  case NCD__HAD_PALEY2:
    return ncd__paley_i8(n / 2 - 1, 2, out, ld);
  case NCD__HAD_KRONECKER: {
    size_t na = n / c; /* canon(n/c) (outer) x canon(c) (inner), I-6 */
    int8_t *a = ncd__malloc_array(na, na), *b = ncd__malloc_array(c, c);
    int st = (a && b) ? NCD_OK : NCD_ENOMEM;
    if (st == NCD_OK) st = ncd__hadamard_build_i8(na, a, na);
    if (st == NCD_OK) st = ncd__hadamard_build_i8(c, b, c);
    if (st == NCD_OK) {
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
          out[i * ld + j] = (int8_t)(a[(i / c) * na + j / c] * b[(i % c) * c + j % c]);
      normalize(n, out, ld); /* a no-op for normalized factors */
    }
    ncd__free(a);
    ncd__free(b);
    return st;
  }
  default:
    return NCD_ENOTSUP;
  }
}
