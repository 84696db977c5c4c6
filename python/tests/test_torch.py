"""test_torch.py - ncdyn.torch: the forward-hook metrics equal ncd_nc_metrics
on the features gathered by hand (1e-10 relative / 1e-12 absolute, api.md's
accumulator tolerance; the gathered route is identical), the forward-mode JVP
equals central finite differences, the ghost radius equals
ncd_ghost_radius_bound on the finite-difference JVP (1e-6 relative: O(eps^2)
truncation with eps = 1e-5 along a direction of norm 3, in float64), and the optimizer wrapper's step obeys
||step|| <= r_target rho (capped) and == r_target rho (set)."""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="python3-torch is not installed")

import ncdyn  # noqa: E402
import ncdyn.torch as nct  # noqa: E402
from conftest import assert_close, need  # noqa: E402


def _model(seed=0, k=4):
    torch.manual_seed(seed)
    body = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(),
                               torch.nn.Linear(16, 8), torch.nn.Tanh())
    return torch.nn.Sequential(body, torch.nn.Linear(8, k))


def _data(seed=1, n=60, k=4):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 6, generator=g)
    y = torch.arange(n) % k  # int64 labels, every class present
    return x, y


def _loader(x, y, bs=16):
    return [(x[i:i + bs], y[i:i + bs]) for i in range(0, len(x), bs)]


def _by_hand(model, x, y):
    with torch.no_grad():
        f = model[0](x)
    lin = model[1]
    return ncdyn.nc_metrics(f.numpy(), y.numpy(), lin.weight.detach().double().numpy(),
                            lin.bias.detach().double().numpy())


def test_tensor_zero_copy_view():
    t = torch.arange(12.0).reshape(3, 4)
    v = nct.as_numpy(t[:, 1:])
    assert v.__array_interface__["data"][0] == t.data_ptr() + 4
    assert v.strides == (16, 4)


def test_hook_metrics_gathered():
    need("ncd_nc_metrics")
    model = _model()
    x, y = _data()
    got = nct.collect_nc_metrics(model, model[0], _loader(x, y), streaming=False)
    want = _by_hand(model, x, y)
    assert_close([got[m] for m in ncdyn.METRICS], [want[m] for m in ncdyn.METRICS], 0, 0)
    assert model.training  # mode restored


def test_hook_metrics_streaming():
    need("ncd_nc_metrics", "ncd_nc_acc_create", "ncd_nc_acc_update_f32")
    model = _model(2)
    x, y = _data(3)
    got = nct.collect_nc_metrics(model, model[0], _loader(x, y), flags=ncdyn.ACC_SCATTER)
    want = _by_hand(model, x, y)
    for m in ncdyn.METRICS:
        if m == "numrank_h":
            continue  # needs ACC_CLASS_SCATTER
        if m in ("nc4_classavg", "silhouette_cos"):
            continue  # peer metrics computed by the one-shot call only
        assert got[m] == pytest.approx(want[m], rel=1e-10, abs=1e-12, nan_ok=True), m


def test_hook_needs_labels():
    model = _model()
    with nct.FeatureHook(model[0], ncdyn.Accumulator.__new__(ncdyn.Accumulator)):
        with pytest.raises(ncdyn.InvalidArgument):
            model(torch.zeros(2, 6))


def _fd_jvp(model, x, tang, eps=1e-4):
    params = list(model.parameters())
    with torch.no_grad():
        base = [p.clone() for p in params]
        for p, t in zip(params, tang):
            p.add_(eps * t)
        zp = model(x).clone()
        for p, p0, t in zip(params, base, tang):
            p.copy_(p0 - eps * t)
        zm = model(x).clone()
        for p, p0 in zip(params, base):
            p.copy_(p0)
    return (zp - zm) / (2 * eps)


def test_jvp_and_ghost_radius_match_finite_differences():
    model = _model(4).double()
    x, _ = _data(5)
    x = x.double()
    g = torch.Generator().manual_seed(6)
    tang = [torch.randn(p.shape, generator=g, dtype=torch.float64) for p in model.parameters()]
    norm = math.sqrt(sum(float((t ** 2).sum()) for t in tang))
    tang = [t / norm * 3.0 for t in tang]  # ||v|| = 3: FD truncation ~ (3 eps)^2
    norm = 3.0
    z, a = nct.logit_jvp(model, x, tang)
    afd = _fd_jvp(model, x, tang, eps=1e-5)
    assert_close(a.numpy(), afd.numpy(), 1e-7, 1e-9)
    assert torch.equal(z, model(x).detach())
    rho, arg, _ = nct.ghost_radius(model, x, tang, normalize=False)
    rho_fd, arg_fd = ncdyn.ghost_radius_bound(afd.numpy())
    assert rho == pytest.approx(rho_fd, rel=1e-6) and arg == arg_fd
    rho_n, _, _ = nct.ghost_radius(model, x, tang)  # per unit step length
    assert rho_n == pytest.approx(rho * norm, rel=1e-12)
    rho32, _, _ = nct.ghost_radius(_model(4), x.float(), [t.float() for t in tang],
                                   normalize=False)
    assert rho32 == pytest.approx(rho_fd, rel=1e-4)


@pytest.mark.parametrize("mode", ["capped", "set"])
def test_ghost_step_scaler(mode):
    model = _model(7).double()
    x, y = _data(8)
    x = x.double()
    opt = nct.GhostStepScaler(torch.optim.SGD(model.parameters(), lr=50.0, momentum=0.9),
                              model, r_target=0.5, mode=mode)
    for it in range(3):
        before = [p.detach().clone() for p in model.parameters()]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        grads = [p.grad.clone() for p in model.parameters()]
        opt.step(x)
        step = [p.detach() - p0 for p, p0 in zip(model.parameters(), before)]
        tau = math.sqrt(sum(float((s ** 2).sum()) for s in step))
        # the step is along the optimizer's proposal (first step: -lr g) ...
        rho = nct.ghost_radius(_restored(model, before), x, step)[0]
        # ... and its length is r_target rho (lr = 50 makes the plain step far too long)
        assert tau == pytest.approx(0.5 * rho, rel=1e-9)
        assert opt.last["r"] == pytest.approx(0.5, rel=1e-12)
        if it == 0:
            cos = sum(float((s * -gr).sum()) for s, gr in zip(step, grads)) / tau / \
                math.sqrt(sum(float((gr ** 2).sum()) for gr in grads))
            assert cos == pytest.approx(1.0, rel=1e-12)


def _restored(model, params):
    import copy
    m = copy.deepcopy(model)
    with torch.no_grad():
        for p, p0 in zip(m.parameters(), params):
            p.copy_(p0)
    return m


def test_ghost_step_scaler_leaves_small_steps_alone():
    model = _model(9).double()
    ref = _restored(model, [p.detach() for p in model.parameters()])
    x, y = _data(10)
    x = x.double()
    opt = nct.GhostStepScaler(torch.optim.SGD(model.parameters(), lr=1e-3), model)
    plain = torch.optim.SGD(ref.parameters(), lr=1e-3)
    for m, o in ((model, opt), (ref, plain)):
        o.zero_grad()
        torch.nn.functional.cross_entropy(m(x), y).backward()
    opt.step(x)
    plain.step()
    assert opt.last["scale"] == 1.0 and opt.last["r"] < 1
    for p, q in zip(model.parameters(), ref.parameters()):
        assert torch.equal(p, q)
