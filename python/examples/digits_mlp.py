#!/usr/bin/env python3
"""digits_mlp.py - trains a small MLP with PyTorch on scikit-learn's digits
(8x8 images, 10 classes; the data ships with python3-sklearn), records the
neural-collapse metrics NC1-NC4 and the ghost radius of every epoch's last step
through the ncdyn binding, and saves a plot.

    NCDYN_LIBRARY=lib/libncdyn.so.0 PYTHONPATH=python \
        python3 python/examples/digits_mlp.py [--epochs 60] [--out digits_nc.png]

Needs python3-torch, python3-sklearn and python3-matplotlib (Debian packages).
"""
import argparse
import math

import numpy as np
import torch

import ncdyn
import ncdyn.torch as nct


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--ghost", type=float, default=0.0,
                    help="r_target of the ghost step scaler (0: plain SGD)")
    ap.add_argument("--out", default="digits_nc.png")
    args = ap.parse_args()

    from sklearn.datasets import load_digits
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.int64)
    torch.manual_seed(0)
    body = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 64), torch.nn.ReLU())
    model = torch.nn.Sequential(body, torch.nn.Linear(64, 10))
    sgd = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    opt = nct.GhostStepScaler(sgd, model, r_target=args.ghost) if args.ghost > 0 else sgd
    batches = [(x[i:i + 128], y[i:i + 128]) for i in range(0, len(x), 128)]

    hist = {m: [] for m in ("nc1", "nc2_etf_h", "nc3", "nc4", "accuracy")}
    hist["rho"], hist["r"] = [], []
    for epoch in range(args.epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            # ghost radius along this step's proposal -lr g (before the step)
            grads = [p.grad.detach().clone() for p in model.parameters()]
            opt.step(x[idx]) if args.ghost > 0 else opt.step()
        rho, _, _ = nct.ghost_radius(model, x[idx], [-g for g in grads])
        tau = args.lr * math.sqrt(sum(float((g ** 2).sum()) for g in grads))
        m = nct.collect_nc_metrics(model, body, batches, streaming=False)
        for key in ("nc1", "nc2_etf_h", "nc3", "nc4", "accuracy"):
            hist[key].append(m[key])
        hist["rho"].append(rho)
        hist["r"].append(tau / rho)
        print("epoch %3d  loss %.4f  acc %.4f  NC1 %.4g  NC2 %.4f  NC3 %.4f  NC4 %.4f  "
              "rho %.4g  r %.3g" % (epoch + 1, float(loss), m["accuracy"], m["nc1"],
                                     m["nc2_etf_h"], m["nc3"], m["nc4"], rho, tau / rho))

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    ep = np.arange(1, args.epochs + 1)
    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    ax[0].semilogy(ep, hist["nc1"], label="NC1 tr(Sw Sb+)/K")
    ax[0].semilogy(ep, np.maximum(hist["nc4"], 1e-4), label="NC4 (floor 1e-4)")
    ax[0].set_title("within-class variability")
    ax[1].plot(ep, hist["nc2_etf_h"], label="NC2 ETF error (H)")
    ax[1].plot(ep, hist["nc3"], label="NC3 self-duality")
    ax[1].plot(ep, hist["accuracy"], label="train accuracy")
    ax[1].set_title("simplex ETF and duality")
    ax[2].semilogy(ep, hist["rho"], label="ghost radius rho (last step)")
    ax[2].semilogy(ep, hist["r"], label="normalized gradient step r = lr ||g|| / rho")
    ax[2].axhline(1.0, color="gray", lw=0.5)
    ax[2].set_title("step safety")
    for a in ax:
        a.set_xlabel("epoch")
        a.legend(fontsize=8)
    fig.suptitle("MLP on sklearn digits: neural collapse and ghost radius (libncdyn %s)"
                 % ncdyn.version())
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("saved", args.out)


if __name__ == "__main__":
    main()
