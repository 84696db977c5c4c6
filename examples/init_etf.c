/*
 * init_etf.c - initializers in libncdyn: a Hadamard matrix, the canonical and a
 * seeded simplex ETF (checked: unit rows, inner products -1/(k-1), rows summing
 * to 0), a frame with more classes than dimensions, and the Hadamard start of
 * the cross-entropy UFM run with the reduced singular-value dynamics.
 *   cc init_etf.c $(pkg-config --cflags --libs ncdyn)
 * NCD_EXAMPLE_QUICK=1 uses smaller sizes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <ncdyn.h>

static int fail(const char *what, int st) {
  fprintf(stderr, "%s: %s\n", what, ncd_strerror(st));
  return 1;
}

int main(void) {
  const char *q = getenv("NCD_EXAMPLE_QUICK");
  int quick = q && q[0] == '1';
  size_t k = quick ? 16 : 64, d = k + 8;
  int st;

  /* Hadamard: order 12 (Paley I over GF(11)); 92 is outside the family */
  double h12[12 * 12];
  if ((st = ncd_hadamard(12, h12, 12)) != NCD_OK) return fail("ncd_hadamard", st);
  printf("Hadamard order 12, row 1: ");
  for (int j = 0; j < 12; j++) putchar(h12[12 + j] > 0 ? '+' : '-');
  printf("\nncd_hadamard_supported(92): %s\n", ncd_strerror(ncd_hadamard_supported(92, NULL)));

  /* simplex ETFs: canonical (seed 0) and seeded (portable, same bits everywhere) */
  double *m = malloc(k * d * sizeof *m);
  if (!m) return 1;
  for (uint64_t seed = 0; seed < 2; seed++) {
    if ((st = ncd_simplex_etf(k, d, seed, m, d)) != NCD_OK) return fail("ncd_simplex_etf", st);
    double gerr = 0, serr = 0;
    for (size_t i = 0; i < k; i++)
      for (size_t l = 0; l < k; l++) {
        double s = 0;
        for (size_t j = 0; j < d; j++) s += m[i * d + j] * m[l * d + j];
        double want = i == l ? 1.0 : -1.0 / (double)(k - 1);
        if (fabs(s - want) > gerr) gerr = fabs(s - want);
      }
    for (size_t j = 0; j < d; j++) {
      double s = 0;
      for (size_t i = 0; i < k; i++) s += m[i * d + j];
      if (fabs(s) > serr) serr = fabs(s);
    }
    printf("ETF k=%zu d=%zu seed %d: Gram error %.1e, |sum of rows| %.1e\n", k, d, (int)seed,
           gerr, serr);
  }
  free(m);

  /* 12 unit vectors in R^3 with the largest minimal angle (icosahedron) */
  double f[12 * 3], ach;
  if ((st = ncd_frame_packing(12, 3, 1, NCD_FRAME_SEPARATION, f, 3, &ach)) != NCD_OK)
    return fail("ncd_frame_packing", st);
  printf("frame k=12 d=3: max inner product %.5f (icosahedron 0.44721)\n", ach);

  /* Hadamard start of the CE UFM, then the reduced dynamics */
  size_t kk = 8, nc = 2, n = kk * nc, dd = 8;
  int32_t y[16];
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)((i * 5) % kk);
  double sw[8] = {0, .3, .2, .1, .25, .15, .05, .2}, sh[8] = {0, .1, .25, .4, .2, .3, .1, .05};
  double w[8 * 8], hh[16 * 8], trace[201];
  if ((st = ncd_hadamard_ufm_init(n, dd, kk, y, sw, sh, 7, w, dd, hh, dd)) != NCD_OK)
    return fail("ncd_hadamard_ufm_init", st);
  size_t steps = quick ? 50 : 200;
  if ((st = ncd_hadamard_gd(kk, nc, 1.0, 0, 0, steps, sw, sh, trace)) != NCD_OK)
    return fail("ncd_hadamard_gd", st);
  printf("reduced GD k=8: loss %.6f -> %.6f after %zu steps; modes now", trace[0],
         trace[steps], steps);
  for (size_t j = 1; j < kk; j++) printf(" %.3f", sw[j] * sh[j]);
  printf("\n");
  return 0;
}
