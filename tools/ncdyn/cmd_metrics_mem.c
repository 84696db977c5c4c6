/*
 * cmd_metrics_mem.c - the in-memory route of `ncdyn metrics`, taken for
 * --select and --pairs (include/ncdyn.h section 6 "Peer parity",
 * spec/metrics-peers.md P-1 to P-6): the whole n x d feature matrix and the
 * labels are read (in batches of the file reader) into one array, then
 * ncd_nc_metrics_select computes only the selected metrics with the centre
 * option, and ncd_nc_pairs each requested pair statistic (mean, population
 * variance, nc-toolbox's "cov" = sqrt(var)/mean, and in JSON the k(k-1)/2
 * values in numpy triu order).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"
#include "ncdyn/array.h"
#include "ncdyn/cli.h"

#if NCDYN_HAVE_NC_ACC

/* The distance exponent / log factor / Riesz exponent of pair statistic i:
 * --p when given, else 1 (CDNV), -1 (log(1/delta)) or d - 2 (rhubarbwu's
 * Riesz default). */
static double pair_p(const cli_metrics_req *req, int i, size_t d) {
  if (req->have_p) return req->p;
  if (i == NCD_PAIR_LOG) return -1.0;
  if (i == NCD_PAIR_RIESZ) return (double)d - 2.0;
  return 1.0;
}

static int print_all(const char *cmd, size_t n, size_t d, size_t k, const double *out,
                     const cli_metrics_req *req, const double *pm, const double *vals,
                     int json) {
  char nb[32];
  size_t np = k * (k - 1) / 2;
  if (json) {
    printf("{\"n\": %zu, \"d\": %zu, \"k\": %zu", n, d, k);
    for (size_t i = 0; i < NCD_METRIC_COUNT; i++) {
      if (i >= 64 || !(req->select >> i & 1)) continue;
      printf(", \"%s\": ", cli_metric_name(i, nb, sizeof nb));
      cli_json_number(stdout, out[i]);
    }
    if (req->npairs) {
      printf(", \"pairs\": {");
      for (int j = 0; j < req->npairs; j++) {
        const double *m = pm + 4 * j;
        printf("%s\"%s\": {\"p\": ", j ? ", " : "", cli_pair_name(req->pairs[j]));
        cli_json_number(stdout, m[0]);
        printf(", \"mean\": ");
        cli_json_number(stdout, m[1]);
        printf(", \"var\": ");
        cli_json_number(stdout, m[2]);
        printf(", \"cov\": ");
        cli_json_number(stdout, m[3]);
        printf(", \"vals\": [");
        for (size_t t = 0; t < np; t++) {
          if (t) printf(", ");
          cli_json_number(stdout, vals[(size_t)j * np + t]);
        }
        printf("]}");
      }
      printf("}");
    }
    printf("}\n");
  } else {
    printf("%-16s %zu\n%-16s %zu\n%-16s %zu\n", "n", n, "d", d, "k", k);
    for (size_t i = 0; i < NCD_METRIC_COUNT; i++) {
      if (i >= 64 || !(req->select >> i & 1)) continue;
      if (isnan(out[i])) printf("%-16s n/a\n", cli_metric_name(i, nb, sizeof nb));
      else printf("%-16s %.10g\n", cli_metric_name(i, nb, sizeof nb), out[i]);
    }
    static const char *const what[4] = {"p", "mean", "var", "cov"};
    for (int j = 0; j < req->npairs; j++)
      for (int q = 0; q < 4; q++) {
        char key[64];
        snprintf(key, sizeof key, "pairs_%s_%s", cli_pair_name(req->pairs[j]), what[q]);
        double v = pm[4 * j + q];
        if (isnan(v)) printf("%-24s n/a\n", key);
        else printf("%-24s %.10g\n", key, v);
      }
  }
  return fflush(stdout) == 0 ? EXIT_OK : cli_error(EXIT_INPUT, cmd, "write error on stdout");
}

int cli_metrics_in_memory(const char *cmd, arr_file *H, arr_file *Y, size_t n, size_t d,
                          size_t k, const double *w, const double *b,
                          const cli_metrics_req *req, int json) {
  char err[ARR_ERRLEN];
  size_t np = k * (k - 1) / 2;
  if (n > SIZE_MAX / sizeof(double) / d || (req->npairs && np > SIZE_MAX / sizeof(double) / CLI_PAIR_KINDS))
    return cli_error(EXIT_INPUT, cmd, "%s: too large to hold in memory", H->name);
  double *h = malloc(n * d * sizeof *h);
  int32_t *y = malloc(n * sizeof *y);
  double *vals = req->npairs ? malloc((size_t)req->npairs * (np ? np : 1) * sizeof *vals) : NULL;
  double out[NCD_METRIC_COUNT], pm[4 * CLI_PAIR_KINDS];
  int rc = EXIT_OK;
  if (!h || !y || (req->npairs && !vals)) {
    rc = cli_error(EXIT_LIBRARY, cmd, "out of memory for the %zu x %zu features (--select and "
                   "--pairs hold them in memory)", n, d);
    goto done;
  }
  if (arr_read_f64(H, 0, n, h, err) || arr_read_i32(Y, 0, n, y, err)) {
    rc = cli_error(EXIT_INPUT, cmd, "%s", err);
    goto done;
  }
  ncd_nc_options opt;
  memset(&opt, 0, sizeof opt);
  opt.unweighted_centre = req->centre < 0 ? NCD_CENTRE_SAMPLE : req->centre;
  int st = ncd_nc_metrics_select(n, d, k, h, d, y, w, d, b, &opt, req->select, out,
                                 NCD_METRIC_COUNT);
  if (st) {
    rc = cli_status(cmd, "computing the metrics", st);
    goto done;
  }
  for (int j = 0; j < req->npairs; j++) {
    double *m = pm + 4 * j;
    m[0] = pair_p(req, req->pairs[j], d);
    st = ncd_nc_pairs(n, d, k, h, d, y, w, d, (ncd_centre)opt.unweighted_centre,
                      (ncd_pair)req->pairs[j], m[0], &m[1], &m[2], vals + (size_t)j * np);
    if (st) {
      rc = cli_status(cmd, "computing the pair statistics", st);
      goto done;
    }
    m[3] = isnan(m[2]) || m[1] == 0.0 ? NAN : sqrt(m[2]) / m[1];
  }
  rc = print_all(cmd, n, d, k, out, req, pm, vals, json);
done:
  free(h);
  free(y);
  free(vals);
  return rc;
}

#endif
