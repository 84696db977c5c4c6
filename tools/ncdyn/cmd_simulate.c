/*
 * cmd_simulate.c - `ncdyn simulate`: trains the unconstrained features model
 * (spec/ufm.md U-5, U-27; ncd_ufm_train) from a Gaussian, simplex-ETF (init.md
 * I-27) or Hadamard (I-16) start with a fixed, clipped or ghost-capped step
 * (ghosts.md 3.1), printing the neural-collapse trajectory (ncd_nc_metrics at
 * log-spaced steps), optionally a CSV of every metric and a gnuplot PNG.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ncdyn.h"
#include "ncdyn/cli.h"
#include "ncdyn/simulate.h"

const char *const cli_simulate_help =
    "usage: ncdyn simulate [--loss ce|mse] [--init gaussian|etf|hadamard]\n"
    "                      [--classes K] [--dim D] [--per-class N] [--steps S]\n"
    "                      [--lr ETA] [--controller fixed|clip|ghost] [--r-target R]\n"
    "                      [--lambda-w X] [--lambda-h X] [--lambda-b X] [--scale S]\n"
    "                      [--noise S] [--seed SEED] [--rows R] [--csv FILE]\n"
    "                      [--plot FILE.png]\n"
    "\n"
    "Trains the unconstrained features model (free features H, classifier W, bias b;\n"
    "n = K N samples, balanced labels) by full-batch gradient descent and prints the\n"
    "neural-collapse trajectory: step, loss, NC1, NC2_ETF_W, NC3, NC4, the ghost\n"
    "radius rho of the step and r = ||step|| / rho.\n"
    "  --loss          ce (cross-entropy, default) or mse (vanilla square loss)\n"
    "  --init          gaussian (default: W, H ~ N(0, scale^2)), etf (simplex-ETF\n"
    "                  start, any K) or hadamard (Hadamard start, K a power of 2);\n"
    "                  etf/hadamard starts get N(0, noise^2) added to H\n"
    "  --classes K     classes (default 10; 8 with --init hadamard)\n"
    "  --dim D         feature dimension (default 32)\n"
    "  --per-class N   samples per class (default 50)\n"
    "  --steps S       gradient steps (default 5000)\n"
    "  --lr ETA        learning rate (default 5)\n"
    "  --controller    fixed, clip (gradient norm clipped to 1) or ghost (step\n"
    "                  capped at r-target times the ghost radius; needs ce). Default\n"
    "                  ghost with ce, fixed with mse\n"
    "  --r-target R    target r = ||step|| / rho of the ghost controller (default 1)\n"
    "  --lambda-w/--lambda-h/--lambda-b X  weight decays (default 5e-4 each)\n"
    "  --scale S       start scale (default 1 gaussian, 0.1 etf/hadamard)\n"
    "  --noise S       feature noise of the etf/hadamard starts (default 0.3)\n"
    "  --seed SEED     seed of the start and noise (default 1)\n"
    "  --rows R        about R log-spaced rows in the table (default 30)\n"
    "  --csv FILE      every metric at every recorded step, comma-separated\n"
    "  --plot FILE     PNG of NC1, NC2_ETF_W, NC3, NC4 and the loss against the step,\n"
    "                  log axes (needs gnuplot: apt-get install gnuplot-nox)\n"
    "A progress indicator goes to stderr when stdout is a terminal.\n";

#if NCDYN_HAVE_UFM && NCDYN_HAVE_NC_ACC

typedef struct run {
  sim_opts o;
  size_t n;
  int32_t *y;
  sim_trace tr;
  size_t next_rec; /* index into the record schedule */
  size_t *sched;
  size_t nsched;
  int tty, status;
  size_t done; /* steps done before the current train call */
} run;

/* Log-spaced record steps 0 < s_1 < ... = steps, about `rows` of them. */
static size_t *schedule(size_t steps, size_t rows, size_t *count) {
  size_t *s = malloc((rows + 2) * 2 * sizeof *s), m = 0;
  if (!s) return NULL;
  double q = pow((double)steps, 1.0 / (double)(rows > 1 ? rows - 1 : 1));
  double x = 1;
  for (size_t i = 0; i < 2 * rows + 2 && m < 2 * rows + 2; i++, x *= q) {
    size_t v = (size_t)llround(x);
    if (v > steps) break;
    if (m == 0 || v > s[m - 1]) s[m++] = v;
  }
  if (m == 0 || s[m - 1] != steps) s[m++] = steps;
  *count = m;
  return s;
}

static int record(run *R, size_t step, ncd_ufm *u, const double *w, const double *h,
                  const double *b) {
  sim_row row;
  memset(&row, 0, sizeof row);
  row.step = step;
  const ncd_ufm_stat st[SIM_NSTAT] = {NCD_STAT_OBJECTIVE, NCD_STAT_LOSS,    NCD_STAT_GRAD_NORM,
                                      NCD_STAT_STEP_NORM, NCD_STAT_LR_EFF, NCD_STAT_RHO,
                                      NCD_STAT_R};
  for (int i = 0; i < SIM_NSTAT; i++) {
    if (!u || ncd_ufm_get_stat(u, st[i], &row.stat[i]) != NCD_OK) row.stat[i] = NAN;
  }
  int s = ncd_nc_metrics(R->n, R->o.d, R->o.k, h, R->o.d, R->y, w, R->o.d, b, row.m,
                         NCD_METRIC_COUNT < SIM_NMETRIC ? NCD_METRIC_COUNT : SIM_NMETRIC);
  for (size_t i = NCD_METRIC_COUNT; i < SIM_NMETRIC; i++) row.m[i] = NAN;
  if (s) return s;
  return sim_trace_push(&R->tr, &row) ? NCD_ENOMEM : NCD_OK;
}

static int on_step(ncd_ufm *u, const double *w, const double *h, const double *b, void *ctx) {
  run *R = ctx;
  double sd;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &sd);
  size_t step = R->done + (size_t)sd;
  if (R->tty && (step % 50 == 0 || step == R->o.steps)) {
    fprintf(stderr, "\r  training: step %zu / %zu (%3.0f%%)", step, R->o.steps,
            100.0 * (double)step / (double)R->o.steps);
    if (step == R->o.steps) fputs("\r\033[K", stderr);
  }
  if (R->next_rec < R->nsched && step == R->sched[R->next_rec]) {
    R->next_rec++;
    int s = record(R, step, u, w, h, b);
    if (s) {
      R->status = s;
      return 1;
    }
  }
  return 0;
}

static int start(const char *cmd, run *R, ncd_ufm *u, double *w, double *h, double *b) {
  sim_opts *o = &R->o;
  int st;
  size_t n = R->n, d = o->d, k = o->k;
  if (o->init == SIM_INIT_GAUSSIAN) {
    st = ncd_ufm_init_gaussian(u, o->seed, o->scale, o->scale, 0.0, w, d, h, d, b);
    return cli_status(cmd, "Gaussian start", st);
  }
  if (o->init == SIM_INIT_ETF) {
    st = ncd_etf_ufm_init(n, d, k, R->y, o->scale, o->scale, o->seed, w, d, h, d);
    if (st) return cli_status(cmd, "ETF start", st);
  } else {
    double *sw = calloc(k, sizeof *sw), *sh = calloc(k, sizeof *sh);
    if (!sw || !sh) {
      free(sw), free(sh);
      return cli_error(EXIT_LIBRARY, cmd, "out of memory");
    }
    for (size_t m = 1; m < k && m <= d; m++) /* unequal modes: NC2 starts far from 0 */
      sw[m] = sh[m] = o->scale * (0.5 + (double)m / (double)k);
    st = ncd_hadamard_ufm_init(n, d, k, R->y, sw, sh, o->seed, w, d, h, d);
    free(sw), free(sh);
    if (st == NCD_ENOTSUP)
      return cli_error(EXIT_USAGE, cmd, "--init hadamard needs K a power of 2 (try --classes 8 "
                       "or 16, or --init etf)");
    if (st) return cli_status(cmd, "Hadamard start", st);
  }
  for (size_t c = 0; c < k; c++) b[c] = 0;
  if (o->noise > 0) { /* feature noise from the library's portable generator */
    ncd_ufm *tmp = NULL;
    double *wn = malloc(k * d * sizeof *wn), *hn = malloc(n * d * sizeof *hn);
    st = (!wn || !hn) ? NCD_ENOMEM : ncd_ufm_create(n, d, k, R->y, &tmp);
    if (!st) st = ncd_ufm_init_gaussian(tmp, o->seed + 1, 0.0, o->noise, 0.0, wn, d, hn, d, NULL);
    if (!st)
      for (size_t i = 0; i < n * d; i++) h[i] += hn[i];
    ncd_ufm_free(tmp);
    free(wn), free(hn);
    if (st) return cli_status(cmd, "feature noise", st);
  }
  return EXIT_OK;
}

static int simulate(const char *cmd, run *R) {
  sim_opts *o = &R->o;
  size_t n = o->k * o->per_class, d = o->d, k = o->k;
  R->n = n;
  double *w = malloc(k * d * sizeof *w), *h = malloc(n * d * sizeof *h), *b = malloc(k * sizeof *b);
  R->y = malloc(n * sizeof *R->y);
  R->sched = schedule(o->steps, o->rows, &R->nsched);
  ncd_ufm *u = NULL;
  int rc = EXIT_OK, st;
  if (!w || !h || !b || !R->y || !R->sched) {
    rc = cli_error(EXIT_LIBRARY, cmd, "out of memory for n = %zu, d = %zu", n, d);
    goto done;
  }
  for (size_t i = 0; i < n; i++) R->y[i] = (int32_t)(i % k);
  if ((st = ncd_ufm_create(n, d, k, R->y, &u))) {
    rc = cli_status(cmd, "ncd_ufm_create", st);
    goto done;
  }
  const struct { ncd_ufm_param p; double v; } set[] = {
      {NCD_UFM_LOSS, o->loss},         {NCD_UFM_LAMBDA_W, o->lambda_w},
      {NCD_UFM_LAMBDA_H, o->lambda_h}, {NCD_UFM_LAMBDA_B, o->lambda_b},
      {NCD_UFM_LR, o->lr},             {NCD_UFM_STEP_POLICY, o->policy},
      {NCD_UFM_R_TARGET, o->r_target}};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    if ((st = ncd_ufm_set(u, set[i].p, set[i].v))) {
      rc = cli_status(cmd, "ncd_ufm_set", st);
      goto done;
    }
  if ((rc = start(cmd, R, u, w, h, b))) goto done;
  if ((st = record(R, 0, NULL, w, h, b))) {
    rc = cli_status(cmd, "metrics of the start", st);
    goto done;
  }
  R->tty = isatty(fileno(stdout));
  clock_t t0 = clock();
  st = ncd_ufm_train(u, o->steps, w, d, h, d, b, on_step, R);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  if (R->tty) fputs("\r\033[K", stderr);
  if (R->status) st = R->status;
  double done_d = 0;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &done_d);
  size_t done = (size_t)done_d;
  if (st == NCD_ENONFINITE) {
    fprintf(stderr, "ncdyn simulate: the iterate diverged (non-finite) at step %zu; try a "
            "smaller --lr%s\n", done + 1, o->loss == 0 ? " or --controller ghost" : "");
    rc = EXIT_LIBRARY;
  } else if (st) {
    rc = cli_status(cmd, "ncd_ufm_train", st);
  }
  sim_print_table(stdout, o, n, &R->tr);
  printf("# %zu steps in %.2f s CPU\n", done, secs);
  if (o->csv && sim_write_csv(cmd, o->csv, &R->tr)) rc = rc ? rc : EXIT_INPUT;
  if (o->plot) {
    int prc = sim_plot(cmd, o, &R->tr);
    if (prc && !rc) rc = prc;
    else if (!prc) printf("# plot written to %s\n", o->plot);
  }
done:
  ncd_ufm_free(u);
  free(w), free(h), free(b), free(R->y), free(R->sched);
  sim_trace_free(&R->tr);
  return rc;
}

#endif

int cmd_simulate(int argc, char **argv) {
  const char *cmd = "simulate";
  sim_opts o;
  int rc = sim_parse(argc, argv, &o);
  if (rc < 0) {
    fputs(cli_simulate_help, stdout);
    return EXIT_OK;
  }
  if (rc) return rc;
#if NCDYN_HAVE_UFM && NCDYN_HAVE_NC_ACC
  run R;
  memset(&R, 0, sizeof R);
  R.o = o;
  return simulate(cmd, &R);
#else
  return cli_error(EXIT_LIBRARY, cmd, "not available: this libncdyn lacks the UFM layer");
#endif
}
