"""test_peers.py - peer-parity metrics through the Python package against the
vectors of spec/metrics-peers.md section 12 (the peers' own outputs)."""
import numpy as np
import pytest

import ncdyn
from conftest import need

H = np.array([
    -0.85, -4.07, 2.74, -1.04, -0.38, 2.46, -0.01, -0.93, -0.74, 3.22, 2.78, -0.41, 0.87,
    -0.03, 3.68, -1.65, -3.70, 1.27, 0.13, -1.51, -3.11, 0.02, -0.57, -2.17, -1.93, -1.35,
    -5.28, 1.49, 1.69, -0.34, -0.60, -3.58, 0.22, -0.05, 1.02, 4.30, 3.99, 2.50, 3.07,
    -0.30, -2.45, 1.30, 0.29, -2.15, 0.67, 2.54, -1.87, 0.68, -1.30, 2.51, 3.90, -0.71,
    1.29, -1.70, 4.38, -0.74, -4.92, 2.05, -0.06, -1.23, 1.64, -0.57, 1.24, -1.36, 4.06,
    4.72, -1.50, 1.69, -1.41, 4.93, 2.76, 0.24, 1.55, 0.42, 1.88, -2.62, 2.11, -0.41,
    -2.20, -0.28, -1.88, -4.52, 2.07, 1.49, -1.48, 2.42, 0.52, 0.58, -2.47, 3.82, 2.44,
    2.36, 3.67, 2.50, -0.71, -2.68, 1.93, 1.45, -2.15, -2.22, -0.43, -5.71, 1.32, 0.59,
    -0.24, 3.78, 2.42, 3.16, 3.14, -0.49, -3.40, 0.85, 0.09, -3.19, 0.12, 2.77, -0.42,
    -0.07, -1.34, 2.57]).reshape(24, 5)
Y = np.array([2, 3, 3, 2, 1, 2, 2, 0, 1, 3, 3, 2, 3, 3, 3, 1, 2, 3, 0, 1, 2, 0, 1, 3])
T = np.array([
    -3.46, -2.10, 1.42, 1.10, 1.44, -1.13, -2.73, -1.46, -1.68, 0.32, -2.44, -2.17,
    -1.83, -1.03, 6.14, -1.79, -0.77, -0.66, 0.00, 0.52, 1.19, -0.28, -2.82, -1.90,
    -0.16, -0.64, 0.76, 0.32, 2.42, -1.40, 0.47, -0.59, -2.70, -2.00, 0.90, 0.57,
    4.29, -3.94, -0.59, -1.01, -2.90, -1.56, 4.13, -2.58, -1.97, -0.59, 0.84, 0.94]).reshape(24, 2)


def test_peer_metrics_spec12():
    need("ncd_nc_metrics", "ncd_nc_silhouette_cos", "ncd_linear_cka", "ncd_nc_erank")
    m = ncdyn.nc_metrics(H, Y)
    # sklearn silhouette_score(metric="cosine") via MONAI; 1e-12 relative
    assert m["silhouette_cos"] == pytest.approx(0.8623437218857738, rel=1e-12)
    assert m["gnc2_log_mean"] == pytest.approx(-0.47572886859328117, rel=1e-12)
    assert m["centroid_cos"] == pytest.approx(-0.21961974846218291, rel=1e-12)
    mean, per = ncdyn.silhouette_cos(H, Y)
    assert mean == m["silhouette_cos"] and per.shape == (24,)
    assert per.mean() == pytest.approx(mean, rel=1e-14)
    assert ncdyn.linear_cka(H, T) == pytest.approx(0.72880154852994883, rel=1e-12)
    e, ec = ncdyn.erank(H, Y)
    assert e == pytest.approx(4.1712849122162972, rel=1e-12)
    assert ec[0] == pytest.approx(1.7984351130229832, rel=1e-12)
