/*
 * train.c - the UFM gradient-descent driver (spec/ufm.md section 7, U-27;
 * api.md ncd_ufm_train): simultaneous heavy-ball steps v <- beta v + g,
 * theta <- theta - lr_eff v from zero velocity at each call, with the step
 * policies fixed, clip (g scaled to norm <= NCD_UFM_CLIP before the momentum
 * buffer) and the ghost-radius controller of spec/ghosts.md 3.1 (capped
 * lr_eff = min(lr, r_target rho / ||u||), set lr_eff = r_target rho / ||u||,
 * rho from ncd_ghost_radius_bound on the JVP U-7 of the proposal u = v).
 */
#include <math.h>

#include "ufm_internal.h"

/* The iterate and a same-shaped vector (gradient or velocity) in one buffer:
 * W (k x d), then H (n x d), then b (k), each with ld = d (b: k). */
typedef struct blocks {
  double *w, *h, *b;
} blocks;

static blocks split(const ncd_ufm *u, double *base) {
  blocks x = {base, base + u->k * u->d, base + (u->k + u->n) * u->d};
  return x;
}

static double sumsq(const double *x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

/* Is x - lr * v finite for every entry (rows x cols, ldx; v contiguous)? */
static int step_finite(const double *x, size_t ldx, size_t rows, size_t cols,
                       const double *v, double lr) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++)
      if (!isfinite(x[i * ldx + j] - lr * v[i * cols + j])) return 0;
  return 1;
}

static void apply(double *x, size_t ldx, size_t rows, size_t cols, const double *v,
                  double lr) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) x[i * ldx + j] -= lr * v[i * cols + j];
}

static int is_ghost(double policy) {
  return policy == NCD_STEP_GHOST || policy == NCD_STEP_GHOST_SET;
}

/* The learning rate the ghost policy applies to the proposal v (norm vnorm);
 * writes the statistics RHO and R. */
static int ghost_lr(ncd_ufm *u, const double *w, size_t ldw, const double *h, size_t ldh,
                    blocks v, double vnorm, double *a, double lr, double *lr_eff) {
  double policy = u->param[NCD_UFM_STEP_POLICY], rt = u->param[NCD_UFM_R_TARGET];
  *lr_eff = lr;
  if (!(vnorm >= 1e-12)) return NCD_OK; /* ghosts.md 3.1: plain step */
  ncd__ufm_jvp(u, w, ldw, h, ldh, v.w, u->d, v.h, u->d, v.b, a, u->k);
  double rho_v; /* radius along v in units of its own length */
  NCD_TRY(ncd_ghost_radius_bound(u->n, u->k, a, u->k, &rho_v, NULL));
  double rho = rho_v * vnorm; /* along the unit direction */
  if (rho > 0.0 && isfinite(vnorm)) /* the controller arithmetic of the ghost layer */
    NCD_TRY(ncd_ghost_step_scale(lr, vnorm, rho, rt, policy == NCD_STEP_GHOST_SET, lr_eff));
  else if (policy == NCD_STEP_GHOST) /* spread overflowed: radius 0, no safe step */
    *lr_eff = 0.0;
  u->stat[NCD_STAT_RHO] = rho;
  u->stat[NCD_STAT_R] = *lr_eff * vnorm / rho;
  return NCD_OK;
}

NCD_API int ncd_ufm_train(ncd_ufm *u, size_t steps, double *w, size_t ldw, double *h,
                          size_t ldh, double *b, ncd_ufm_callback cb, void *ctx) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_matrix(w, u->k, u->d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_matrix(h, u->n, u->d, ldh, sizeof(double)));
  if (ncd__ufm_bias(u)) NCD_TRY(ncd__check_ptr(b));
  if (is_ghost(u->param[NCD_UFM_STEP_POLICY]) &&
      (u->param[NCD_UFM_LOSS] != NCD_LOSS_CE || u->k < 2))
    return NCD_EINVAL; /* the ghost bound needs the CE and k >= 2 */
  /* scan before touching the object's statistics (unchanged on error) */
  NCD_TRY(ncd__scan_finite(w, u->k, u->d, ldw));
  NCD_TRY(ncd__scan_finite(h, u->n, u->d, ldh));
  if (ncd__ufm_bias(u)) NCD_TRY(ncd__scan_finite_vec(b, u->k));
  const size_t n = u->n, d = u->d, k = u->k, len = (k + n) * d + k;
  double *buf = ncd__calloc(2 * len, sizeof(double));
  double *a = ncd__malloc_array(n * k, sizeof(double));
  if (!buf || !a) {
    ncd__free(buf);
    ncd__free(a);
    return NCD_ENOMEM;
  }
  blocks g = split(u, buf), v = split(u, buf + len);
  for (size_t s = 0; s < NCD__UFM_NSTAT; s++) u->stat[s] = NAN;
  u->stat[NCD_STAT_STEP] = 0.0;
  int st = NCD_OK;
  for (size_t step = 0; step < steps; step++) {
    const double policy = u->param[NCD_UFM_STEP_POLICY];
    const double lr = u->param[NCD_UFM_LR], beta = u->param[NCD_UFM_MOMENTUM];
    const int bias = ncd__ufm_bias(u);
    if (is_ghost(policy) && u->param[NCD_UFM_LOSS] != NCD_LOSS_CE) {
      st = NCD_EINVAL; /* the callback switched the loss under a ghost policy */
      break;
    }
    double f, loss;
    st = ncd__ufm_eval(u, w, ldw, h, ldh, b, &f, &loss, g.w, d, g.h, d, g.b);
    if (st != NCD_OK) break;
    double gnorm = sqrt(sumsq(buf, len));
    double scale = 1.0;
    if (policy == NCD_STEP_CLIP && gnorm > u->param[NCD_UFM_CLIP])
      scale = u->param[NCD_UFM_CLIP] / gnorm;
    for (size_t i = 0; i < len; i++) v.w[i] = beta * v.w[i] + scale * g.w[i];
    double vnorm = sqrt(sumsq(v.w, len));
    double lr_eff = lr;
    u->stat[NCD_STAT_RHO] = NAN;
    u->stat[NCD_STAT_R] = NAN;
    if (is_ghost(policy) && isfinite(vnorm)) {
      st = ghost_lr(u, w, ldw, h, ldh, v, vnorm, a, lr, &lr_eff);
      if (st != NCD_OK) break;
    }
    if (!step_finite(w, ldw, k, d, v.w, lr_eff) || !step_finite(h, ldh, n, d, v.h, lr_eff) ||
        (bias && !step_finite(b, k, 1, k, v.b, lr_eff))) {
      st = NCD_ENONFINITE;
      break;
    }
    apply(w, ldw, k, d, v.w, lr_eff);
    apply(h, ldh, n, d, v.h, lr_eff);
    if (bias) apply(b, k, 1, k, v.b, lr_eff);
    u->stat[NCD_STAT_STEP] = (double)(step + 1);
    u->stat[NCD_STAT_OBJECTIVE] = f;
    u->stat[NCD_STAT_LOSS] = loss;
    u->stat[NCD_STAT_GRAD_NORM] = gnorm;
    u->stat[NCD_STAT_STEP_NORM] = lr_eff * vnorm;
    u->stat[NCD_STAT_LR_EFF] = lr_eff;
    if (cb && cb(u, w, h, bias ? b : NULL, ctx) != 0) break;
  }
  ncd__free(buf);
  ncd__free(a);
  return st;
}
