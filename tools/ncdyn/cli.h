/*
 * cli.h - shared pieces of the ncdyn command-line tool: exit codes, option
 * parsing, number parsing, metric names and the subcommand entry points.
 * The tool uses only the public header ncdyn.h.
 */
#ifndef NCDYN_TOOL_CLI_H
#define NCDYN_TOOL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ncdyn/have.h"

/* Exit codes (docs/ncdyn.1, EXIT STATUS). */
enum {
  EXIT_OK = 0,       /* success (also --help, --version)                          */
  EXIT_USAGE = 1,    /* unknown option, missing or malformed argument            */
  EXIT_INPUT = 2,    /* unreadable, malformed or inconsistent input file/data    */
  EXIT_LIBRARY = 3,  /* libncdyn returned an error status, out of memory,
                        or the subcommand is not available in this build         */
  EXIT_EXTERNAL = 4  /* an external program (gnuplot) is missing or failed        */
};

/* One option of a subcommand: "--name VALUE" / "--name=VALUE" when `value` is
 * set, a flag "--name" when `flag` is set. */
typedef struct cli_opt {
  const char *name;
  const char **value;
  int *flag;
} cli_opt;

/* Parses argv[1..argc) (argv[0] is the subcommand name). Returns -1 when
 * --help was given (the caller prints help, exit 0), EXIT_USAGE on an error
 * (message printed), 0 otherwise. */
int cli_parse(int argc, char **argv, const cli_opt *opts, const char *cmd);

/* Number parsing; print "ncdyn CMD: --OPT: ..." and return EXIT_USAGE on error. */
int cli_size(const char *cmd, const char *opt, const char *s, size_t min, size_t *out);
int cli_double(const char *cmd, const char *opt, const char *s, double *out);
/* A comma-separated list of doubles ("0,0.5,1") or a range "A:B:COUNT". */
int cli_doubles(const char *cmd, const char *opt, const char *s, double **out, size_t *count);

/* Prints "ncdyn CMD: MSG" to stderr and returns `code`. */
int cli_error(int code, const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A library status as a message and EXIT_LIBRARY (EXIT_OK for NCD_OK). */
int cli_status(const char *cmd, const char *what, int status);

/* Metric names in ncd_metric order: the enum names, lower case, without NCD_. */
const char *cli_metric_name(size_t i, char *buf, size_t cap);
#define CLI_METRIC_NAMES 28

/* Bit mask (1 << metric) of a comma-separated list of metric names (case
 * insensitive); an unknown or empty name prints the known names and returns
 * EXIT_USAGE. */
int cli_metric_select(const char *cmd, const char *list, uint64_t *mask);

/* Peer-parity requests of `ncdyn metrics` answered in memory (cmd_metrics_mem.c):
 * centre (-1: default), the metric selection (all bits when --select is absent)
 * and up to CLI_PAIR_KINDS pair statistics with their exponent. */
#define CLI_PAIR_KINDS 8
typedef struct cli_metrics_req {
  int centre;
  uint64_t select;
  int npairs;
  int pairs[CLI_PAIR_KINDS];
  int have_p;
  double p;
  int grid; /* --grid: the pair statistic of the k x k grid, -1 without */
} cli_metrics_req;

/* Parses "--pairs cdnv,log,..." into req->pairs; EXIT_USAGE on an unknown name. */
int cli_pairs_parse(const char *cmd, const char *list, cli_metrics_req *req);
/* Parses "--grid KIND" (one pair statistic name) into req->grid. */
int cli_grid_parse(const char *cmd, const char *kind, cli_metrics_req *req);
/* The name of pair statistic i (enum ncd_pair order). */
const char *cli_pair_name(int i);

/* Reads the n x d features (float32 files as float32) and n labels whole and
 * prints the selected metrics (ncd_nc_metrics_select), the pair statistics
 * (ncd_nc_pairs) and the pair grid (ncd_nc_pair_grid), through the _f32 twins
 * for float32 features. */
struct arr_file;
int cli_metrics_in_memory(const char *cmd, struct arr_file *H, struct arr_file *Y, size_t n,
                          size_t d, size_t k, const double *w, const double *b,
                          const cli_metrics_req *req, int json);

/* Prints a double as JSON (null when not finite) with 17 significant digits. */
void cli_json_number(FILE *out, double v);

int cmd_metrics(int argc, char **argv);
int cmd_radius(int argc, char **argv);
int cmd_central_path(int argc, char **argv);
int cmd_simulate(int argc, char **argv);

#endif
