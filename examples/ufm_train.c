/*
 * ufm_train.c - train the unconstrained-features model with cross-entropy and
 * weight decay by gradient descent, stop at a gradient-norm tolerance from the
 * callback, and compare with the closed form of the global minimizer
 * (spec/ufm.md U-21): every sample's logit margin tends to
 * x* = ln((1 - (K-1) mu) / mu), mu = sqrt(n lambda_W lambda_H), and
 * f* = -ln(1 - (K-1) mu) + (K-1) mu x*.
 *
 * Build: cc ufm_train.c $(pkg-config --cflags --libs ncdyn) -lm
 * NCD_EXAMPLE_QUICK=1 runs a smaller problem.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <ncdyn.h>

typedef struct progress {
  double tol;
  int every;
} progress;

static int on_step(ncd_ufm *u, const double *w, const double *h, const double *b, void *ctx) {
  const progress *p = ctx;
  double step, f, gnorm;
  (void)w, (void)h, (void)b;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &step);
  ncd_ufm_get_stat(u, NCD_STAT_OBJECTIVE, &f);
  ncd_ufm_get_stat(u, NCD_STAT_GRAD_NORM, &gnorm);
  if ((long)step % p->every == 0) printf("  step %6.0f  f = %.15f  |grad| = %.3e\n", step, f, gnorm);
  return gnorm <= p->tol; /* nonzero: stop */
}

#define CHECK(call)                                                            \
  do {                                                                         \
    int st_ = (call);                                                          \
    if (st_ != NCD_OK) {                                                       \
      fprintf(stderr, "%s: %s\n", #call, ncd_strerror(st_));                   \
      return 1;                                                                \
    }                                                                          \
  } while (0)

int main(void) {
  const int quick = getenv("NCD_EXAMPLE_QUICK") != NULL;
  const size_t k = quick ? 3 : 5, per_class = quick ? 2 : 10, d = quick ? 4 : 8;
  const size_t n = k * per_class;
  const double lw = 5e-3, lh = 5e-3 / (double)per_class, lb = 1e-2;
  int32_t *y = malloc(n * sizeof *y);
  double *w = malloc(k * d * sizeof *w), *h = malloc(n * d * sizeof *h);
  double *b = malloc(k * sizeof *b);
  if (!y || !w || !h || !b) return 1;
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);

  ncd_ufm *u = NULL;
  CHECK(ncd_ufm_create(n, d, k, y, &u));
  CHECK(ncd_ufm_set(u, NCD_UFM_LOSS, NCD_LOSS_CE));
  CHECK(ncd_ufm_set(u, NCD_UFM_LAMBDA_W, lw));
  CHECK(ncd_ufm_set(u, NCD_UFM_LAMBDA_H, lh));
  CHECK(ncd_ufm_set(u, NCD_UFM_LAMBDA_B, lb));
  CHECK(ncd_ufm_set(u, NCD_UFM_LR, 0.5));
  CHECK(ncd_ufm_set(u, NCD_UFM_MOMENTUM, 0.9));
  CHECK(ncd_ufm_init_gaussian(u, 2024, 0.5, 0.5, 0.0, w, d, h, d, b));

  printf("CE UFM: n = %zu, d = %zu, k = %zu\n", n, d, k);
  progress p = {1e-10, quick ? 200 : 1000};
  CHECK(ncd_ufm_train(u, quick ? 2000 : 20000, w, d, h, d, b, on_step, &p));
  double steps, f;
  CHECK(ncd_ufm_get_stat(u, NCD_STAT_STEP, &steps));
  CHECK(ncd_ufm_objective(u, w, d, h, d, b, &f, NULL, 0, NULL, 0, NULL));

  /* closed form U-21 */
  double kd = (double)k, mu = sqrt((double)per_class * lw * lh);
  double xs = log((1 - (kd - 1) * mu) / mu);
  double fs = -log(1 - (kd - 1) * mu) + (kd - 1) * mu * xs;
  /* smallest logit margin over the samples */
  double margin = INFINITY;
  for (size_t i = 0; i < n; i++) {
    double zy = b[y[i]];
    for (size_t c = 0; c < d; c++) zy += h[i * d + c] * w[(size_t)y[i] * d + c];
    for (size_t j = 0; j < k; j++) {
      if (j == (size_t)y[i]) continue;
      double zj = b[j];
      for (size_t c = 0; c < d; c++) zj += h[i * d + c] * w[j * d + c];
      margin = fmin(margin, zy - zj);
    }
  }
  printf("after %.0f steps: f = %.15f (closed form %.15f)\n", steps, f, fs);
  printf("smallest margin %.12f (closed form %.12f)\n", margin, xs);
  ncd_ufm_free(u);
  free(y); free(w); free(h); free(b);
  return 0;
}
