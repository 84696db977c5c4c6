/*
 * sim_output.c - option parsing, trajectory storage and output of
 * `ncdyn simulate`: the terminal table, the CSV of every metric, and the PNG
 * plot drawn by gnuplot (an external program, found on PATH; when it is
 * missing the tool says how to install it and exits with EXIT_EXTERNAL).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ncdyn/cli.h"
#include "ncdyn/simulate.h"

static const char *const STAT_NAMES[SIM_NSTAT] = {"objective", "loss", "grad_norm", "step_norm",
                                                  "lr_eff", "rho", "r"};

int sim_parse(int argc, char **argv, sim_opts *o) {
  const char *cmd = "simulate";
  const char *loss = NULL, *init = NULL, *ks = NULL, *ds = NULL, *ns = NULL, *ss = NULL,
             *lr = NULL, *ctl = NULL, *rt = NULL, *lw = NULL, *lh = NULL, *lb = NULL,
             *scale = NULL, *noise = NULL, *seed = NULL, *rows = NULL;
  memset(o, 0, sizeof *o);
  const cli_opt opts[] = {
      {"loss", &loss, NULL},        {"init", &init, NULL},         {"classes", &ks, NULL},
      {"dim", &ds, NULL},           {"per-class", &ns, NULL},      {"steps", &ss, NULL},
      {"lr", &lr, NULL},            {"controller", &ctl, NULL},    {"r-target", &rt, NULL},
      {"lambda-w", &lw, NULL},      {"lambda-h", &lh, NULL},       {"lambda-b", &lb, NULL},
      {"scale", &scale, NULL},      {"noise", &noise, NULL},       {"seed", &seed, NULL},
      {"rows", &rows, NULL},        {"csv", &o->csv, NULL},        {"plot", &o->plot, NULL},
      {NULL, NULL, NULL}};
  int rc = cli_parse(argc, argv, opts, cmd);
  if (rc) return rc;
  if (!loss || strcmp(loss, "ce") == 0) o->loss = 0;
  else if (strcmp(loss, "mse") == 0) o->loss = 1;
  else return cli_error(EXIT_USAGE, cmd, "--loss: '%s' is not ce or mse", loss);
  if (!init || strcmp(init, "gaussian") == 0) o->init = SIM_INIT_GAUSSIAN;
  else if (strcmp(init, "etf") == 0) o->init = SIM_INIT_ETF;
  else if (strcmp(init, "hadamard") == 0) o->init = SIM_INIT_HADAMARD;
  else return cli_error(EXIT_USAGE, cmd, "--init: '%s' is not gaussian, etf or hadamard", init);
  if (!ctl) o->policy = o->loss == 0 ? 2 : 0;
  else if (strcmp(ctl, "fixed") == 0) o->policy = 0;
  else if (strcmp(ctl, "clip") == 0) o->policy = 1;
  else if (strcmp(ctl, "ghost") == 0) o->policy = 2;
  else return cli_error(EXIT_USAGE, cmd, "--controller: '%s' is not fixed, clip or ghost", ctl);
  if (o->policy == 2 && o->loss != 0)
    return cli_error(EXIT_USAGE, cmd, "--controller ghost needs --loss ce");
  o->k = o->init == SIM_INIT_HADAMARD ? 8 : 10;
  o->d = 32, o->per_class = 50, o->steps = 5000, o->rows = 30, o->seed = 1;
  o->lr = 5, o->r_target = 1, o->lambda_w = o->lambda_h = o->lambda_b = 5e-4;
  o->scale = o->init == SIM_INIT_GAUSSIAN ? 1.0 : 0.1;
  o->noise = 0.3;
  size_t seed_z = 1;
  if ((ks && cli_size(cmd, "classes", ks, 2, &o->k)) || (ds && cli_size(cmd, "dim", ds, 1, &o->d)) ||
      (ns && cli_size(cmd, "per-class", ns, 1, &o->per_class)) ||
      (ss && cli_size(cmd, "steps", ss, 1, &o->steps)) ||
      (rows && cli_size(cmd, "rows", rows, 2, &o->rows)) ||
      (seed && cli_size(cmd, "seed", seed, 0, &seed_z)) ||
      (lr && cli_double(cmd, "lr", lr, &o->lr)) ||
      (rt && cli_double(cmd, "r-target", rt, &o->r_target)) ||
      (lw && cli_double(cmd, "lambda-w", lw, &o->lambda_w)) ||
      (lh && cli_double(cmd, "lambda-h", lh, &o->lambda_h)) ||
      (lb && cli_double(cmd, "lambda-b", lb, &o->lambda_b)) ||
      (scale && cli_double(cmd, "scale", scale, &o->scale)) ||
      (noise && cli_double(cmd, "noise", noise, &o->noise)))
    return EXIT_USAGE;
  o->seed = seed_z;
  if (!(o->lr > 0) || !(o->r_target > 0))
    return cli_error(EXIT_USAGE, cmd, "--lr and --r-target must be > 0");
  if (o->lambda_w < 0 || o->lambda_h < 0 || o->lambda_b < 0 || o->scale < 0 || o->noise < 0)
    return cli_error(EXIT_USAGE, cmd, "weight decays, --scale and --noise must be >= 0");
  if (o->init == SIM_INIT_ETF && o->d + 1 < o->k)
    return cli_error(EXIT_USAGE, cmd, "--init etf needs --dim >= K - 1 = %zu", o->k - 1);
  if (o->rows > 10000) o->rows = 10000;
  if (o->per_class > (size_t)1 << 40 || o->k > (size_t)1 << 20 || o->d > (size_t)1 << 20 ||
      (double)o->k * (double)o->per_class * (double)o->d > 1e9)
    return cli_error(EXIT_USAGE, cmd, "problem too large (K N d > 1e9)");
  return 0;
}

int sim_trace_push(sim_trace *t, const sim_row *r) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    sim_row *p = realloc(t->rows, cap * sizeof *p);
    if (!p) return -1;
    t->rows = p, t->cap = cap;
  }
  t->rows[t->n++] = *r;
  return 0;
}

void sim_trace_free(sim_trace *t) {
  free(t->rows);
  t->rows = NULL, t->n = t->cap = 0;
}

static void cell(FILE *out, double v) {
  if (isnan(v)) fprintf(out, " %11s", "-");
  else fprintf(out, " %11.4e", v);
}

void sim_print_table(FILE *out, const sim_opts *o, size_t n, const sim_trace *t) {
  static const char *const ctl[] = {"fixed", "clip", "ghost"};
  static const char *const init[] = {"gaussian", "etf", "hadamard"};
  fprintf(out, "# UFM %s, K = %zu classes, d = %zu, n = %zu, %s start, lr %g, %s controller",
          o->loss ? "MSE" : "CE", o->k, o->d, n, init[o->init], o->lr, ctl[o->policy]);
  if (o->policy == 2) fprintf(out, " (r target %g)", o->r_target);
  fprintf(out, "\n# lambda_W %g, lambda_H %g, lambda_b %g\n", o->lambda_w, o->lambda_h,
          o->lambda_b);
  fprintf(out, "%8s %11s %11s %11s %11s %11s %11s %11s\n", "step", "loss", "NC1", "NC2_ETF_W",
          "NC3", "NC4", "rho", "r");
  for (size_t i = 0; i < t->n; i++) {
    const sim_row *r = &t->rows[i];
    fprintf(out, "%8zu", r->step);
    cell(out, r->stat[1]);
    cell(out, r->m[0]);
    cell(out, r->m[6]);
    cell(out, r->m[7]);
    cell(out, r->m[9]);
    cell(out, r->stat[5]);
    cell(out, r->stat[6]);
    fputc('\n', out);
  }
}

int sim_write_csv(const char *cmd, const char *path, const sim_trace *t) {
  FILE *f = fopen(path, "w");
  if (!f) return cli_error(EXIT_INPUT, cmd, "%s: cannot write", path);
  char nb[32];
  fputs("step", f);
  for (int i = 0; i < SIM_NSTAT; i++) fprintf(f, ",%s", STAT_NAMES[i]);
  for (int i = 0; i < SIM_NMETRIC; i++) fprintf(f, ",%s", cli_metric_name((size_t)i, nb, sizeof nb));
  fputc('\n', f);
  for (size_t r = 0; r < t->n; r++) {
    fprintf(f, "%zu", t->rows[r].step);
    for (int i = 0; i < SIM_NSTAT; i++) fprintf(f, ",%.17g", t->rows[r].stat[i]);
    for (int i = 0; i < SIM_NMETRIC; i++) fprintf(f, ",%.17g", t->rows[r].m[i]);
    fputc('\n', f);
  }
  if (fclose(f) != 0) return cli_error(EXIT_INPUT, cmd, "%s: write error", path);
  return 0;
}

int sim_plot(const char *cmd, const sim_opts *o, const sim_trace *t) {
  if (system("command -v gnuplot >/dev/null 2>&1") != 0)
    return cli_error(EXIT_EXTERNAL, cmd, "--plot needs gnuplot, which is not on PATH; install "
                     "it with `apt-get install gnuplot-nox` (Debian/Ubuntu)");
  char tmp[] = "/tmp/ncdyn_plot_XXXXXX";
  int fd = mkstemp(tmp);
  if (fd < 0) return cli_error(EXIT_EXTERNAL, cmd, "cannot create a temporary file");
  close(fd);
  int rc = sim_write_csv(cmd, tmp, t);
  if (rc) {
    remove(tmp);
    return rc;
  }
  FILE *g = popen("gnuplot", "w");
  if (!g) {
    remove(tmp);
    return cli_error(EXIT_EXTERNAL, cmd, "cannot run gnuplot");
  }
  static const char *const ctl[] = {"fixed step", "clipped step", "ghost controller"};
  fprintf(g,
          "set terminal png size 1000,640 noenhanced\n"
          "set output '%s'\n"
          "set datafile separator ','\n"
          "set datafile missing 'nan'\n"
          "set logscale xy\n"
          "set format y '1e%%L'\n"
          "set grid\n"
          "set key outside right\n"
          "set xlabel 'step'\n"
          "set ylabel 'value'\n"
          "set title 'neural collapse in the UFM: %s loss, K = %zu, d = %zu, n = %zu, lr %g, %s'\n"
          "pos(x) = (x > 0 ? x : NaN)\n"
          "f = '%s'\n"
          "plot f every ::1 using (pos($1)):(pos($3)) with linespoints title 'loss', \\\n"
          "     f every ::1 using (pos($1)):(pos($9)) with linespoints title 'NC1', \\\n"
          "     f every ::1 using (pos($1)):(pos($15)) with linespoints title 'NC2 ETF W', \\\n"
          "     f every ::1 using (pos($1)):(pos($16)) with linespoints title 'NC3', \\\n"
          "     f every ::1 using (pos($1)):(pos($18)) with linespoints title 'NC4', \\\n"
          "     f every ::1 using (pos($1)):(pos($8)) with lines dashtype 2 title 'r = step/rho'\n",
          o->plot, o->loss ? "MSE" : "CE", o->k, o->d, o->k * o->per_class, o->lr,
          ctl[o->policy], tmp);
  int st = pclose(g);
  remove(tmp);
  if (st != 0) return cli_error(EXIT_EXTERNAL, cmd, "gnuplot failed (status %d)", st);
  FILE *chk = fopen(o->plot, "rb");
  if (!chk) return cli_error(EXIT_EXTERNAL, cmd, "gnuplot wrote no %s", o->plot);
  fclose(chk);
  return 0;
}
