/*
 * cmd_cpath.c - `ncdyn central-path`: closed-form omega_j(t) trajectories of
 * the central path (Han, Papyan, Donoho; spec/central-path.md, Proposition 2)
 * as a table or CSV; or, from a feature dump, its SNR spectrum (CP-14,
 * ncd_cpath_snr), the omega_j the central path starts from.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"
#include "ncdyn/array.h"
#include "ncdyn/cli.h"

static const char *const HELP =
    "usage: ncdyn central-path --classes C --per-class N --omega0 W0[,W0,...]\n"
    "                          --t T[,T,...]|START:STOP:COUNT [--csv]\n"
    "\n"
    "Closed-form central-path trajectories omega_j(t), the solution of\n"
    "C^2 N log w + C N w^2 + (N/4) w^4 = a + t with w(0) = omega0 (Proposition 2).\n"
    "  --classes C     number of classes, C >= 2\n"
    "  --per-class N   samples per class, N >= 1\n"
    "  --omega0 LIST   initial values omega_j(0) > 0, one trajectory each\n"
    "  --t LIST        times: comma list or START:STOP:COUNT (negative t runs back)\n"
    "  --csv           comma-separated output (header t,omega_1,...)\n"
    "\n"
    "       ncdyn central-path --features H --labels Y [--csv]\n"
    "\n"
    "The SNR spectrum of a feature dump (CP-14): the singular values omega_j of\n"
    "Mbar Sigma_W^{-1/2}, descending (the whole dump is read into memory).\n";

/* Spectrum mode: the SNR singular values of a dump. */
static int snr_mode(const char *cmd, const char *fs, const char *ls, int csv) {
  char err[ARR_ERRLEN];
  arr_file H, Y;
  if (arr_open(fs, &H, err)) return cli_error(EXIT_INPUT, cmd, "%s", err);
  if (arr_open(ls, &Y, err)) {
    arr_close(&H);
    return cli_error(EXIT_INPUT, cmd, "%s", err);
  }
  int rc = EXIT_OK;
  double *h = NULL, *om = NULL;
  int32_t *y = NULL;
  if (H.ndim != 2 || !arr_is_float(&H) || arr_is_float(&Y) || Y.ndim != 1 || Y.rows != H.rows ||
      H.rows > SIZE_MAX / 8 / H.cols) {
    rc = cli_error(EXIT_INPUT, cmd, "need float features (n, d) and integer labels (n,) with "
                   "the same n (%s, %s)", H.name, Y.name);
    goto done;
  }
  size_t n = (size_t)H.rows, d = (size_t)H.cols, k = 0;
  h = malloc(n * d * sizeof *h);
  y = malloc(n * sizeof *y);
  if (!h || !y) {
    rc = cli_error(EXIT_LIBRARY, cmd, "out of memory for %zu x %zu features", n, d);
    goto done;
  }
  if (arr_read_f64(&H, 0, n, h, err) || arr_read_i32(&Y, 0, n, y, err)) {
    rc = cli_error(EXIT_INPUT, cmd, "%s", err);
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if (y[i] < 0 || (size_t)y[i] >= n) {
      rc = cli_error(EXIT_INPUT, cmd, "%s: label %" PRId32 " of sample %zu outside [0, n)",
                     Y.name, y[i], i);
      goto done;
    }
    if ((size_t)y[i] + 1 > k) k = (size_t)y[i] + 1;
  }
  size_t m = k < d ? k : d;
  om = malloc(m * sizeof *om);
  if (!om) {
    rc = cli_error(EXIT_LIBRARY, cmd, "out of memory");
    goto done;
  }
  int st = ncd_cpath_snr(n, d, k, h, d, y, om, NULL, 0, NULL, 0);
  if (st) {
    rc = cli_status(cmd, "ncd_cpath_snr", st);
    goto done;
  }
  if (csv) printf("j,omega\n");
  else printf("# SNR spectrum of %s: n = %zu, d = %zu, k = %zu\n%6s %24s\n", H.name, n, d, k,
              "j", "omega_j");
  for (size_t j = 0; j < m; j++) printf(csv ? "%zu,%.17g\n" : "%6zu %24.17g\n", j + 1, om[j]);
done:
  free(h), free(y), free(om);
  arr_close(&H);
  arr_close(&Y);
  return rc;
}

int cmd_central_path(int argc, char **argv) {
  const char *cmd = "central-path";
  const char *cs = NULL, *ns = NULL, *ws = NULL, *ts = NULL, *fs = NULL, *ls = NULL;
  int csv = 0;
  const cli_opt opts[] = {{"classes", &cs, NULL},  {"per-class", &ns, NULL},
                          {"omega0", &ws, NULL},   {"t", &ts, NULL},
                          {"features", &fs, NULL}, {"labels", &ls, NULL},
                          {"csv", NULL, &csv},     {NULL, NULL, NULL}};
  int rc = cli_parse(argc, argv, opts, cmd);
  if (rc < 0) {
    fputs(HELP, stdout);
    return EXIT_OK;
  }
  if (rc) return rc;
  if (fs || ls) {
    if (!fs || !ls || cs || ns || ws || ts)
      return cli_error(EXIT_USAGE, cmd, "the SNR mode takes --features and --labels only");
    return snr_mode(cmd, fs, ls, csv);
  }
  if (!cs || !ns || !ws || !ts)
    return cli_error(EXIT_USAGE, cmd, "--classes, --per-class, --omega0 and --t are required");
  size_t c, n, nw, nt;
  double *w0 = NULL, *t = NULL;
  if (cli_size(cmd, "classes", cs, 2, &c) || cli_size(cmd, "per-class", ns, 1, &n))
    return EXIT_USAGE;
  if (cli_doubles(cmd, "omega0", ws, &w0, &nw)) return EXIT_USAGE;
  if (cli_doubles(cmd, "t", ts, &t, &nt)) {
    free(w0);
    return EXIT_USAGE;
  }
  for (size_t j = 0; j < nw && rc == 0; j++)
    if (!(w0[j] > 0)) rc = cli_error(EXIT_USAGE, cmd, "--omega0: values must be > 0");
#if NCDYN_HAVE_CPATH
  if (rc == 0) {
    printf(csv ? "t" : "%14s", "t");
    for (size_t j = 0; j < nw; j++) {
      char name[32];
      snprintf(name, sizeof name, "omega_%zu", j + 1);
      printf(csv ? ",%s" : "   %-20s", name);
    }
    putchar('\n');
    for (size_t i = 0; i < nt && rc == 0; i++) {
      printf(csv ? "%.17g" : "%14.6g", t[i]);
      for (size_t j = 0; j < nw; j++) {
        double om;
        int st = ncd_cpath_omega(c, n, w0[j], t[i], &om);
        if (st) {
          putchar('\n');
          rc = cli_status(cmd, "ncd_cpath_omega", st);
          break;
        }
        printf(csv ? ",%.17g" : "   %-20.14g", om);
      }
      if (rc == 0) putchar('\n');
    }
  }
#else
  (void)csv;
  (void)nt;
  if (rc == 0)
    rc = cli_error(EXIT_LIBRARY, cmd, "not available: this libncdyn lacks the central-path layer");
#endif
  free(w0);
  free(t);
  return rc;
}
