/*
 * cpath_predict.c - the central path of Han, Papyan & Donoho with libncdyn:
 * fit the least-squares classifier of some features, split the MSE loss of a
 * classifier into L_NC1 + L_NC2/3 + L_LS_perp, measure the SNR spectrum, and
 * predict how the spectrum and the loss evolve along the renormalized flow
 * (both closed-form laws), as one would overlay theory on a training run.
 *   cc cpath_predict.c $(pkg-config --cflags --libs ncdyn) -lm
 * NCD_EXAMPLE_QUICK=1 uses a smaller problem.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ncdyn.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;
static double uniform(void) { /* xorshift64*, [0, 1) */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}
static double normal(void) {
  double u = uniform() + 1e-300, v = uniform();
  return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

#define CHECK(call)                                                              \
  do {                                                                           \
    int st_ = (call);                                                            \
    if (st_ != NCD_OK) {                                                         \
      fprintf(stderr, "%s: %s\n", #call, ncd_strerror(st_));                     \
      return 1;                                                                  \
    }                                                                            \
  } while (0)

int main(void) {
  const char *quick = getenv("NCD_EXAMPLE_QUICK");
  size_t k = 4, per = (quick && quick[0] == '1') ? 50 : 500, d = 16, n = k * per;
  double *h = malloc(n * d * sizeof *h), *w = malloc(k * d * sizeof *w), b[4];
  int32_t *y = malloc(n * sizeof *y);
  double mu[4][16];
  if (!h || !w || !y) return 1;
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mu[c][j] = 0.6 * normal();
  for (size_t i = 0; i < n; i++) { /* balanced classes, features with a large mean */
    y[i] = (int32_t)(i % k);
    for (size_t j = 0; j < d; j++) h[i * d + j] = 100.0 + mu[y[i]][j] + normal();
  }

  /* 1. least-squares classifier and the MSE decomposition (lambda = 0) */
  CHECK(ncd_ls_classifier(n, d, k, h, d, y, 0.0, w, d, b));
  double out[4];
  CHECK(ncd_mse_decompose(n, d, k, h, d, y, w, d, b, 0.0, out));
  printf("at the LS classifier:  L = %.6f = NC1 %.6f + NC2/3 %.6f + perp %.2e\n", out[0],
         out[1], out[2], out[3]);
  for (size_t i = 0; i < k * d; i++) w[i] *= 0.5; /* some other classifier */
  CHECK(ncd_mse_decompose(n, d, k, h, d, y, w, d, NULL, 0.0, out));
  printf("at 0.5 w_LS, b = 0:    L = %.6f = NC1 %.6f + NC2/3 %.6f + perp %.6f\n", out[0],
         out[1], out[2], out[3]);

  /* 2. SNR spectrum: k-1 nonzero singular values of Mbar Sigma_W^{-1/2} */
  double om[4], sp[4];
  CHECK(ncd_cpath_snr(n, d, k, h, d, y, om, NULL, 0, NULL, 0));
  CHECK(ncd_cpath_spectral(k, k - 1, om, sp));
  printf("SNR omega = %.4f %.4f %.4f (last: %.1e)\n", om[0], om[1], om[2], om[3]);
  printf("spectral L_LS = %.6f (equals L above, Lemma 1), sum omega^-2 = %.4f\n", sp[0], sp[3]);

  /* 3. predictions along the renormalized flow, both laws */
  double ts[6] = {0, 1e2, 1e4, 1e6, 1e8, 1e10}, traj[6 * 3], spec[6 * 4];
  ncd_cpath_law laws[2] = {NCD_CPATH_ORTHOGONAL, NCD_CPATH_RENORMALIZED};
  const char *names[2] = {"orthogonal projection (Prop. 2)", "GD step, then renormalize"};
  for (int l = 0; l < 2; l++) {
    CHECK(ncd_cpath_trajectory(k, per, laws[l], k - 1, om, 6, ts, traj, 3, spec));
    printf("\n%s:\n        t   omega_max   omega_min   max/min        L_LS   sum w^-2\n",
           names[l]);
    for (int i = 0; i < 6; i++)
      printf("%9.0e %11.4f %11.4f %9.6f %11.3e %10.3e\n", ts[i], traj[i * 3],
             traj[i * 3 + 2], traj[i * 3] / traj[i * 3 + 2], spec[i * 4], spec[i * 4 + 3]);
  }
  /* 4. when does the smallest singular value reach 10 (orthogonal law)? */
  double t10;
  CHECK(ncd_cpath_time(k, per, om[2], 10.0, NCD_CPATH_ORTHOGONAL, &t10));
  printf("\nomega_min reaches 10 at t = %.4g\n", t10);
  free(h);
  free(w);
  free(y);
  return 0;
}
