/*
 * simulate.h - options, trajectory records and output (table, CSV, gnuplot
 * PNG) of `ncdyn simulate` (cmd_simulate.c, sim_output.c).
 */
#ifndef NCDYN_TOOL_SIMULATE_H
#define NCDYN_TOOL_SIMULATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { SIM_INIT_GAUSSIAN = 0, SIM_INIT_ETF = 1, SIM_INIT_HADAMARD = 2 };
#define SIM_NSTAT 7     /* objective, loss, grad_norm, step_norm, lr_eff, rho, r */
#define SIM_NMETRIC 19  /* the metrics of ncd_metric known to this tool */

typedef struct sim_opts {
  int loss, init, policy;
  size_t k, d, per_class, steps, rows;
  double lr, r_target, lambda_w, lambda_h, lambda_b, scale, noise;
  uint64_t seed;
  const char *csv, *plot;
} sim_opts;

typedef struct sim_row {
  size_t step;
  double stat[SIM_NSTAT];
  double m[SIM_NMETRIC];
} sim_row;

typedef struct sim_trace {
  sim_row *rows;
  size_t n, cap;
} sim_trace;

/* Parses and validates the options (defaults filled in); -1 for --help,
 * EXIT_USAGE with a message, 0 ok. */
int sim_parse(int argc, char **argv, sim_opts *o);
int sim_trace_push(sim_trace *t, const sim_row *r);
void sim_trace_free(sim_trace *t);
void sim_print_table(FILE *out, const sim_opts *o, size_t n, const sim_trace *t);
/* 0 ok, else prints a message (nonzero). */
int sim_write_csv(const char *cmd, const char *path, const sim_trace *t);
/* 0 ok, EXIT_EXTERNAL when gnuplot is missing or fails. */
int sim_plot(const char *cmd, const sim_opts *o, const sim_trace *t);

#endif
