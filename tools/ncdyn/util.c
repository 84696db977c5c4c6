/*
 * util.c - option and number parsing, error reporting and metric names shared
 * by the ncdyn subcommands (cli.h).
 */
#include "ncdyn/cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"

int cli_error(int code, const char *cmd, const char *fmt, ...) {
  fprintf(stderr, "ncdyn%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return code;
}

int cli_status(const char *cmd, const char *what, int status) {
  if (status == NCD_OK) return EXIT_OK;
  return cli_error(EXIT_LIBRARY, cmd, "%s: %s (status %d)", what, ncd_strerror(status), status);
}

int cli_parse(int argc, char **argv, const cli_opt *opts, const char *cmd) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return -1;
    if (strncmp(a, "--", 2) != 0)
      return cli_error(EXIT_USAGE, cmd, "unexpected argument '%s' (try --help)", a);
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    const cli_opt *o = NULL;
    for (const cli_opt *p = opts; p->name; p++)
      if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0) o = p;
    if (!o) return cli_error(EXIT_USAGE, cmd, "unknown option '%s' (try --help)", a);
    if (o->flag) {
      if (eq) return cli_error(EXIT_USAGE, cmd, "option --%s takes no value", o->name);
      *o->flag = 1;
    } else if (eq) {
      *o->value = eq + 1;
    } else {
      if (i + 1 >= argc)
        return cli_error(EXIT_USAGE, cmd, "option --%s needs a value", o->name);
      *o->value = argv[++i];
    }
  }
  return 0;
}

int cli_size(const char *cmd, const char *opt, const char *s, size_t min, size_t *out) {
  char *end;
  errno = 0;
  while (*s == ' ') s++;
  if (*s == '-' || *s == '\0')
    return cli_error(EXIT_USAGE, cmd, "--%s: '%s' is not a non-negative integer", opt, s);
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v > SIZE_MAX)
    return cli_error(EXIT_USAGE, cmd, "--%s: '%s' is not an integer in range", opt, s);
  if (v < min) return cli_error(EXIT_USAGE, cmd, "--%s: must be at least %zu", opt, min);
  *out = (size_t)v;
  return 0;
}

int cli_double(const char *cmd, const char *opt, const char *s, double *out) {
  char *end; /* overflow gives +-HUGE_VAL (refused as not finite); underflow is kept */
  double v = strtod(s, &end);
  if (end == s || *end || !isfinite(v))
    return cli_error(EXIT_USAGE, cmd, "--%s: '%s' is not a finite number", opt, s);
  *out = v;
  return 0;
}

int cli_doubles(const char *cmd, const char *opt, const char *s, double **out, size_t *count) {
  *out = NULL;
  *count = 0;
  const char *c1 = strchr(s, ':');
  if (c1) { /* A:B:COUNT, COUNT points including both ends */
    char buf[256];
    if (strlen(s) >= sizeof buf) return cli_error(EXIT_USAGE, cmd, "--%s: too long", opt);
    strcpy(buf, s);
    char *p1 = strchr(buf, ':'), *p2 = p1 ? strchr(p1 + 1, ':') : NULL;
    if (!p2) return cli_error(EXIT_USAGE, cmd, "--%s: a range is START:STOP:COUNT", opt);
    *p1 = *p2 = '\0';
    double a = 0, b = 0;
    size_t m;
    if (cli_double(cmd, opt, buf, &a) || cli_double(cmd, opt, p1 + 1, &b) ||
        cli_size(cmd, opt, p2 + 1, 1, &m))
      return EXIT_USAGE;
    if (m > 10000000) return cli_error(EXIT_USAGE, cmd, "--%s: at most 10^7 points", opt);
    double *v = malloc(m * sizeof *v);
    if (!v) return cli_error(EXIT_LIBRARY, cmd, "out of memory");
    for (size_t i = 0; i < m; i++) v[i] = m == 1 ? a : a + (b - a) * (double)i / (double)(m - 1);
    *out = v;
    *count = m;
    return 0;
  }
  size_t m = 1;
  for (const char *p = s; *p; p++) m += *p == ',';
  double *v = malloc(m * sizeof *v);
  if (!v) return cli_error(EXIT_LIBRARY, cmd, "out of memory");
  const char *p = s;
  for (size_t i = 0; i < m; i++) {
    const char *q = strchr(p, ',');
    size_t l = q ? (size_t)(q - p) : strlen(p);
    char tok[64];
    if (l == 0 || l >= sizeof tok) {
      free(v);
      return cli_error(EXIT_USAGE, cmd, "--%s: '%s' is not a list of numbers", opt, s);
    }
    memcpy(tok, p, l);
    tok[l] = '\0';
    if (cli_double(cmd, opt, tok, &v[i])) {
      free(v);
      return EXIT_USAGE;
    }
    p = q ? q + 1 : p + l;
  }
  *out = v;
  *count = m;
  return 0;
}

const char *cli_metric_name(size_t i, char *buf, size_t cap) {
  static const char *const names[CLI_METRIC_NAMES] = {
      "nc1",           "nc2_equinorm_h",  "nc2_equinorm_w", "nc2_equiangle_h",
      "nc2_maxangle_h", "nc2_etf_h",      "nc2_etf_w",      "nc3",
      "nc3_duality",   "nc4",             "accuracy",       "nc1_trace_ratio",
      "nc1_cdnv",      "nc1_pinv_rank",   "cosmargin_mean", "cosmargin_min",
      "numrank_h",     "snr_min",         "snr_max",        "nc1_weak",
      "unc3_var",      "gnc2_dist_var",   "gnc2_log_mean",  "gnc2_log_var",
      "centroid_cos",  "nc4_classavg",    "silhouette_cos", "erank"};
  if (i < CLI_METRIC_NAMES) return names[i];
  snprintf(buf, cap, "metric_%zu", i); /* metrics added to the library later */
  return buf;
}

void cli_json_number(FILE *out, double v) {
  if (isfinite(v)) fprintf(out, "%.17g", v);
  else fputs("null", out);
}

/* Index of the comma-free token [p, p + len) in names (case insensitive), or -1. */
static int cli_find_name(const char *p, size_t len, const char *(*name)(size_t, char *, size_t),
                         size_t count) {
  char buf[32];
  for (size_t i = 0; i < count; i++) {
    const char *nm = name(i, buf, sizeof buf);
    if (strlen(nm) != len) continue;
    size_t j = 0;
    while (j < len && tolower((unsigned char)p[j]) == nm[j]) j++;
    if (j == len) return (int)i;
  }
  return -1;
}

/* Calls fn(index) for each comma-separated name of list; prints the known
 * names and returns EXIT_USAGE on an unknown or empty one. */
static int cli_name_list(const char *cmd, const char *opt, const char *list,
                         const char *(*name)(size_t, char *, size_t), size_t count,
                         int (*fn)(int, void *), void *ctx) {
  const char *p = list;
  for (;;) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    int i = cli_find_name(p, len, name, count);
    if (i < 0) {
      char buf[32];
      fprintf(stderr, "ncdyn %s: --%s: unknown name '%.*s'; known:", cmd, opt, (int)len, p);
      for (size_t j = 0; j < count; j++) fprintf(stderr, " %s", name(j, buf, sizeof buf));
      fputc('\n', stderr);
      return EXIT_USAGE;
    }
    int rc = fn(i, ctx);
    if (rc) return cli_error(rc, cmd, "--%s: '%.*s' given twice", opt, (int)len, p);
    if (!q) return 0;
    p = q + 1;
  }
}

static int set_bit(int i, void *ctx) {
  *(uint64_t *)ctx |= (uint64_t)1 << i;
  return 0;
}

int cli_metric_select(const char *cmd, const char *list, uint64_t *mask) {
  *mask = 0;
  return cli_name_list(cmd, "select", list, cli_metric_name, NCD_METRIC_COUNT, set_bit, mask);
}

static const char *pair_name(size_t i, char *buf, size_t cap) {
  static const char *const names[CLI_PAIR_KINDS] = {
      "cdnv", "cdnv_unbiased", "dist", "log", "riesz", "lognorm_diff", "cos_shifted",
      "wcos_upper"};
  (void)buf, (void)cap;
  return names[i];
}

const char *cli_pair_name(int i) { return pair_name((size_t)i, NULL, 0); }

static int add_pair(int i, void *ctx) {
  cli_metrics_req *r = ctx;
  for (int j = 0; j < r->npairs; j++)
    if (r->pairs[j] == i) return EXIT_USAGE;
  r->pairs[r->npairs++] = i;
  return 0;
}

int cli_pairs_parse(const char *cmd, const char *list, cli_metrics_req *req) {
  req->npairs = 0;
  return cli_name_list(cmd, "pairs", list, pair_name, CLI_PAIR_KINDS, add_pair, req);
}

static int set_grid(int i, void *ctx) {
  ((cli_metrics_req *)ctx)->grid = i;
  return 0;
}

int cli_grid_parse(const char *cmd, const char *kind, cli_metrics_req *req) {
  if (strchr(kind, ','))
    return cli_error(EXIT_USAGE, cmd, "--grid: one pair statistic, got '%s'", kind);
  return cli_name_list(cmd, "grid", kind, pair_name, CLI_PAIR_KINDS, set_grid, req);
}
