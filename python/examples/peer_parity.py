#!/usr/bin/env python3
"""peer_parity.py - the numbers of rhubarbwu/neural-collapse, felixsh/nc-toolbox
and MONAI's EmbeddingCollapseMetric from libncdyn through the ncdyn package
(docs/peers.md has the full map; spec/metrics-peers.md the definitions).

    NCDYN_LIBRARY=$PWD/lib/libncdyn.so.0 PYTHONPATH=$PWD/python \\
        python3 python/examples/peer_parity.py
"""
import numpy as np

import ncdyn

rng = np.random.default_rng(0)
n, d, k = 3000, 32, 10
y = rng.integers(0, k, n)                        # int64 labels, as torch gives them
means = 3.0 * rng.standard_normal((k, d))
h = means[y] + rng.standard_normal((n, d))       # features, one sample per row
w = means + 0.5 * rng.standard_normal((k, d))    # a classifier close to the means

# rhubarbwu/neural-collapse: its README centres on the mean of the class means
rw = ncdyn.nc_metrics(h, y, w, centre="class",
                      select=["nc1", "nc2_etf_h", "nc3", "unc3_var", "gnc2_dist_var",
                              "gnc2_log_var"])
print("rhubarbwu  covariance_ratio(pinv) %.6g  simplex_etf_error %.6g  self_duality %.6g"
      % (rw["nc1"], rw["nc2_etf_h"], rw["nc3"]))
print("           cdnv(dist_exp=1) %.6g  kernel_stats(log) mean %.6g var %.6g"
      % (ncdyn.pairs(h, y, "cdnv").mean, *ncdyn.pairs(h, y, "log", centre="class")[:2]))
vec = ncdyn.class_vectors(h, y, w, centre="class")
print("           nc3u_uni_dual %.6g (= var(similarities, ddof=1) %.6g)"
      % (rw["unc3_var"], np.var(vec.dots, ddof=1)))

# nc-toolbox: sample centre, "mean" and "cov" reductions
for which in ("cdnv_unbiased", "lognorm_diff", "cos_shifted", "log", "wcos_upper"):
    s = ncdyn.pairs(h, y, which, w=w)
    print("nc-toolbox %-14s mean %10.6g  cov %10.6g" % (which, s.mean, s.cov))

# MONAI EmbeddingCollapseMetric scores from the library's metrics
m = ncdyn.nc_metrics(h, y, select=["centroid_cos", "silhouette_cos", "erank"])
print("MONAI      centroid_similarity %.6g  separation %.6g  effective_rank_score %.6g"
      % ((m["centroid_cos"] + 1) / 2, (1 - m["silhouette_cos"]) / 2,
         1 - m["erank"] / min(n - 1, d)))
print("           domain_shift (CKA of h and h @ R) %.6g"
      % ncdyn.linear_cka(h, h @ np.linalg.qr(rng.standard_normal((d, d)))[0]))
