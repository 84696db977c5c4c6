/*
 * cmd_simulate.c - `ncdyn simulate`: trains the unconstrained features model
 * (spec/ufm.md U-5) from a Gaussian, simplex-ETF or Hadamard start with a
 * fixed, clipped or ghost-capped step (ncd_step_policy), printing the
 * neural-collapse trajectory (ncd_nc_metrics) and optionally writing a CSV of
 * every metric and a gnuplot PNG of the NC metrics against steps (log axes).
 */
#include <stdio.h>
#include <string.h>

#include "ncdyn.h"
#include "ncdyn/cli.h"

const char *const cli_simulate_help =
    "usage: ncdyn simulate [--loss ce|mse] [--init gaussian|etf|hadamard]\n"
    "                      [--classes K] [--dim D] [--per-class N] [--steps S]\n"
    "                      [--lr ETA] [--controller fixed|clip|ghost]\n"
    "                      [--lambda-w X] [--lambda-h X] [--lambda-b X] [--r-target R]\n"
    "                      [--seed SEED] [--every M] [--csv FILE] [--plot FILE.png]\n"
    "\n"
    "Trains the unconstrained features model (features H free, classifier W, bias b)\n"
    "by gradient descent and prints the neural-collapse trajectory: step, loss, NC1,\n"
    "NC2_ETF_W, NC3, NC4, the ghost radius rho of the step and r = ||step|| / rho.\n"
    "  --loss          ce (cross-entropy, default) or mse\n"
    "  --init          gaussian (default), etf (simplex-ETF classifier) or hadamard\n"
    "  --classes K     classes (default 10)\n"
    "  --dim D         feature dimension (default 16)\n"
    "  --per-class N   samples per class (default 20)\n"
    "  --steps S       gradient steps (default 2000)\n"
    "  --lr ETA        learning rate (default 0.5)\n"
    "  --controller    fixed, clip (gradient clipping) or ghost (step capped at\n"
    "                  r-target times the ghost radius; CE only). Default ghost.\n"
    "  --lambda-w/-h/-b  weight decays (default 5e-4 each)\n"
    "  --r-target R    ghost controller target r (default 1)\n"
    "  --seed SEED     random seed of the Gaussian start (default 1)\n"
    "  --every M       print every M steps (default: about 20 rows)\n"
    "  --csv FILE      every metric at every printed step, comma-separated\n"
    "  --plot FILE     PNG of NC1, NC2_ETF_W, NC3, NC4 and loss vs step (gnuplot)\n";

int cmd_simulate(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(cli_simulate_help, stdout);
    return EXIT_OK;
  }
  return cli_error(EXIT_LIBRARY, "simulate", "not available: this libncdyn lacks the UFM layer");
}
