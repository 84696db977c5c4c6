/*
 * ufm_ghost.c - UFM training with the ghost-radius step controller (Sao,
 * "Ghosts of Softmax"; spec/ghosts.md 3.1) against a learning-rate spike:
 * cross-entropy UFM, K = 10, d = 32, 20 samples per class, lr 1; at step 50
 * the callback multiplies the learning rate by 1000 for that one step. Plain
 * GD (NCD_STEP_FIXED) and gradient clipping suffer; the capped controller
 * (NCD_STEP_GHOST, lr_eff = min(lr, rho / ||u||)) survives. The NC metrics of
 * each final iterate come from ncd_nc_metrics.
 *   cc ufm_ghost.c $(pkg-config --cflags --libs ncdyn)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <ncdyn.h>

#define K 10
#define D 32
#define NPC 20
#define N (K * NPC)

typedef struct {
  double lr, f_before_spike, max_r;
} run_ctx;

static int on_step(ncd_ufm *u, const double *w, const double *h, const double *b, void *p) {
  run_ctx *c = p;
  double step, f, r;
  (void)w; (void)h; (void)b;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &step);
  ncd_ufm_get_stat(u, NCD_STAT_OBJECTIVE, &f);
  ncd_ufm_get_stat(u, NCD_STAT_R, &r);
  if (!isnan(r) && r > c->max_r) c->max_r = r;
  if (step == 49) { /* the next step is the spike */
    c->f_before_spike = f; /* objective before step 49 */
    ncd_ufm_set(u, NCD_UFM_LR, 1000 * c->lr);
  } else if (step == 50) {
    ncd_ufm_set(u, NCD_UFM_LR, c->lr);
  }
  return 0;
}

int main(void) {
  int quick = getenv("NCD_EXAMPLE_QUICK") != NULL;
  size_t steps = quick ? 150 : 400;
  int32_t y[N];
  for (int i = 0; i < N; i++) y[i] = i % K;
  const char *names[3] = {"fixed", "clip", "ghost"};
  int policies[3] = {NCD_STEP_FIXED, NCD_STEP_CLIP, NCD_STEP_GHOST};
  printf("LR spike x1000 at step 50, CE UFM K=%d d=%d n=%d, lambda_W = lambda_H = 5e-4, "
         "%zu steps\n", K, D, N, steps);
  printf("%-6s %-10s %-12s %-12s %-10s %-9s %s\n", "policy", "status", "f before",
         "final f", "NC1", "accuracy", "max r");
  int ghost_ok = 0;
  for (int p = 0; p < 3; p++) {
    ncd_ufm *u = NULL;
    double w[K * D], h[N * D], b[K], f = NAN;
    if (ncd_ufm_create(N, D, K, y, &u) != NCD_OK) return 1;
    ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 5e-4);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_H, 5e-4);
    ncd_ufm_set(u, NCD_UFM_LR, 1.0);
    ncd_ufm_set(u, NCD_UFM_CLIP, 1.0);
    ncd_ufm_set(u, NCD_UFM_STEP_POLICY, policies[p]);
    ncd_ufm_init_gaussian(u, 42, 0.1, 1.0, 0.0, w, D, h, D, b);
    run_ctx c = {1.0, NAN, 0};
    int st = ncd_ufm_train(u, steps, w, D, h, D, b, on_step, &c);
    ncd_ufm_objective(u, w, D, h, D, b, &f, NULL, 0, NULL, 0, NULL);
    double out[NCD_METRIC_COUNT];
    int ms = ncd_nc_metrics(N, D, K, h, D, y, w, D, b, out, NCD_METRIC_COUNT);
    printf("%-6s %-10s %-12.6g %-12.6g %-10.3g %-9.3g %.3g\n", names[p],
           st == NCD_OK ? "ok" : "non-finite", c.f_before_spike, f,
           ms == NCD_OK ? out[NCD_NC1] : NAN, ms == NCD_OK ? out[NCD_ACCURACY] : NAN, c.max_r);
    if (p == 2) ghost_ok = st == NCD_OK && isfinite(f) && f < c.f_before_spike;
    ncd_ufm_free(u);
  }
  printf("ghost controller %s the spike (final objective below the one before it)\n",
         ghost_ok ? "survived" : "did NOT survive");
  return ghost_ok ? 0 : 1;
}
