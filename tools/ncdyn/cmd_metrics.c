/*
 * cmd_metrics.c - `ncdyn metrics --features H --labels y [--weights W]
 * [--bias b] [--batch ROWS] [--classes K] [--json]`: every neural-collapse
 * metric of a feature dump (spec/metrics.md), streamed through the files with
 * the library's accumulator: a pass over the labels (k, class counts), pass 1
 * over features + labels, ncd_nc_acc_begin_pass2, pass 2. Memory: one batch of
 * ROWS x d doubles and ROWS labels, plus the accumulator state (O(k d + d^2),
 * and k d^2 for NUMRANK_H when that fits in 256 MiB), independent of n.
 * --centre sets the centre of the class means (ncd_nc_acc_set_options, P-1 of
 * spec/metrics-peers.md); --select, --pairs and --grid take the in-memory
 * route of cmd_metrics_mem.c (ncd_nc_metrics_select, ncd_nc_pairs,
 * ncd_nc_pair_grid; their _f32 twins on float32 files).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"
#include "ncdyn/array.h"
#include "ncdyn/cli.h"

static const char *const HELP =
    "usage: ncdyn metrics --features H --labels Y [--weights W] [--bias B]\n"
    "                     [--classes K] [--batch ROWS] [--centre C] [--json]\n"
    "                     [--select NAME[,NAME...]] [--pairs KIND[,KIND...]]\n"
    "                     [--grid KIND] [--p P]\n"
    "\n"
    "Neural-collapse metrics (NC1..NC4, accuracy, SNR, ...) of a feature dump,\n"
    "streamed in batches of rows (two passes over the file).\n"
    "  --features FILE  n x d features, float32/float64 (.npy in C or Fortran order,\n"
    "                   any endianness, or FILE.safetensors[:TENSOR])\n"
    "  --labels FILE    n labels, int32/int64, shape (n,), values in [0, k)\n"
    "  --weights FILE   k x d classifier (one class per row, torch Linear.weight)\n"
    "  --bias FILE      k biases (needs --weights)\n"
    "  --classes K      number of classes (default: rows of W, else max label + 1)\n"
    "  --batch ROWS     rows per batch (default: 64 MiB of doubles, at least 1)\n"
    "  --centre C       centre of the class means: sample (default), class (mean of\n"
    "                   the class means, rhubarbwu), none (raw means, MONAI)\n"
    "  --select LIST    compute only these metrics (names as printed, e.g. nc1,erank);\n"
    "                   reads the features into memory (float32 files stay float32;\n"
    "                   ncd_nc_metrics_select)\n"
    "  --pairs LIST     pair statistics over the k(k-1)/2 class pairs: cdnv,\n"
    "                   cdnv_unbiased, dist, log, riesz, lognorm_diff, cos_shifted,\n"
    "                   wcos_upper (needs --weights); mean, var, cov = sqrt(var)/mean,\n"
    "                   and the values in JSON (in memory, ncd_nc_pairs)\n"
    "  --grid KIND      the k x k grid of one pair statistic (rows of the grid; JSON\n"
    "                   null where not finite, e.g. the cdnv diagonal; in memory,\n"
    "                   ncd_nc_pair_grid)\n"
    "  --p P            exponent of the pair statistics (default: 1 for cdnv, -1 for\n"
    "                   log, d - 2 for riesz)\n"
    "  --json           one JSON object: n, d, k and every metric (null if undefined)\n";

#if NCDYN_HAVE_NC_ACC

typedef struct state {
  arr_file H, Y, W, B;
  int have_h, have_y, have_w, have_b;
  double *h, *w, *b;
  int32_t *y;
  size_t *count;
  ncd_nc_acc *acc;
} state;

static void release(state *s) {
  if (s->have_h) arr_close(&s->H);
  if (s->have_y) arr_close(&s->Y);
  if (s->have_w) arr_close(&s->W);
  if (s->have_b) arr_close(&s->B);
  free(s->h);
  free(s->w);
  free(s->b);
  free(s->y);
  free(s->count);
  ncd_nc_acc_free(s->acc);
}

static int open_arr(const char *cmd, const char *spec, arr_file *a, int *have) {
  char err[ARR_ERRLEN];
  if (arr_open(spec, a, err) != 0) return cli_error(EXIT_INPUT, cmd, "%s", err);
  *have = 1;
  return 0;
}

/* One pass of features + labels into the accumulator. */
static int pass(const char *cmd, state *s, size_t n, size_t d, size_t batch) {
  char err[ARR_ERRLEN];
  for (size_t r0 = 0; r0 < n; r0 += batch) {
    size_t m = n - r0 < batch ? n - r0 : batch;
    if (arr_read_f64(&s->H, r0, m, s->h, err) || arr_read_i32(&s->Y, r0, m, s->y, err))
      return cli_error(EXIT_INPUT, cmd, "%s", err);
    int st = ncd_nc_acc_update(s->acc, m, s->h, d, s->y);
    if (st) return cli_status(cmd, "accumulating a batch", st);
  }
  return 0;
}

static int run(const char *cmd, state *s, const char *fs, const char *ls, const char *ws,
               const char *bs, const char *ks, const char *batch_s, int json,
               const cli_metrics_req *req, int in_memory) {
  char err[ARR_ERRLEN];
  int rc;
  if ((rc = open_arr(cmd, fs, &s->H, &s->have_h)) || (rc = open_arr(cmd, ls, &s->Y, &s->have_y)))
    return rc;
  if (s->H.ndim != 2 || !arr_is_float(&s->H))
    return cli_error(EXIT_INPUT, cmd, "%s: features must be a 2-D float32/float64 array (n, d)",
                     s->H.name);
  if (arr_is_float(&s->Y) || (s->Y.ndim == 2 && s->Y.cols != 1))
    return cli_error(EXIT_INPUT, cmd, "%s: labels must be int32/int64 of shape (n,), got %s",
                     s->Y.name, arr_dtype_name(s->Y.dtype));
  if (s->Y.rows != s->H.rows)
    return cli_error(EXIT_INPUT, cmd, "%s has %" PRIu64 " labels but %s has %" PRIu64 " rows",
                     s->Y.name, s->Y.rows, s->H.name, s->H.rows);
  if (s->H.rows == 0 || s->H.cols == 0)
    return cli_error(EXIT_INPUT, cmd, "%s: empty array", s->H.name);
  if (s->H.rows > SIZE_MAX / 2 || s->H.cols > SIZE_MAX / 64)
    return cli_error(EXIT_INPUT, cmd, "%s: too large", s->H.name);
  size_t n = (size_t)s->H.rows, d = (size_t)s->H.cols, k = 0;
  size_t batch = (64u << 20) / (d * sizeof(double));
  if (batch == 0) batch = 1;
  if (batch_s && cli_size(cmd, "batch", batch_s, 1, &batch)) return EXIT_USAGE;
  if (batch > n) batch = n;
  if (ks && cli_size(cmd, "classes", ks, 2, &k)) return EXIT_USAGE;
  if (bs && !ws) return cli_error(EXIT_USAGE, cmd, "--bias needs --weights");
  if (ws) {
    if ((rc = open_arr(cmd, ws, &s->W, &s->have_w))) return rc;
    if (s->W.ndim != 2 || s->W.cols != d || !arr_is_float(&s->W) || s->W.rows < 2 ||
        s->W.rows > n)
      return cli_error(EXIT_INPUT, cmd,
                       "%s: weights must be a float (k, %zu) array with 2 <= k <= n", s->W.name,
                       d);
    if (k && k != s->W.rows)
      return cli_error(EXIT_INPUT, cmd, "--classes %zu but %s has %" PRIu64 " rows", k,
                       s->W.name, s->W.rows);
    k = (size_t)s->W.rows;
    if (!(s->w = malloc(k * d * sizeof *s->w)))
      return cli_error(EXIT_LIBRARY, cmd, "out of memory");
    if (arr_read_f64(&s->W, 0, k, s->w, err)) return cli_error(EXIT_INPUT, cmd, "%s", err);
    if (bs) {
      if ((rc = open_arr(cmd, bs, &s->B, &s->have_b))) return rc;
      if (s->B.ndim != 1 || s->B.rows != k || !arr_is_float(&s->B))
        return cli_error(EXIT_INPUT, cmd, "%s: bias must be a float array of shape (%zu,)",
                         s->B.name, k);
      if (!(s->b = malloc(k * sizeof *s->b))) return cli_error(EXIT_LIBRARY, cmd, "out of memory");
      if (arr_read_f64(&s->B, 0, k, s->b, err)) return cli_error(EXIT_INPUT, cmd, "%s", err);
    }
  }
  if (batch > SIZE_MAX / sizeof(double) / d ||
      !(s->h = malloc(batch * d * sizeof *s->h)) || !(s->y = malloc(batch * sizeof *s->y)))
    return cli_error(EXIT_LIBRARY, cmd, "out of memory for a batch of %zu rows x %zu", batch, d);
  /* one label pass: range, k and the class counts. Without --classes/--weights
   * the count array grows with the largest label so far; a label >= n means more
   * classes than samples (reported below), so it is not counted and the array
   * never exceeds n entries. */
  int32_t ymax = -1;
  size_t cap = k;
  if (k && !(s->count = calloc(k, sizeof *s->count)))
    return cli_error(EXIT_LIBRARY, cmd, "out of memory");
  for (size_t r0 = 0; r0 < n; r0 += batch) {
    size_t m = n - r0 < batch ? n - r0 : batch;
    if (arr_read_i32(&s->Y, r0, m, s->y, err)) return cli_error(EXIT_INPUT, cmd, "%s", err);
    for (size_t i = 0; i < m; i++) {
      if (s->y[i] < 0 || (k && (size_t)s->y[i] >= k))
        return cli_error(EXIT_INPUT, cmd, "%s: label %" PRId32 " of sample %zu outside [0, %zu)",
                         s->Y.name, s->y[i], r0 + i, k ? k : (size_t)INT32_MAX);
      size_t c = (size_t)s->y[i];
      if (s->y[i] > ymax) ymax = s->y[i];
      if (c >= n) continue;
      if (c >= cap) {
        size_t nc = cap * 2 > c + 1 ? cap * 2 : c + 1;
        if (nc > n) nc = n;
        size_t *g = realloc(s->count, nc * sizeof *g);
        if (!g) return cli_error(EXIT_LIBRARY, cmd, "out of memory");
        memset(g + cap, 0, (nc - cap) * sizeof *g);
        s->count = g;
        cap = nc;
      }
      s->count[c]++;
    }
  }
  if (!k) k = (size_t)ymax + 1;
  if (k < 2) return cli_error(EXIT_INPUT, cmd, "%s: need at least 2 classes", s->Y.name);
  if (k > n)
    return cli_error(EXIT_INPUT, cmd, "%s: %zu classes but only %zu samples", s->Y.name, k, n);
  for (size_t c = 0; c < k; c++)
    if (!s->count[c])
      return cli_error(EXIT_INPUT, cmd, "%s: class %zu has no samples (every class in [0, %zu) "
                       "needs one)", s->Y.name, c, k);
  if (in_memory) {
    free(s->h); /* the batch buffer is not used there: only the whole array */
    s->h = NULL;
    return cli_metrics_in_memory(cmd, &s->H, &s->Y, n, d, k, s->w, s->b, req, json);
  }
  /* the peer metrics NCD_SILHOUETTE_COS and NCD_NC4_CLASSAVG stream too (O(k d) state) */
  unsigned flags = NCD_ACC_SCATTER | NCD_ACC_SILHOUETTE | NCD_ACC_NC4_CLASS;
  if ((double)k * (double)d * (double)d * 8.0 <= 256.0 * 1024 * 1024) flags |= NCD_ACC_CLASS_SCATTER;
  int st = ncd_nc_acc_create(d, k, flags, &s->acc);
  if (st) return cli_status(cmd, "creating the accumulator", st);
  if (req->centre >= 0) {
    ncd_nc_options opt;
    memset(&opt, 0, sizeof opt);
    opt.unweighted_centre = req->centre;
    if ((st = ncd_nc_acc_set_options(s->acc, &opt))) return cli_status(cmd, "--centre", st);
  }
  if (s->w && (st = ncd_nc_acc_set_classifier(s->acc, s->w, d, s->b)))
    return cli_status(cmd, "setting the classifier", st);
  if ((rc = pass(cmd, s, n, d, batch))) return rc;
  if ((st = ncd_nc_acc_begin_pass2(s->acc))) return cli_status(cmd, "second pass", st);
  if ((rc = pass(cmd, s, n, d, batch))) return rc;
  double out[NCD_METRIC_COUNT];
  if ((st = ncd_nc_acc_metrics(s->acc, out, NCD_METRIC_COUNT)))
    return cli_status(cmd, "computing the metrics", st);
  char nb[32];
  if (json) {
    printf("{\"n\": %zu, \"d\": %zu, \"k\": %zu", n, d, k);
    for (size_t i = 0; i < NCD_METRIC_COUNT; i++) {
      printf(", \"%s\": ", cli_metric_name(i, nb, sizeof nb));
      cli_json_number(stdout, out[i]);
    }
    printf("}\n");
  } else {
    printf("%-16s %zu\n%-16s %zu\n%-16s %zu\n", "n", n, "d", d, "k", k);
    for (size_t i = 0; i < NCD_METRIC_COUNT; i++) {
      if (isnan(out[i])) printf("%-16s n/a\n", cli_metric_name(i, nb, sizeof nb));
      else printf("%-16s %.10g\n", cli_metric_name(i, nb, sizeof nb), out[i]);
    }
  }
  return fflush(stdout) == 0 ? EXIT_OK : cli_error(EXIT_INPUT, cmd, "write error on stdout");
}

#endif

int cmd_metrics(int argc, char **argv) {
  const char *cmd = "metrics";
  const char *fs = NULL, *ls = NULL, *ws = NULL, *bs = NULL, *ks = NULL, *batch_s = NULL;
  const char *cs = NULL, *sel = NULL, *ps = NULL, *pv = NULL, *gs = NULL;
  int json = 0;
  const cli_opt opts[] = {{"features", &fs, NULL}, {"labels", &ls, NULL},
                          {"weights", &ws, NULL},  {"bias", &bs, NULL},
                          {"classes", &ks, NULL},  {"batch", &batch_s, NULL},
                          {"centre", &cs, NULL},   {"select", &sel, NULL},
                          {"pairs", &ps, NULL},    {"p", &pv, NULL},
                          {"grid", &gs, NULL},
                          {"json", NULL, &json},   {NULL, NULL, NULL}};
  int rc = cli_parse(argc, argv, opts, cmd);
  if (rc < 0) {
    fputs(HELP, stdout);
    return EXIT_OK;
  }
  if (rc) return rc;
  if (!fs || !ls) return cli_error(EXIT_USAGE, cmd, "--features and --labels are required");
  cli_metrics_req req;
  memset(&req, 0, sizeof req);
  req.centre = -1;
  req.grid = -1;
  req.select = NCD_METRIC_COUNT >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << NCD_METRIC_COUNT) - 1;
  if (cs) {
    static const char *const centres[3] = {"sample", "class", "none"};
    for (int i = 0; i < 3; i++)
      if (strcmp(cs, centres[i]) == 0) req.centre = i;
    if (req.centre < 0)
      return cli_error(EXIT_USAGE, cmd, "--centre: '%s' is not sample, class or none", cs);
  }
  if (sel && (rc = cli_metric_select(cmd, sel, &req.select))) return rc;
  if (ps && (rc = cli_pairs_parse(cmd, ps, &req))) return rc;
  if (gs && (rc = cli_grid_parse(cmd, gs, &req))) return rc;
  if (pv && !ps && !gs) return cli_error(EXIT_USAGE, cmd, "--p needs --pairs or --grid");
  if (pv && cli_double(cmd, "p", pv, &req.p)) return EXIT_USAGE;
  req.have_p = pv != NULL;
  for (int j = 0; j < req.npairs; j++)
    if (req.pairs[j] == NCD_PAIR_WCOS_UPPER && !ws)
      return cli_error(EXIT_USAGE, cmd, "--pairs wcos_upper needs --weights");
  if (req.grid == NCD_PAIR_WCOS_UPPER && !ws)
    return cli_error(EXIT_USAGE, cmd, "--grid wcos_upper needs --weights");
#if NCDYN_HAVE_NC_ACC
  state s;
  memset(&s, 0, sizeof s);
  rc = run(cmd, &s, fs, ls, ws, bs, ks, batch_s, json, &req, sel || ps || gs);
  release(&s);
  return rc;
#else
  (void)ws, (void)bs, (void)ks, (void)batch_s, (void)json, (void)req;
  return cli_error(EXIT_LIBRARY, cmd, "not available: this libncdyn lacks the metrics layer");
#endif
}

