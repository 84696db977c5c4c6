/*
 * cmd_metrics_mem.c - the in-memory route of `ncdyn metrics`, taken for
 * --select, --pairs and --grid (include/ncdyn.h section 6 "Peer parity",
 * spec/metrics-peers.md P-1 to P-6): the whole n x d feature matrix and the
 * labels are read (in batches of the file reader) into one array, float32
 * files as float32 (half the memory of doubles; the _f32 twins convert block
 * by block), then ncd_nc_metrics_select(_f32) computes only the selected
 * metrics with the centre option, ncd_nc_pairs(_f32) each requested pair
 * statistic (mean, population variance, nc-toolbox's "cov" = sqrt(var)/mean,
 * and in JSON the k(k-1)/2 values in numpy triu order) and
 * ncd_nc_pair_grid(_f32) the k x k grid of --grid.
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

/* The k x k grid of --grid: JSON "grid": {"kind", "p", "values": rows}
 * (null where not finite), or text lines "grid_KIND[c]  v v ...". */
static void print_grid(size_t k, const cli_metrics_req *req, double p, const double *grid,
                       int json) {
  const char *kind = cli_pair_name(req->grid);
  if (json) {
    printf(", \"grid\": {\"kind\": \"%s\", \"p\": ", kind);
    cli_json_number(stdout, p);
    printf(", \"values\": [");
    for (size_t c = 0; c < k; c++) {
      printf("%s[", c ? ", " : "");
      for (size_t t = 0; t < k; t++) {
        if (t) printf(", ");
        cli_json_number(stdout, grid[c * k + t]);
      }
      printf("]");
    }
    printf("]}");
    return;
  }
  char key[64];
  snprintf(key, sizeof key, "grid_%s_p", kind);
  printf("%-24s %.10g\n", key, p);
  for (size_t c = 0; c < k; c++) {
    snprintf(key, sizeof key, "grid_%s[%zu]", kind, c);
    printf("%-24s", key);
    for (size_t t = 0; t < k; t++) printf(" %.10g", grid[c * k + t]);
    printf("\n");
  }
}

static int print_all(const char *cmd, size_t n, size_t d, size_t k, const double *out,
                     const cli_metrics_req *req, const double *pm, const double *vals,
                     double grid_p, const double *grid, int json) {
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
    if (grid) print_grid(k, req, grid_p, grid, 1);
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
    if (grid) print_grid(k, req, grid_p, grid, 0);
  }
  return fflush(stdout) == 0 ? EXIT_OK : cli_error(EXIT_INPUT, cmd, "write error on stdout");
}

/* The features in memory: double, or float for a float32 file. */
typedef struct feats {
  size_t n, d, k;
  const double *h;
  const float *hf;
  const int32_t *y;
  const double *w;
} feats;

static int select_metrics(const feats *f, const double *b, const ncd_nc_options *opt,
                          uint64_t sel, double *out) {
  if (f->hf)
    return ncd_nc_metrics_select_f32(f->n, f->d, f->k, f->hf, f->d, f->y, f->w, f->d, b, opt,
                                     sel, out, NCD_METRIC_COUNT);
  return ncd_nc_metrics_select(f->n, f->d, f->k, f->h, f->d, f->y, f->w, f->d, b, opt, sel, out,
                               NCD_METRIC_COUNT);
}

static int pair_stats(const feats *f, ncd_centre c, ncd_pair which, double p, double *mean,
                      double *var, double *vals) {
  if (f->hf)
    return ncd_nc_pairs_f32(f->n, f->d, f->k, f->hf, f->d, f->y, f->w, f->d, c, which, p, mean,
                            var, vals);
  return ncd_nc_pairs(f->n, f->d, f->k, f->h, f->d, f->y, f->w, f->d, c, which, p, mean, var,
                      vals);
}

static int pair_grid(const feats *f, ncd_centre c, ncd_pair which, double p, double *grid) {
  if (f->hf)
    return ncd_nc_pair_grid_f32(f->n, f->d, f->k, f->hf, f->d, f->y, f->w, f->d, c, which, p,
                                grid, f->k);
  return ncd_nc_pair_grid(f->n, f->d, f->k, f->h, f->d, f->y, f->w, f->d, c, which, p, grid,
                          f->k);
}

int cli_metrics_in_memory(const char *cmd, arr_file *H, arr_file *Y, size_t n, size_t d,
                          size_t k, const double *w, const double *b,
                          const cli_metrics_req *req, int json) {
  char err[ARR_ERRLEN];
  size_t np = k * (k - 1) / 2;
  int f32 = H->dtype == ARR_F32;
  size_t es = f32 ? sizeof(float) : sizeof(double);
  if (n > SIZE_MAX / es / d ||
      (req->npairs && np > SIZE_MAX / sizeof(double) / CLI_PAIR_KINDS) ||
      (req->grid >= 0 && k > SIZE_MAX / sizeof(double) / (k ? k : 1)))
    return cli_error(EXIT_INPUT, cmd, "%s: too large to hold in memory", H->name);
  void *h = malloc(n * d * es);
  int32_t *y = malloc(n * sizeof *y);
  double *vals = req->npairs ? malloc((size_t)req->npairs * (np ? np : 1) * sizeof *vals) : NULL;
  double *grid = req->grid >= 0 ? malloc((k ? k * k : 1) * sizeof *grid) : NULL;
  double out[NCD_METRIC_COUNT], pm[4 * CLI_PAIR_KINDS], grid_p = 0.0;
  int rc = EXIT_OK;
  if (!h || !y || (req->npairs && !vals) || (req->grid >= 0 && !grid)) {
    rc = cli_error(EXIT_LIBRARY, cmd, "out of memory for the %zu x %zu features (--select, "
                   "--pairs and --grid hold them in memory)", n, d);
    goto done;
  }
  if ((f32 ? arr_read_f32(H, 0, n, h, err) : arr_read_f64(H, 0, n, h, err)) ||
      arr_read_i32(Y, 0, n, y, err)) {
    rc = cli_error(EXIT_INPUT, cmd, "%s", err);
    goto done;
  }
  const feats f = {n, d, k, f32 ? NULL : h, f32 ? h : NULL, y, w};
  ncd_nc_options opt;
  memset(&opt, 0, sizeof opt);
  opt.unweighted_centre = req->centre < 0 ? NCD_CENTRE_SAMPLE : req->centre;
  const ncd_centre centre = (ncd_centre)opt.unweighted_centre;
  int st = select_metrics(&f, b, &opt, req->select, out);
  if (st) {
    rc = cli_status(cmd, "computing the metrics", st);
    goto done;
  }
  for (int j = 0; j < req->npairs; j++) {
    double *m = pm + 4 * j;
    m[0] = pair_p(req, req->pairs[j], d);
    st = pair_stats(&f, centre, (ncd_pair)req->pairs[j], m[0], &m[1], &m[2],
                    vals + (size_t)j * np);
    if (st) {
      rc = cli_status(cmd, "computing the pair statistics", st);
      goto done;
    }
    m[3] = isnan(m[2]) || m[1] == 0.0 ? NAN : sqrt(m[2]) / m[1];
  }
  if (grid) {
    grid_p = pair_p(req, req->grid, d);
    if ((st = pair_grid(&f, centre, (ncd_pair)req->grid, grid_p, grid))) {
      rc = cli_status(cmd, "computing the pair grid", st);
      goto done;
    }
  }
  rc = print_all(cmd, n, d, k, out, req, pm, vals, grid_p, grid, json);
done:
  free(h);
  free(y);
  free(vals);
  free(grid);
  return rc;
}

#endif
