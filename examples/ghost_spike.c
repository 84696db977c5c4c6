/*
 * ghost_spike.c - the ghost radius as a step-size guard (spec/ghosts.md 3.1,
 * 3.2 Fig. 6 and Fig. 8) on softmax regression over a synthetic Gaussian
 * mixture, where logit linearization is exact (3.3):
 *   1. one-step loss ratio L(theta + tau v) / L(theta) versus r = tau / rho
 *      for the gradient direction and random directions (rho = the bound
 *      along v over the whole training set, ncd_ghost_radius_bound);
 *   2. a 1000x learning-rate spike at step 50, held: plain GD, gradient
 *      clipping (||g|| <= 0.5) and the rho controller (ncd_ghost_step_scale,
 *      capped mode, r_target = 1).
 * Prints both tables; with a path argument also writes the spike curves as
 * CSV (step,plain,clip,ghost). NCD_EXAMPLE_QUICK=1 shortens the run.
 *   cc ghost_spike.c $(pkg-config --cflags --libs ncdyn) -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ncdyn.h>

enum { N = 300, D = 10, K = 4, P = K * D + K };
#define CLIP 0.5 /* gradient-norm clip: barely binds before the spike, always after */

typedef struct data {
  double x[N][D];
  int y[N];
} data;

static unsigned long long rng_state = 12345;
static double unif(void) { /* SplitMix64 */
  unsigned long long z = (rng_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}
static double normal(void) {
  double u = unif(), v = unif();
  return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static void make_data(data *s) {
  double mu[K][D];
  for (int c = 0; c < K; c++)
    for (int j = 0; j < D; j++) mu[c][j] = 0.5 * normal();
  for (int i = 0; i < N; i++) {
    s->y[i] = i % K;
    for (int j = 0; j < D; j++) s->x[i][j] = mu[s->y[i]][j] + normal();
  }
}

/* theta = (W row-major K x D, b K). logits z (N x K); JVP a along v if a != NULL */
static void logits(const data *s, const double *th, const double *v, double *z, double *a) {
  for (int i = 0; i < N; i++)
    for (int c = 0; c < K; c++) {
      double t = th[K * D + c], u = v ? v[K * D + c] : 0;
      for (int j = 0; j < D; j++) {
        t += th[c * D + j] * s->x[i][j];
        if (v) u += v[c * D + j] * s->x[i][j];
      }
      z[i * K + c] = t;
      if (a) a[i * K + c] = u;
    }
}

/* mean cross-entropy and (if g) its gradient */
static double loss(const data *s, const double *th, double *g) {
  double z[N * K], f = 0;
  logits(s, th, NULL, z, NULL);
  if (g) memset(g, 0, P * sizeof *g);
  for (int i = 0; i < N; i++) {
    double m = z[i * K], e = 0;
    for (int c = 1; c < K; c++) m = z[i * K + c] > m ? z[i * K + c] : m;
    for (int c = 0; c < K; c++) e += exp(z[i * K + c] - m);
    f += m + log(e) - z[i * K + s->y[i]];
    if (g)
      for (int c = 0; c < K; c++) {
        double r = (exp(z[i * K + c] - m) / e - (c == s->y[i])) / N;
        for (int j = 0; j < D; j++) g[c * D + j] += r * s->x[i][j];
        g[K * D + c] += r;
      }
  }
  return f / N;
}

static double norm(const double *v) {
  double s = 0;
  for (int p = 0; p < P; p++) s += v[p] * v[p];
  return sqrt(s);
}

/* rho along the unit direction v: the bound over the whole training set */
static double rho_along(const data *s, const double *th, const double *v) {
  double z[N * K], a[N * K], rho;
  logits(s, th, v, z, a);
  if (ncd_ghost_radius_bound(N, K, a, K, &rho, NULL) != NCD_OK) return NAN;
  return rho;
}

/* policy 0 plain, 1 clip ||g|| <= 1, 2 rho controller; loss per step in out */
static void train(const data *s, int policy, int steps, double lr0, double *out) {
  double th[P] = {0}, g[P];
  for (int t = 0; t < steps; t++) {
    double lr = t >= 50 ? 1000 * lr0 : lr0, f = loss(s, th, g), gn = norm(g), scale = lr;
    out[t] = f;
    if (!isfinite(f)) {
      for (int q = t; q < steps; q++) out[q] = f;
      return;
    }
    if (policy == 1 && gn > CLIP) scale = lr * CLIP / gn;
    if (policy == 2 && gn > 0) {
      double v[P];
      for (int p = 0; p < P; p++) v[p] = -g[p] / gn;
      if (ncd_ghost_step_scale(lr, gn, rho_along(s, th, v), 1.0, 0, &scale) != NCD_OK)
        scale = lr;
    }
    for (int p = 0; p < P; p++) th[p] -= scale * g[p];
  }
}

int main(int argc, char **argv) {
  const char *q = getenv("NCD_EXAMPLE_QUICK");
  int quick = q && strcmp(q, "1") == 0, steps = quick ? 80 : 150;
  static data s;
  make_data(&s);
  /* 1. loss ratio versus r at a partly trained point */
  double th[P] = {0}, g[P];
  for (int t = 0; t < 30; t++) {
    loss(&s, th, g);
    for (int p = 0; p < P; p++) th[p] -= 0.05 * g[p];
  }
  double f0 = loss(&s, th, g), gn = norm(g);
  const double rs[] = {0.1, 0.3, 0.5, 0.9, 2, 5, 10, 30, 100};
  int nr = 9, ndir = quick ? 4 : 10;
  printf("one-step loss ratio L(theta + r rho v) / L(theta), L = %.4f\n", f0);
  printf("%8s %12s %12s\n", "r", "gradient", "random(max)");
  double dirs[11][P];
  for (int p = 0; p < P; p++) dirs[0][p] = -g[p] / gn;
  for (int d = 1; d <= ndir; d++) {
    double nn, dot = 0;
    for (int p = 0; p < P; p++) dirs[d][p] = normal();
    nn = norm(dirs[d]);
    for (int p = 0; p < P; p++) dot += dirs[d][p] * g[p];
    for (int p = 0; p < P; p++) dirs[d][p] /= dot > 0 ? -nn : nn; /* descent sign */
  }
  for (int i = 0; i < nr; i++) {
    double ratio[11];
    for (int d = 0; d <= ndir; d++) {
      double t2[P], rho = rho_along(&s, th, dirs[d]);
      for (int p = 0; p < P; p++) t2[p] = th[p] + rs[i] * rho * dirs[d][p];
      ratio[d] = loss(&s, t2, NULL) / f0;
    }
    double mx = ratio[1];
    for (int d = 2; d <= ndir; d++) mx = ratio[d] > mx ? ratio[d] : mx;
    printf("%8.2f %12.4g %12.4g\n", rs[i], ratio[0], mx);
  }
  /* 2. the spike */
  double *cur = malloc(3 * (size_t)steps * sizeof *cur);
  if (!cur) return 1;
  for (int pol = 0; pol < 3; pol++) train(&s, pol, steps, 0.05, cur + pol * steps);
  printf("\nLR spike x1000 at step 50 (base lr 0.05): mean CE\n");
  printf("%6s %12s %12s %12s\n", "step", "plain", "clip 0.1", "rho ctrl");
  for (int t = 0; t < steps; t += (t < 60 ? 10 : 20))
    printf("%6d %12.5g %12.5g %12.5g\n", t, cur[t], cur[steps + t], cur[2 * steps + t]);
  printf("%6d %12.5g %12.5g %12.5g\n", steps - 1, cur[steps - 1], cur[2 * steps - 1],
         cur[3 * steps - 1]);
  if (argc > 1) {
    FILE *f = fopen(argv[1], "w");
    if (!f) {
      free(cur);
      return 1;
    }
    fprintf(f, "step,plain,clip,ghost\n");
    for (int t = 0; t < steps; t++)
      fprintf(f, "%d,%.17g,%.17g,%.17g\n", t, cur[t], cur[steps + t], cur[2 * steps + t]);
    fclose(f);
    printf("wrote %s\n", argv[1]);
  }
  free(cur);
  return 0;
}
