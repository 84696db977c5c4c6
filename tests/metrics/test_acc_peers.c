/*
 * test_acc_peers.c - the streaming peer metrics of the accumulator
 * (spec/metrics-peers.md P-4 to P-9, P-14, P-16; docs/metrics.md "Streaming
 * peer metrics" and "Byte format v1.1"): NCD_NC4_CLASSAVG, NCD_SILHOUETTE_COS
 * (NCD_ACC_SILHOUETTE) and NCD_ERANK for 1-row batches, random splits,
 * batches missing classes, merge trees, save/load in between, against the
 * one-shot call and independent routes (a naive O(n^2 d) silhouette, the
 * agreement call with naive class means); the vector calls on a (merged)
 * state against their one-shot twins; the v1.1 bytes (minor 0 whenever no new
 * block is needed, size independent of n, every corrupted header/new-block
 * byte and every bad v1.1 field rejected, v1.0 pass-2 bytes still loading);
 * rejected batches and merges leaving the state's bytes identical.
 *
 * Tolerance: 1e-12 relative (1e-13 absolute near 0). The streamed values
 * differ from the one-shot ones only by the order of O(n) sums (model: a few
 * 1e-16 relative at n = 240); the counts behind NC4_CLASSAVG are exact.
 */
#include "common/testutil.h"
#include "metrics/acc_util.h"
#include "metrics/metrics_internal.h"

/* both opt-in peer flags (silhouette sums, per-class NC4 mismatches) */
#define SIL (NCD_ACC_SILHOUETTE | NCD_ACC_NC4_CLASS)

static void close1(double got, double want, const char *what) {
  ck_assert_msg(ncd_test_close(got, want, 1e-12, 1e-13), "%s: %.17g vs %.17g", what, got, want);
}

/* sklearn's cosine silhouette by its definition: all n^2 distances. */
static double naive_silhouette(const data *t) {
  size_t n = t->n, d = t->d, k = t->k;
  double *u = malloc(n * d * sizeof *u), *dist = malloc(k * sizeof *dist), tot = 0.0;
  size_t *cnt = calloc(k, sizeof *cnt);
  for (size_t i = 0; i < n; i++) {
    double s = 0.0;
    for (size_t j = 0; j < d; j++) s += t->h[i * d + j] * t->h[i * d + j];
    for (size_t j = 0; j < d; j++) u[i * d + j] = s > 0 ? t->h[i * d + j] / sqrt(s) : 0.0;
    cnt[t->y[i]]++;
  }
  for (size_t i = 0; i < n; i++) {
    size_t c0 = (size_t)t->y[i];
    for (size_t c = 0; c < k; c++) dist[c] = 0.0;
    for (size_t l = 0; l < n; l++) {
      if (l == i) continue;
      long double dot = 0.0;
      for (size_t j = 0; j < d; j++) dot += (long double)u[i * d + j] * u[l * d + j];
      dist[t->y[l]] += (double)(1.0L - dot);
    }
    if (cnt[c0] < 2) continue;
    double a = dist[c0] / (double)(cnt[c0] - 1), b = INFINITY;
    for (size_t c = 0; c < k; c++)
      if (c != c0 && dist[c] / (double)cnt[c] < b) b = dist[c] / (double)cnt[c];
    tot += (b - a) / (a > b ? a : b);
  }
  free(u), free(dist), free(cnt);
  return tot / (double)n;
}

/* 1 - classavg of ncd_nc_agreement against the naive class means. */
static double agreement_classavg(const data *t) {
  size_t d = t->d, k = t->k;
  double *m = calloc(k * d, sizeof *m), ca;
  size_t *cnt = calloc(k, sizeof *cnt);
  for (size_t i = 0; i < t->n; i++) {
    cnt[t->y[i]]++;
    for (size_t j = 0; j < d; j++) m[t->y[i] * d + j] += t->h[i * d + j];
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) m[c * d + j] /= (double)cnt[c];
  ck_assert_status(ncd_nc_agreement(t->n, d, k, t->h, d, t->y, m, d, t->w, d, t->b, NULL, &ca, NULL),
                   NCD_OK);
  free(m), free(cnt);
  return 1.0 - ca;
}

/* The peer metrics of a finished state against the one-shot values. */
static void check_state(const ncd_nc_acc *a, unsigned flags, const double *want, double sil,
                        double c4, const char *what) {
  double got[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_acc_metrics(a, got, NCD_METRIC_COUNT), NCD_OK);
  close1(got[NCD_NC4_CLASSAVG], want[NCD_NC4_CLASSAVG], what);
  close1(got[NCD_NC4_CLASSAVG], c4, what);
  close1(got[NCD_SILHOUETTE_COS], want[NCD_SILHOUETTE_COS], what);
  close1(got[NCD_SILHOUETTE_COS], sil, what);
  if (flags & NCD_ACC_SCATTER) close1(got[NCD_ERANK], want[NCD_ERANK], what);
  else ck_assert(isnan(got[NCD_ERANK]));
  for (int i = 0; i < NCD_NC4_CLASSAVG; i++) /* the rest unchanged by the new flag */
    if (!isnan(got[i])) close1(got[i], want[i], what);
}

/* A loaded copy of a (bitwise round trip checked). */
static ncd_nc_acc *copy_of(const ncd_nc_acc *a) {
  size_t len, len2;
  unsigned char *p = save(a, &len);
  ncd_nc_acc *b;
  ck_assert_status(ncd_nc_acc_load(p, len, &b), NCD_OK);
  unsigned char *p2 = save(b, &len2);
  ck_assert(len2 == len && memcmp(p, p2, len) == 0);
  free(p), free(p2);
  return b;
}

static void feed_rows(ncd_nc_acc *a, const data *t, size_t i0, size_t i1, size_t nb) {
  for (size_t i = i0; i < i1; i += nb) {
    size_t m = i1 - i < nb ? i1 - i : nb;
    ck_assert_status(ncd_nc_acc_update(a, m, t->h + i * t->d, t->d, t->y + i), NCD_OK);
  }
}

START_TEST(peer_splits) {
  data t = make(240, 6, 4, 3.0, 2.0, 1.0, 901);
  t.h[5 * 6 + 0] = t.h[5 * 6 + 1] = t.h[5 * 6 + 2] = 0.0; /* a zero row: distance 1 */
  t.h[5 * 6 + 3] = t.h[5 * 6 + 4] = t.h[5 * 6 + 5] = 0.0;
  double want[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics_select(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, t.b, NULL,
                                         ~(uint64_t)0, want, NCD_METRIC_COUNT), NCD_OK);
  double sil = naive_silhouette(&t), c4 = agreement_classavg(&t), sil1;
  ck_assert_status(ncd_nc_silhouette_cos(t.n, t.d, t.k, t.h, t.d, t.y, &sil1, NULL), NCD_OK);
  close1(sil1, sil, "one-shot silhouette vs naive");
  ck_assert(c4 > 0.05); /* the classifier disagrees with the nearest mean often */
  /* the same rows sorted by label: batches of 25 miss classes */
  data s = t;
  s.h = malloc(t.n * t.d * sizeof(double));
  s.y = malloc(t.n * sizeof(int32_t));
  size_t o = 0;
  for (int32_t c = 0; c < (int32_t)t.k; c++)
    for (size_t i = 0; i < t.n; i++)
      if (t.y[i] == c) {
        memcpy(s.h + o * t.d, t.h + i * t.d, t.d * sizeof(double));
        s.y[o++] = c;
      }
  unsigned fl[3] = {SIL, SIL | NCD_ACC_SCATTER, SIL | NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER};
  ncd_test_rng r;
  ncd_test_seed(&r, 902);
  for (int f = 0; f < 3; f++)
    for (int split = 0; split < 3; split++) {
      ncd_nc_acc *a;
      ck_assert_status(ncd_nc_acc_create(t.d, t.k, fl[f], &a), NCD_OK);
      ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
      if (split == 0) feed_rows(a, &t, 0, t.n, 1); /* 1-row batches */
      else if (split == 1) feed(a, &t, &r, 37);    /* random splits */
      else feed_rows(a, &s, 0, s.n, 25);           /* classes missing from batches */
      ncd_nc_acc *b = copy_of(a);                  /* save/load between the passes */
      ncd_nc_acc_free(a);
      ck_assert_status(ncd_nc_acc_begin_pass2(b), NCD_OK);
      if (split == 2) feed(b, &t, &r, 29);
      else feed_rows(b, &s, 0, s.n, split == 0 ? 1 : 60);
      ncd_nc_acc *c = copy_of(b);
      check_state(b, fl[f], want, sil, c4, "split");
      check_state(c, fl[f], want, sil, c4, "split, loaded");
      ncd_nc_acc_free(b);
      ncd_nc_acc_free(c);
    }
  /* merge trees: shards [0,70), [70,150), [150,240); pass 1 merged as
   * (A + B) + C and A + (B + C); pass 2 on loaded copies of the merged first
   * pass, one per shard, merged again */
  for (int f = 0; f < 3; f++)
    for (int tree = 0; tree < 2; tree++) {
      size_t cut[4] = {0, 70, 150, 240};
      ncd_nc_acc *sh[3];
      for (int i = 0; i < 3; i++) {
        ck_assert_status(ncd_nc_acc_create(t.d, t.k, fl[f], &sh[i]), NCD_OK);
        ck_assert_status(ncd_nc_acc_set_classifier(sh[i], t.w, t.d, t.b), NCD_OK);
        feed_rows(sh[i], &s, cut[i], cut[i + 1], 13); /* sorted rows: shards miss classes */
      }
      if (tree == 0) {
        ck_assert_status(ncd_nc_acc_merge(sh[0], sh[1]), NCD_OK);
        ck_assert_status(ncd_nc_acc_merge(sh[0], sh[2]), NCD_OK);
      } else {
        ck_assert_status(ncd_nc_acc_merge(sh[1], sh[2]), NCD_OK);
        ck_assert_status(ncd_nc_acc_merge(sh[0], sh[1]), NCD_OK);
      }
      ncd_nc_acc *p2[3];
      for (int i = 0; i < 3; i++) {
        p2[i] = copy_of(sh[0]);
        ck_assert_status(ncd_nc_acc_begin_pass2(p2[i]), NCD_OK);
        feed_rows(p2[i], &t, cut[i], cut[i + 1], 17);
      }
      ncd_nc_acc *m = copy_of(p2[2]); /* a loaded partial pass 2 merges too */
      ck_assert_status(ncd_nc_acc_merge(m, p2[tree]), NCD_OK);
      ck_assert_status(ncd_nc_acc_merge(m, p2[1 - tree]), NCD_OK);
      check_state(m, fl[f], want, sil, c4, "merge tree");
      double part[NCD_METRIC_COUNT]; /* incomplete second pass: NaN */
      ck_assert_status(ncd_nc_acc_metrics(p2[0], part, NCD_METRIC_COUNT), NCD_OK);
      ck_assert(isnan(part[NCD_NC4_CLASSAVG]) && isnan(part[NCD_SILHOUETTE_COS]));
      for (int i = 0; i < 3; i++) ncd_nc_acc_free(sh[i]), ncd_nc_acc_free(p2[i]);
      ncd_nc_acc_free(m);
    }
  /* float32 batches and int64 labels: equal to the one-shot call on the
   * converted array */
  float *h32 = malloc(t.n * t.d * sizeof(float));
  double *hc = malloc(t.n * t.d * sizeof(double));
  int64_t *y64 = malloc(t.n * sizeof(int64_t));
  for (size_t i = 0; i < t.n * t.d; i++) h32[i] = (float)t.h[i], hc[i] = (double)h32[i];
  for (size_t i = 0; i < t.n; i++) y64[i] = t.y[i];
  double w32[NCD_METRIC_COUNT], got[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics_select(t.n, t.d, t.k, hc, t.d, t.y, t.w, t.d, t.b, NULL,
                                         ~(uint64_t)0, w32, NCD_METRIC_COUNT), NCD_OK);
  ncd_nc_acc *a;
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, SIL, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
  ck_assert_status(ncd_nc_acc_update_f32(a, 100, h32, t.d, t.y), NCD_OK);
  ck_assert_status(ncd_nc_acc_update_f32_i64(a, 140, h32 + 100 * t.d, t.d, y64 + 100), NCD_OK);
  ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
  ck_assert_status(ncd_nc_acc_update_f32_i64(a, t.n, h32, t.d, y64), NCD_OK);
  ck_assert_status(ncd_nc_acc_metrics(a, got, NCD_METRIC_COUNT), NCD_OK);
  close1(got[NCD_SILHOUETTE_COS], w32[NCD_SILHOUETTE_COS], "f32 silhouette");
  close1(got[NCD_NC4_CLASSAVG], w32[NCD_NC4_CLASSAVG], "f32 classavg");
  ncd_nc_acc_free(a);
  free(h32), free(hc), free(y64);
  free(s.h), free(s.y);
  drop(&t);
}
END_TEST

/* Vector calls on a merged state against their one-shot twins. */
START_TEST(vector_calls) {
  data t = make(200, 5, 4, 2.0, 2.0, 0.7, 911);
  ncd_nc_acc *a, *b;
  unsigned fl = NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER;
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, fl, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, fl, &b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(b, t.w, t.d, t.b), NCD_OK);
  feed_rows(a, &t, 0, 90, 11);
  feed_rows(b, &t, 90, t.n, 23);
  ck_assert_status(ncd_nc_acc_merge(a, b), NCD_OK);
  size_t np = t.k * (t.k - 1) / 2, k = t.k;
  double vals[6], vw[6], mean, var, mw, vrw;
  const double ps[8] = {1.0, 0.5, 0.0, -1.0, 3.0, 0.0, 0.0, 0.0};
  for (int pass = 1; pass <= 2; pass++) {
    for (int c = 0; c < 3; c++)
      for (int which = 0; which <= NCD_PAIR_WCOS_UPPER; which++) {
        ck_assert_status(ncd_nc_acc_pairs(a, (ncd_centre)c, (ncd_pair)which, ps[which], &mean, &var, vals),
                         NCD_OK);
        ck_assert_status(ncd_nc_pairs(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, (ncd_centre)c,
                                      (ncd_pair)which, ps[which], &mw, &vrw, vw), NCD_OK);
        close1(mean, mw, "pairs mean");
        close1(var, vrw, "pairs var");
        for (size_t i = 0; i < np; i++) close1(vals[i], vw[i], "pairs vals");
      }
    for (int c = 0; c < 3; c++) {
      double v[4][4], g[16], vw2[4][4], gw[16];
      ck_assert_status(ncd_nc_acc_class_vectors(a, (ncd_centre)c, v[0], v[1], v[2], v[3], g, k), NCD_OK);
      ck_assert_status(ncd_nc_class_vectors(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, (ncd_centre)c,
                                            vw2[0], vw2[1], vw2[2], vw2[3], gw, k), NCD_OK);
      for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < k; j++) close1(v[i][j], vw2[i][j], "class vectors");
      for (size_t j = 0; j < k * k; j++) close1(g[j], gw[j], "gram");
    }
    double e, ec[4], ew, ecw[4];
    ck_assert_status(ncd_nc_acc_erank(a, &e, ec), NCD_OK);
    ck_assert_status(ncd_nc_erank(t.n, t.d, t.k, t.h, t.d, t.y, &ew, ecw), NCD_OK);
    close1(e, ew, "erank");
    for (size_t c = 0; c < k; c++) close1(ec[c], ecw[c], "erank class");
    /* OOD data: 50 shifted rows, as a one-class second accumulator and as a mean */
    double hood[50 * 5], gm[5] = {0};
    ncd_test_rng r;
    ncd_test_seed(&r, 913);
    ncd_test_fill_normal(&r, hood, 50, 5, 5);
    for (int i = 0; i < 250; i++) hood[i] += 1.5;
    for (int i = 0; i < 50; i++)
      for (int j = 0; j < 5; j++) gm[j] += hood[i * 5 + j] / 50.0;
    ncd_nc_acc *ood, *ood2;
    int32_t yo[50] = {0};
    ck_assert_status(ncd_nc_acc_create(t.d, 2, 0, &ood), NCD_OK);
    ck_assert_status(ncd_nc_acc_create(t.d, 2, 0, &ood2), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(ood, 20, hood, 5, yo), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(ood2, 30, hood + 100, 5, yo), NCD_OK);
    ck_assert_status(ncd_nc_acc_merge(ood, ood2), NCD_OK);
    for (int c = 0; c < 3; c++) {
      double x1, x2, xw;
      ck_assert_status(ncd_nc_acc_ood_orthodev(a, ood, NULL, (ncd_centre)c, &x1), NCD_OK);
      ck_assert_status(ncd_nc_acc_ood_orthodev(a, NULL, gm, (ncd_centre)c, &x2), NCD_OK);
      ck_assert_status(ncd_nc_ood_orthodev(t.n, t.d, t.k, t.h, t.d, t.y, 50, hood, 5, (ncd_centre)c, &xw),
                       NCD_OK);
      ck_assert(xw > 0.0 && xw < 1.0);
      close1(x1, xw, "orthodev (ood state)");
      close1(x2, xw, "orthodev (ood mean)");
    }
    ncd_nc_acc_free(ood), ncd_nc_acc_free(ood2);
    /* OOD data = the data itself, other batches: g = mu_G to rounding, NaN
     * with the sample centre as the one-shot call */
    ck_assert_status(ncd_nc_acc_create(t.d, 2, 0, &ood), NCD_OK);
    for (size_t i = 0; i < t.n; i += 40) ck_assert_status(ncd_nc_acc_update(ood, 40, t.h + i * t.d, t.d, yo), NCD_OK);
    double xs, xw;
    ck_assert_status(ncd_nc_acc_ood_orthodev(a, ood, NULL, NCD_CENTRE_SAMPLE, &xs), NCD_OK);
    ck_assert_status(ncd_nc_ood_orthodev(t.n, t.d, t.k, t.h, t.d, t.y, t.n, t.h, t.d, NCD_CENTRE_SAMPLE, &xw),
                     NCD_OK);
    ck_assert(isnan(xs) && isnan(xw));
    ncd_nc_acc_free(ood);
    if (pass == 1) { /* the second pass does not change the first-pass state */
      ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
      feed_rows(a, &t, 0, 50, 7);
    }
  }
  /* flags the state lacks, a missing classifier */
  ncd_nc_acc *z;
  double e;
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, 0, &z), NCD_OK);
  feed_rows(z, &t, 0, t.n, 50);
  ck_assert_status(ncd_nc_acc_erank(z, &e, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_erank(z, NULL, vals), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(z, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, &mean, NULL, NULL),
                   NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(z, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 0, &mean, NULL, NULL), NCD_OK);
  ncd_nc_acc_free(z);
  ncd_nc_acc_free(a);
  ncd_nc_acc_free(b);
  drop(&t);
}
END_TEST

/* Rewrite the CRC of a state's bytes after an edit. */
static void fix_crc(unsigned char *p, size_t len) {
  uint32_t c = ncd__crc32(0, p, len - 4);
  for (int i = 0; i < 4; i++) p[len - 4 + i] = (unsigned char)(c >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get_u64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}
static void put_f64(unsigned char *p, double x) {
  uint64_t v;
  memcpy(&v, &x, 8);
  put_u64(p, v);
}
/* The edited copy must fail to load. */
static void rejects(const unsigned char *p, size_t len, size_t off, const unsigned char *val,
                    size_t nval, const char *what) {
  unsigned char *q = malloc(len);
  memcpy(q, p, len);
  memcpy(q + off, val, nval);
  fix_crc(q, len);
  ncd_nc_acc *x = NULL;
  ck_assert_msg(ncd_nc_acc_load(q, len, &x) == NCD_EFORMAT, "accepted: %s", what);
  ck_assert(x == NULL);
  free(q);
}

START_TEST(format_v11) {
  data t = make(100, 4, 3, 1.0, 2.0, 1.0, 921), t2 = make(1000, 4, 3, 1.0, 2.0, 1.0, 922);
  size_t k = 3, d = 4;
  /* the contract's flags 0..3, with a classifier, in either pass: minor 0 and
   * the v1.0 size of spec 4e (api.md fixes that save writes that format) */
  for (unsigned fl = 0; fl < 4; fl++)
    for (int p2 = 0; p2 < 2; p2++) {
      ncd_nc_acc *a;
      ck_assert_status(ncd_nc_acc_create(d, k, fl, &a), NCD_OK);
      ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, d, t.b), NCD_OK);
      feed_rows(a, &t, 0, t.n, 30);
      if (p2) {
        ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
        feed_rows(a, &t, 0, t.n, 45);
      }
      size_t len, tri = d * (d + 1) / 2;
      unsigned char *p = save(a, &len);
      size_t want = 64 + 8 * (d + k + k * d + k) + 4 + ((fl & 1) ? 8 * tri : 0) +
                    ((fl & 2) ? 8 * k * tri : 0) + 8 * (k * d + k + 1) + (p2 ? 8 * (6 + k) : 0);
      ck_assert_uint_eq(len, want);
      ck_assert(p[6] == 0 && p[7] == 0);
      free(p);
      ncd_nc_acc_free(a);
    }
  /* new blocks: minor 1, size independent of n; every byte of the header and
   * of the new blocks flipped is rejected */
  ncd_nc_options opt = {1e-9, NCD_CENTRE_CLASS};
  for (int v = 0; v < 4; v++) {
    unsigned fl = v & 1 ? SIL | NCD_ACC_SCATTER : SIL;
    ncd_nc_acc *a, *c;
    ck_assert_status(ncd_nc_acc_create(d, k, fl, &a), NCD_OK);
    ck_assert_status(ncd_nc_acc_create(d, k, fl, &c), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, d, t.b), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(c, t2.w, d, t2.b), NCD_OK);
    if (v & 2) {
      ck_assert_status(ncd_nc_acc_set_options(a, &opt), NCD_OK);
      ck_assert_status(ncd_nc_acc_set_options(c, &opt), NCD_OK);
    }
    feed_rows(a, &t, 0, t.n, 30);
    feed_rows(c, &t2, 0, t2.n, 300);
    for (int pass = 1; pass <= 2; pass++) {
      size_t len, lenc;
      unsigned char *p = save(a, &len), *pc = save(c, &lenc);
      ck_assert_uint_eq(len, lenc);
      ck_assert(p[6] == 1 && p[7] == 0);
      ncd_nc_acc *x = copy_of(a);
      double o1[NCD_METRIC_COUNT], o2[NCD_METRIC_COUNT];
      ck_assert_status(ncd_nc_acc_metrics(a, o1, NCD_METRIC_COUNT), NCD_OK);
      ck_assert_status(ncd_nc_acc_metrics(x, o2, NCD_METRIC_COUNT), NCD_OK);
      /* same state bytes; BLAS-based metrics (SNR) may still differ in the
       * last bit with the buffers' alignment: 1e-14 */
      for (int i = 0; i < NCD_METRIC_COUNT; i++)
        ck_assert_msg(ncd_test_close(o1[i], o2[i], 1e-14, 0), "v %d pass %d metric %d: %.17g vs %.17g",
                      v, pass, i, o1[i], o2[i]);
      ncd_nc_acc_free(x);
      size_t nb = 8 * (k * d) + (pass == 2 ? 8 + 8 * k : 0) + ((v & 2) ? 16 : 0);
      x = NULL;
      for (size_t i = 0; i < len; i++) {
        if (i >= 64 && i < len - 4 - nb) continue;
        for (int bit = 0; bit < 8; bit += 7) {
          p[i] ^= (unsigned char)(1u << bit);
          ck_assert_msg(ncd_nc_acc_load(p, len, &x) == NCD_EFORMAT, "byte %zu bit %d", i, bit);
          p[i] ^= (unsigned char)(1u << bit);
        }
      }
      ck_assert(x == NULL);
      /* field checks behind a valid CRC */
      unsigned char b1[8] = {2, 0}, b0[2] = {0, 0}, fx[4];
      rejects(p, len, 6, b1, 2, "minor 2");
      rejects(p, len, 6, b0, 2, "minor 0 with v1.1 blocks");
      memcpy(fx, p + 8, 4);
      fx[0] |= 128;
      rejects(p, len, 8, fx, 4, "unknown flag 128");
      memcpy(fx, p + 8, 4);
      fx[1] = 1;
      rejects(p, len, 8, fx, 4, "unknown flag 256");
      size_t sil0 = len - 4 - nb; /* the silhouette sums */
      unsigned char f8[8];
      put_f64(f8, (double)t.n);
      rejects(p, len, sil0, f8, 8, "silhouette sum beyond n_c");
      put_f64(f8, NAN);
      rejects(p, len, sil0 + 8, f8, 8, "NaN silhouette sum");
      if (pass == 2) {
        put_f64(f8, 2.5 * 40);
        rejects(p, len, sil0 + 8 * k * d, f8, 8, "silhouette total beyond n2");
        size_t mc = sil0 + 8 * k * d + 8;
        put_u64(f8, get_u64(p + mc) + 1);
        rejects(p, len, mc, f8, 8, "mismatch sum");
        put_u64(f8, 1000);
        rejects(p, len, mc + 8, f8, 8, "mismatches beyond n2_c");
      }
      if (v & 2) {
        size_t op = len - 4 - 16;
        put_f64(f8, 1.0);
        rejects(p, len, op, f8, 8, "pinv cut 1");
        put_f64(f8, -1e-3);
        rejects(p, len, op, f8, 8, "negative pinv cut");
        put_u64(f8, 3);
        rejects(p, len, op + 8, f8, 8, "centre 3");
        unsigned char z16[16] = {0};
        rejects(p, len, op, z16, 16, "default options written");
      }
      free(p), free(pc);
      if (pass == 1) {
        ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
        ck_assert_status(ncd_nc_acc_begin_pass2(c), NCD_OK);
        feed_rows(a, &t, 0, 40, 40); /* partial second pass */
        feed_rows(c, &t2, 0, 400, 100);
      }
    }
    ncd_nc_acc_free(a);
    ncd_nc_acc_free(c);
  }
  /* minor 1 without any v1.1 block: rejected */
  ncd_nc_acc *a;
  ck_assert_status(ncd_nc_acc_create(d, k, NCD_ACC_SCATTER, &a), NCD_OK);
  feed_rows(a, &t, 0, t.n, 50);
  size_t len;
  unsigned char *p = save(a, &len), one[2] = {1, 0};
  rejects(p, len, 6, one, 2, "minor 1 without a v1.1 block");
  free(p);
  ncd_nc_acc_free(a);
  drop(&t), drop(&t2);
}
END_TEST

/* NCD_NC4_CLASSAVG is opt-in (NCD_ACC_NC4_CLASS): without the flag a pass-2
 * state with a classifier saves exactly as v1.0 (flags 4 | 8, the spec 4e size)
 * and gives NaN for it, every other metric bitwise equal to the flagged
 * state's; with the flag it saves as v1.1 (flag 32 in both passes, the 8k-byte
 * block in pass 2), round-trips, and a second pass continued on a loaded
 * first-pass copy gives the same value. States with different flags do not
 * merge. */
START_TEST(nc4_class_opt_in) {
  data t = make(120, 4, 3, 1.0, 2.0, 1.0, 931);
  size_t k = 3, d = t.d;
  ncd_nc_acc *a, *b;
  ck_assert_status(ncd_nc_acc_create(d, k, 0, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(d, k, NCD_ACC_NC4_CLASS, &b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, d, t.b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(b, t.w, d, t.b), NCD_OK);
  feed_rows(a, &t, 0, t.n, 40);
  feed_rows(b, &t, 0, t.n, 40);
  size_t la, lb;
  unsigned char *pa = save(a, &la), *pb = save(b, &lb);
  ck_assert(pa[6] == 0 && pa[8] == 4 && pb[6] == 1 && pb[8] == (4 | 32) && la == lb);
  ck_assert(memcmp(pa + 12, pb + 12, la - 16) == 0); /* same content, other flags and CRC */
  free(pa), free(pb);
  ncd_nc_acc *b1 = copy_of(b); /* first pass loaded: keeps the flag */
  ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
  ck_assert_status(ncd_nc_acc_begin_pass2(b), NCD_OK);
  ck_assert_status(ncd_nc_acc_begin_pass2(b1), NCD_OK);
  feed_rows(a, &t, 0, t.n, 40);
  feed_rows(b, &t, 0, t.n, 40);
  feed_rows(b1, &t, 0, t.n, 7);
  pa = save(a, &la), pb = save(b, &lb);
  ck_assert(pa[6] == 0 && pa[8] == (4 | 8) && pb[6] == 1 && pb[8] == (4 | 8 | 32));
  ck_assert_uint_eq(lb, la + 8 * k);
  ck_assert_uint_eq(la, 64 + 8 * (d + k + k * d + k) + 8 * (k * d + k + 1) + 8 * (6 + k) + 4);
  double oa[NCD_METRIC_COUNT], ob[NCD_METRIC_COUNT], o1[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_acc_metrics(a, oa, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_acc_metrics(b, ob, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_acc_metrics(b1, o1, NCD_METRIC_COUNT), NCD_OK);
  ck_assert(isnan(oa[NCD_NC4_CLASSAVG]));
  close1(ob[NCD_NC4_CLASSAVG], agreement_classavg(&t), "opt-in classavg");
  close1(o1[NCD_NC4_CLASSAVG], ob[NCD_NC4_CLASSAVG], "classavg on a loaded first pass");
  for (int i = 0; i < NCD_METRIC_COUNT; i++)
    if (i != NCD_NC4_CLASSAVG) ck_assert(oa[i] == ob[i] || (isnan(oa[i]) && isnan(ob[i])));
  ncd_nc_acc *b2 = copy_of(b);
  double o2[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_acc_metrics(b2, o2, NCD_METRIC_COUNT), NCD_OK);
  ck_assert(o2[NCD_NC4_CLASSAVG] == ob[NCD_NC4_CLASSAVG]);
  ck_assert_status(ncd_nc_acc_merge(a, b), NCD_EINVAL); /* different flags */
  free(pa), free(pb);
  ncd_nc_acc_free(a), ncd_nc_acc_free(b), ncd_nc_acc_free(b1), ncd_nc_acc_free(b2);
  drop(&t);
}
END_TEST

/* Allocation failure at every point of an update (merge = 0: 20 rows from
 * row off) or a merge with o (merge = 1): NCD_ENOMEM with the bytes
 * unchanged, until the call succeeds. */
typedef struct op_args {
  ncd_nc_acc *a, *o;
  const data *t;
  size_t off;
} op_args;
static void fail_sweep(const op_args *x, int merge) {
  size_t len;
  unsigned char *ref = save(x->a, &len);
  int failed = 1;
  for (uint64_t j = 1; failed && j < 64; j++) {
    ncd__alloc_fail_at(j, 0);
    int st = merge ? ncd_nc_acc_merge(x->a, x->o)
                   : ncd_nc_acc_update(x->a, 20, x->t->h + x->off * x->t->d, x->t->d,
                                       x->t->y + x->off);
    ncd__alloc_fail_at(0, 0);
    if (st == NCD_OK) failed = 0;
    else {
      ck_assert_status(st, NCD_ENOMEM);
      same_bytes(x->a, ref, len);
    }
  }
  ck_assert(!failed);
  free(ref);
}

/* Rejected batches and merges under NCD_ACC_SILHOUETTE leave the bytes
 * identical, including allocation failures at every point. */
START_TEST(rejected_unchanged) {
  data t = make(60, 4, 3, 0.0, 2.0, 1.0, 941);
  ncd_nc_acc *a, *o, *e;
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, SIL | NCD_ACC_SCATTER, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, SIL | NCD_ACC_SCATTER, &o), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(t.d, t.k, NCD_ACC_SCATTER, &e), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(o, t.w, t.d, t.b), NCD_OK);
  ck_assert_status(ncd_nc_acc_set_classifier(e, t.w, t.d, t.b), NCD_OK);
  feed_rows(a, &t, 0, 30, 30);
  feed_rows(o, &t, 30, 50, 20);
  feed_rows(e, &t, 30, 50, 20);
  for (int pass = 1; pass <= 2; pass++) {
    size_t len;
    unsigned char *ref = save(a, &len);
    size_t off = pass == 1 ? 30 : 0;
    int32_t y[20];
    memcpy(y, t.y + off, sizeof y);
    y[3] = 3;
    ck_assert_status(ncd_nc_acc_update(a, 20, t.h + off * t.d, t.d, y), NCD_EINVAL);
    double keep = t.h[off * t.d + 9];
    t.h[off * t.d + 9] = NAN;
    ck_assert_status(ncd_nc_acc_update(a, 20, t.h + off * t.d, t.d, t.y + off), NCD_ENONFINITE);
    t.h[off * t.d + 9] = keep;
    ck_assert_status(ncd_nc_acc_merge(a, e), NCD_EINVAL); /* different flags */
    same_bytes(a, ref, len);
    free(ref);
    op_args up = {a, NULL, &t, off};
    fail_sweep(&up, 0); /* updates */
    up.o = o;
    fail_sweep(&up, 1); /* merges */
    if (pass == 1) { /* 30 + 20 + 20 (o) = 70 rows > 60: a fresh start for pass 2 */
      ncd_nc_acc_free(a), ncd_nc_acc_free(o);
      ck_assert_status(ncd_nc_acc_create(t.d, t.k, SIL | NCD_ACC_SCATTER, &a), NCD_OK);
      ck_assert_status(ncd_nc_acc_set_classifier(a, t.w, t.d, t.b), NCD_OK);
      feed_rows(a, &t, 0, t.n, 25);
      ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
      o = copy_of(a);
      feed_rows(o, &t, 40, t.n, 20);
      ck_assert_status(ncd_nc_acc_merge(a, o), NCD_OK); /* a has rows 40..59 now */
      ncd_nc_acc_free(o);
      ck_assert_status(ncd_nc_acc_create(t.d, t.k, SIL | NCD_ACC_SCATTER, &o), NCD_OK);
      ck_assert_status(ncd_nc_acc_set_classifier(o, t.w, t.d, t.b), NCD_OK);
      feed_rows(o, &t, 0, t.n, 25);
      ck_assert_status(ncd_nc_acc_begin_pass2(o), NCD_OK);
      feed_rows(o, &t, 20, 40, 20);
      /* a sees rows 0..19 in the loop above, then o brings 20..39 */
      ck_assert_status(ncd_nc_acc_merge(a, a), NCD_EINVAL);
    }
  }
  double got[NCD_METRIC_COUNT], want[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_acc_metrics(a, got, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_metrics_select(t.n, t.d, t.k, t.h, t.d, t.y, t.w, t.d, t.b, NULL,
                                         ~(uint64_t)0, want, NCD_METRIC_COUNT), NCD_OK);
  close1(got[NCD_SILHOUETTE_COS], want[NCD_SILHOUETTE_COS], "after rejections");
  close1(got[NCD_NC4_CLASSAVG], want[NCD_NC4_CLASSAVG], "after rejections");
  ncd_nc_acc_free(a), ncd_nc_acc_free(o), ncd_nc_acc_free(e);
  drop(&t);
}
END_TEST

Suite *suite_metrics_acc_peers(void) {
  Suite *s = suite_create("metrics_acc_peers");
  TCase *tc = tcase_create("acc_peers");
  tcase_add_test(tc, peer_splits);
  tcase_add_test(tc, vector_calls);
  tcase_add_test(tc, format_v11);
  tcase_add_test(tc, nc4_class_opt_in);
  tcase_add_test(tc, rejected_unchanged);
  suite_add_tcase(s, tc);
  return s;
}
