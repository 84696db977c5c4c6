/*
 * cmd_cpath.c - `ncdyn central-path`: closed-form omega_j(t) trajectories of
 * the central path (Han, Papyan, Donoho; spec/central-path.md, Proposition 2)
 * as a table or CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"
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
    "  --csv           comma-separated output (header t,omega_1,...)\n";

int cmd_central_path(int argc, char **argv) {
  const char *cmd = "central-path";
  const char *cs = NULL, *ns = NULL, *ws = NULL, *ts = NULL;
  int csv = 0;
  const cli_opt opts[] = {{"classes", &cs, NULL}, {"per-class", &ns, NULL},
                          {"omega0", &ws, NULL},  {"t", &ts, NULL},
                          {"csv", NULL, &csv},    {NULL, NULL, NULL}};
  int rc = cli_parse(argc, argv, opts, cmd);
  if (rc < 0) {
    fputs(HELP, stdout);
    return EXIT_OK;
  }
  if (rc) return rc;
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
    for (size_t j = 0; j < nw; j++) printf(csv ? ",omega_%zu" : "   omega_%-13zu", j + 1);
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
