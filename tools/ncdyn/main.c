/*
 * main.c - the ncdyn command-line tool: dispatches to the subcommands
 * (metrics, radius, central-path, simulate); --help, --version.
 * A thin layer over the public API of libncdyn (ncdyn.h only).
 */
#include <stdio.h>
#include <string.h>

#include "ncdyn.h"
#include "ncdyn/cli.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define NCD_VERSION_STRING_TOOL \
  STR(NCD_VERSION_MAJOR) "." STR(NCD_VERSION_MINOR) "." STR(NCD_VERSION_PATCH)

static void usage(FILE *o) {
  fputs("usage: ncdyn COMMAND [OPTIONS]\n"
        "\n"
        "Neural-collapse measurements and classifier-training dynamics (libncdyn).\n"
        "\n"
        "commands:\n"
        "  metrics       neural-collapse metrics of a feature dump (.npy/.safetensors),\n"
        "                streamed in batches\n"
        "  radius        ghost radius of a step: bound, tilt and exact radius, bottleneck\n"
        "  central-path  closed-form omega_j(t) of the central path; SNR spectrum of a dump\n"
        "  simulate      train the unconstrained features model, NC trajectory, plot\n"
        "\n"
        "options:\n"
        "  --help        this text; `ncdyn COMMAND --help` for a command\n"
        "  --version     tool and library version\n"
        "\n"
        "exit status: 0 ok, 1 usage error, 2 input/format error, 3 library error,\n"
        "4 external program (gnuplot) missing or failed. See ncdyn(1).\n",
        o);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *c = argv[1];
  if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
    usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
    printf("ncdyn %s (libncdyn %s)\n", NCD_VERSION_STRING_TOOL, ncd_version_string());
    return EXIT_OK;
  }
  if (strcmp(c, "metrics") == 0) return cmd_metrics(argc - 1, argv + 1);
  if (strcmp(c, "radius") == 0) return cmd_radius(argc - 1, argv + 1);
  if (strcmp(c, "central-path") == 0) return cmd_central_path(argc - 1, argv + 1);
  if (strcmp(c, "simulate") == 0) return cmd_simulate(argc - 1, argv + 1);
  fprintf(stderr, "ncdyn: unknown command '%s' (try ncdyn --help)\n", c);
  return EXIT_USAGE;
}
