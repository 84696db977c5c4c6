/*
 * cmd_radius.c - `ncdyn radius --jvp A.npy [--logits Z.npy]`: the ghost radius
 * of a proposed step (spec/ghosts.md): the bound rho_a = pi / max_i spread_i
 * (ghosts.md 2.2) with its bottleneck sample and, when the library has them
 * and logits are given, the majority-tilt bound (2.4) and the exact radius.
 * Streams both files in batches of rows: each quantity is a minimum over
 * samples, so the batch minima combine exactly (the first batch reaching the
 * minimum keeps the bottleneck, i.e. ties go to the lowest sample index).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"
#include "ncdyn/array.h"
#include "ncdyn/cli.h"

static const char *const HELP =
    "usage: ncdyn radius --jvp A.npy [--logits Z.npy] [--batch ROWS] [--json]\n"
    "\n"
    "Ghost radius of a step along which the logits move as z + tau a (Sao, Ghosts of\n"
    "Softmax): the safe step length in units of tau.\n"
    "  --jvp FILE      n x k directional logit derivatives a = dz/dtau (.npy, or\n"
    "                  FILE.safetensors[:TENSOR]); float32 or float64\n"
    "  --logits FILE   n x k logits z at the current point (for the tilt bound and\n"
    "                  the exact radius, when the library provides them)\n"
    "  --batch ROWS    rows read per batch (default 65536)\n"
    "  --json          one JSON object: n, k, rho_bound, bottleneck, spread,\n"
    "                  rho_tilt, rho_exact, exact_bottleneck, ghost [re, im]\n"
    "                  (null when not computed or infinite)\n";

int cmd_radius(int argc, char **argv) {
  const char *cmd = "radius";
  const char *jvp = NULL, *logits = NULL, *batch_s = NULL;
  int json = 0;
  const cli_opt opts[] = {{"jvp", &jvp, NULL},
                          {"logits", &logits, NULL},
                          {"batch", &batch_s, NULL},
                          {"json", NULL, &json},
                          {NULL, NULL, NULL}};
  int rc = cli_parse(argc, argv, opts, cmd);
  if (rc < 0) {
    fputs(HELP, stdout);
    return EXIT_OK;
  }
  if (rc) return rc;
  if (!jvp) return cli_error(EXIT_USAGE, cmd, "--jvp FILE is required (try --help)");
  size_t batch = 65536;
  if (batch_s && cli_size(cmd, "batch", batch_s, 1, &batch)) return EXIT_USAGE;

  char err[ARR_ERRLEN];
  arr_file A, Z;
  int have_z = 0;
  if (arr_open(jvp, &A, err) != 0) return cli_error(EXIT_INPUT, cmd, "%s", err);
  rc = EXIT_OK;
  double *a = NULL, *z = NULL;
  if (A.ndim != 2 || A.rows == 0 || A.cols < 2) {
    rc = cli_error(EXIT_INPUT, cmd, "%s: need shape (n, k) with n >= 1, k >= 2", A.name);
    goto done;
  }
  if (logits) {
    if (arr_open(logits, &Z, err) != 0) {
      rc = cli_error(EXIT_INPUT, cmd, "%s", err);
      goto done;
    }
    have_z = 1;
    if (Z.ndim != 2 || Z.rows != A.rows || Z.cols != A.cols) {
      rc = cli_error(EXIT_INPUT, cmd,
                     "%s has shape (%" PRIu64 ", %" PRIu64 ") but %s has (%" PRIu64
                     ", %" PRIu64 ")",
                     Z.name, Z.rows, Z.cols, A.name, A.rows, A.cols);
      goto done;
    }
  }
  size_t k = (size_t)A.cols;
  if (batch > A.rows) batch = (size_t)A.rows;
  if (k > SIZE_MAX / sizeof(double) / batch) {
    rc = cli_error(EXIT_LIBRARY, cmd, "batch too large");
    goto done;
  }
  a = malloc(batch * k * sizeof *a);
  z = have_z ? malloc(batch * k * sizeof *z) : NULL;
  if (!a || (have_z && !z)) {
    rc = cli_error(EXIT_LIBRARY, cmd, "out of memory for a batch of %zu rows", batch);
    goto done;
  }
  double rho = INFINITY, rho_tilt = NAN, rho_exact = NAN, spread = 0, ghost[2] = {NAN, NAN};
  uint64_t bott = 0, bott_exact = 0;
  for (uint64_t r0 = 0; r0 < A.rows; r0 += batch) {
    size_t m = A.rows - r0 < batch ? (size_t)(A.rows - r0) : batch;
    if (arr_read_f64(&A, r0, m, a, err) != 0 || (have_z && arr_read_f64(&Z, r0, m, z, err))) {
      rc = cli_error(EXIT_INPUT, cmd, "%s", err);
      goto done;
    }
    double r;
    size_t arg;
    int st = ncd_ghost_radius_bound(m, k, a, k, &r, &arg);
    if (st) {
      rc = cli_status(cmd, A.name, st);
      goto done;
    }
    if (r < rho) {
      rho = r;
      bott = r0 + arg;
      double lo = a[arg * k], hi = lo;
      for (size_t j = 1; j < k; j++) {
        lo = fmin(lo, a[arg * k + j]);
        hi = fmax(hi, a[arg * k + j]);
      }
      spread = hi - lo;
    }
#if NCDYN_HAVE_GHOST_EXACT
    if (have_z) {
      double re, rt, gh[2];
      size_t ae;
      st = ncd_ghost_radius_exact_ex(m, k, z, k, a, k, 1.0, &re, &ae, gh);
      if (st) {
        rc = cli_status(cmd, "exact radius", st);
        goto done;
      }
      if ((st = ncd_ghost_radius_tilt(m, k, z, k, a, k, &rt, NULL))) {
        rc = cli_status(cmd, "tilt bound", st);
        goto done;
      }
      if (isnan(rho_exact) || re < rho_exact) {
        rho_exact = re;
        bott_exact = r0 + ae;
        ghost[0] = gh[0];
        ghost[1] = gh[1];
      }
      rho_tilt = isnan(rho_tilt) ? rt : fmin(rho_tilt, rt);
    }
#endif
  }
  if (json) {
    printf("{\"n\": %" PRIu64 ", \"k\": %zu, \"rho_bound\": ", A.rows, k);
    cli_json_number(stdout, rho);
    printf(", \"bottleneck\": %" PRIu64 ", \"spread\": ", bott);
    cli_json_number(stdout, spread);
    printf(", \"rho_tilt\": ");
    cli_json_number(stdout, rho_tilt);
    printf(", \"rho_exact\": ");
    cli_json_number(stdout, rho_exact);
    if (!isnan(rho_exact)) printf(", \"exact_bottleneck\": %" PRIu64, bott_exact);
    else printf(", \"exact_bottleneck\": null");
    printf(", \"ghost\": [");
    cli_json_number(stdout, ghost[0]);
    printf(", ");
    cli_json_number(stdout, ghost[1]);
    printf("]}\n");
  } else {
    printf("samples n          %" PRIu64 "\nclasses k          %zu\n", A.rows, k);
    printf("rho_bound          %.17g   (pi / max spread)\n", rho);
    printf("bottleneck sample  %" PRIu64 "   (spread %.17g)\n", bott, spread);
    if (!isnan(rho_tilt)) printf("rho_tilt           %.17g   (majority-tilt bound)\n", rho_tilt);
    if (!isnan(rho_exact)) {
      printf("rho_exact          %.17g   (nearest complex zero)\n", rho_exact);
      printf("exact bottleneck   %" PRIu64 "   (ghost at %.10g %+.10g i)\n", bott_exact,
             ghost[0], ghost[1]);
    } else {
      printf("rho_tilt, rho_exact  %s\n",
             have_z ? "not available in this build of libncdyn" : "need --logits");
    }
  }
done:
  free(a);
  free(z);
  arr_close(&A);
  if (have_z) arr_close(&Z);
  return rc;
}
