"""ncdyn.torch - PyTorch integration (CPU tensors; needs torch >= 1.13, no
torch.func): zero-copy tensors, neural-collapse metrics from a forward hook on
an evaluation loop, the JVP-based ghost radius of a model along a step
direction (torch.autograd.forward_ad), and an optimizer wrapper applying the
ghost controller's step scaling (spec/ghosts.md 3.1) to any torch.optim
optimizer.

    import ncdyn.torch as nct
    m = nct.collect_nc_metrics(model, model.body, loader)      # dict, NC1..NC4
    rho, i, a = nct.ghost_radius(model, x, direction)           # bound along direction
    opt = nct.GhostStepScaler(torch.optim.SGD(model.parameters(), lr=0.5), model)
    ...; loss.backward(); opt.step(x)                            # step capped at r rho
"""
import math

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
from torch.nn.utils import stateless

from . import _arrays, _lib
from .ghost import ghost_radius_bound, ghost_step_scale
from .metrics import ACC_SCATTER, METRICS, Accumulator, nc_metrics

__all__ = ["as_numpy", "final_linear", "classifier_arrays", "FeatureHook",
           "collect_nc_metrics", "logit_jvp", "ghost_radius", "GhostStepScaler"]


def as_numpy(t):
    """A numpy view of a CPU tensor (zero-copy; detached; strides kept)."""
    return _arrays.to_numpy(t)


def final_linear(model):
    """The last nn.Linear among model.modules() (the classifier)."""
    last = None
    for m in model.modules():
        if isinstance(m, torch.nn.Linear):
            last = m
    if last is None:
        raise _lib.invalid("the model has no nn.Linear to read the classifier from")
    return last


def classifier_arrays(linear):
    """(w, b) float64 numpy arrays of an nn.Linear (b None without bias)."""
    w = linear.weight.detach().to("cpu", torch.float64).numpy()
    b = None if linear.bias is None else linear.bias.detach().to("cpu", torch.float64).numpy()
    return w, b


def _features(out):
    if isinstance(out, (tuple, list)):
        out = out[0]
    f = out.detach()
    if f.device.type != "cpu":
        f = f.cpu()
    f = f.reshape(f.shape[0], -1)
    if f.dtype not in (torch.float32, torch.float64):
        f = f.to(torch.float32)
    return f


class FeatureHook:
    """A forward hook on `module` (the penultimate layer) that feeds its output,
    flattened to (batch, d), with the labels set before each forward, into an
    Accumulator. Use as a context manager around an evaluation loop:

        with FeatureHook(model.body, acc) as hook:
            for x, y in loader:
                hook.labels = y
                model(x)
    """

    def __init__(self, module, accumulator):
        self.module, self.acc = module, accumulator
        self.labels = None
        self.samples = 0
        self._handle = None

    def _hook(self, module, inputs, output):
        if self.labels is None:
            raise _lib.invalid("FeatureHook: set hook.labels before the forward pass")
        f = _features(output)
        self.acc.update(f, self.labels)
        self.samples += f.shape[0]
        self.labels = None

    def attach(self):
        if self._handle is None:
            self._handle = self.module.register_forward_hook(self._hook)
        return self

    def detach(self):
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    def __enter__(self):
        return self.attach()

    def __exit__(self, *exc):
        self.detach()
        return False


def _eval_batches(model, loader, hook, device):
    with torch.no_grad():
        for batch in loader:
            x, y = batch[0], batch[1]
            hook.labels = y.cpu() if torch.is_tensor(y) else y
            model(x.to(device) if device is not None else x)


def collect_nc_metrics(model, feature_module, loader, classifier=None, k=None,
                       flags=ACC_SCATTER, streaming=True, device=None, centre=None,
                       select=None):
    """NC metrics {name: value} of `model` on the (inputs, labels) batches of
    `loader`, with the features taken by a forward hook on `feature_module` and
    the classifier read from `classifier` (an nn.Linear; default: the model's
    last nn.Linear). streaming=True runs the loop twice through an Accumulator
    (constant memory; pass 1, begin_pass2, pass 2 for NC4 and the margins);
    streaming=False gathers the features and calls nc_metrics once. `loader`
    must be re-iterable for streaming (a DataLoader or a list; any order in each
    pass). The model is put in eval mode and restored afterwards.
    centre ("sample" | "class" | "none") and select (metric names) as in
    ncdyn.nc_metrics: streaming sets the centre on the Accumulator and keeps
    the selected names of its result; streaming=False computes only them."""
    lin = classifier if classifier is not None else final_linear(model)
    w, b = classifier_arrays(lin)
    k = w.shape[0] if k is None else int(k)
    d = w.shape[1]
    was_training = model.training
    model.eval()
    try:
        if streaming:
            acc = Accumulator(d, k, flags).set_classifier(w, b)
            if centre is not None:
                acc.set_options(centre=centre)
            with FeatureHook(feature_module, acc) as hook:
                _eval_batches(model, loader, hook, device)
                acc.begin_pass2()
                _eval_batches(model, loader, hook, device)
            m = acc.metrics()
            if select is None:
                return m
            from .peers import select_mask
            return {METRICS[i]: m[METRICS[i]] for i in select_mask(select)[1]}
        feats, labels = [], []

        class _Gather:
            def update(self, f, y):
                feats.append(f.clone())
                labels.append(np.asarray(_arrays.to_numpy(y)).copy())
        with FeatureHook(feature_module, _Gather()) as hook:
            _eval_batches(model, loader, hook, device)
        return nc_metrics(torch.cat(feats), np.concatenate(labels), w, b, k=k, centre=centre,
                          select=select)
    finally:
        model.train(was_training)


def _param_dict(model, direction):
    """{name: tangent} from a dict, a list aligned with named_parameters(), or
    None entries (zero tangent)."""
    named = list(model.named_parameters())
    if isinstance(direction, dict):
        tang = dict(direction)
    else:
        direction = list(direction)
        if len(direction) != len(named):
            raise _lib.invalid("direction has %d tensors for %d parameters"
                               % (len(direction), len(named)))
        tang = {name: t for (name, _), t in zip(named, direction)}
    return named, tang


def logit_jvp(model, x, direction):
    """(z, a): the model's output z = f(theta; x) and its directional derivative
    a = d f(theta + tau v; x) / d tau at tau = 0 along v = direction (forward-mode
    AD, one pass), both as tensors."""
    named, tang = _param_dict(model, direction)
    with torch.no_grad(), fwAD.dual_level():
        duals = {}
        for name, p in named:
            t = tang.get(name)
            if t is None:
                t = torch.zeros_like(p)
            duals[name] = fwAD.make_dual(p.detach(), t.detach().to(p.dtype))
        out = stateless.functional_call(model, duals, (x,))
        z, a = fwAD.unpack_dual(out)
    if a is None:  # the output does not depend on the parameters
        a = torch.zeros_like(z)
    return z, a


def ghost_radius(model, x, direction, normalize=True):
    """(rho, argmax, a): the ghost-radius bound pi / max_i spread_i of the logit
    JVP a along `direction` (normalize=True: along direction / ||direction||, so
    rho is a step LENGTH; False: in units of the given direction). Outputs of
    more than 2 dimensions are flattened to rows of the last one (tokens)."""
    named, tang = _param_dict(model, direction)
    if normalize:
        norm = math.sqrt(sum(float((t.detach().double() ** 2).sum())
                             for t in tang.values() if t is not None))
        if norm == 0:
            raise _lib.invalid("direction is zero")
        tang = {k: (None if t is None else t / norm) for k, t in tang.items()}
    _, a = logit_jvp(model, x, tang)
    a = a.reshape(-1, a.shape[-1])
    rho, arg = ghost_radius_bound(a)
    return rho, arg, a


def _scale(tau, rho, r_target, mode):
    """lr_eff / lr for lr = 1 and ||u|| = tau: ncd_ghost_step_scale, or its
    formula (ghosts.md 3.1) with a library that predates that function."""
    try:
        return ghost_step_scale(1.0, tau, rho, r_target, mode)
    except _lib.MissingFunction:
        if tau < 1e-12 or math.isinf(rho):
            return 1.0
        s = r_target * rho / tau
        return min(1.0, s) if mode == "capped" else s


class GhostStepScaler:
    """Wraps any torch.optim optimizer: step(x) lets the optimizer propose its
    step Delta, measures the radius rho along Delta / ||Delta|| on the batch x
    (one JVP), and applies Delta scaled by ncd_ghost_step_scale: capped mode
    (NCD_STEP_GHOST) keeps ||step|| <= r_target rho, set mode (NCD_STEP_GHOST_SET)
    makes ||step|| = r_target rho. For optimizers whose step is linear in the
    learning rate (SGD, momentum, Adam) this is lr_eff = min(lr, r_target rho /
    ||u||) of spec/ghosts.md 3.1. `last` holds the step's rho, tau, scale, r."""

    def __init__(self, optimizer, model, r_target=1.0, mode="capped"):
        if mode not in ("capped", "set"):
            raise _lib.invalid("mode must be 'capped' or 'set'")
        self.optimizer, self.model = optimizer, model
        self.r_target, self.mode = float(r_target), mode
        self.last = {}

    def zero_grad(self, set_to_none=True):
        self.optimizer.zero_grad(set_to_none=set_to_none)

    @property
    def param_groups(self):
        return self.optimizer.param_groups

    def state_dict(self):
        return self.optimizer.state_dict()

    def load_state_dict(self, state):
        self.optimizer.load_state_dict(state)

    def step(self, x, closure=None):
        names = {id(p): n for n, p in self.model.named_parameters()}
        params = [p for g in self.optimizer.param_groups for p in g["params"]]
        before = [p.detach().clone() for p in params]
        loss = self.optimizer.step(closure) if closure is not None else self.optimizer.step()
        with torch.no_grad():
            delta = [p.detach() - p0 for p, p0 in zip(params, before)]
            tau = math.sqrt(sum(float((dl.double() ** 2).sum()) for dl in delta))
            if tau == 0:
                self.last = dict(rho=math.inf, tau=0.0, scale=1.0, r=0.0)
                return loss
            after = [p.detach().clone() for p in params]
            for p, p0 in zip(params, before):  # the JVP is taken at the old iterate
                p.copy_(p0)
            tang = {names[id(p)]: dl / tau for p, dl in zip(params, delta) if id(p) in names}
        rho, _, _ = ghost_radius(self.model, x, tang, normalize=False)
        scale = _scale(tau, rho, self.r_target, self.mode)
        with torch.no_grad():
            for p, p0, p1, dl in zip(params, before, after, delta):
                if scale == 1.0:
                    p.copy_(p1)
                else:
                    p.copy_(p0 + scale * dl)
        self.last = dict(rho=rho, tau=tau, scale=scale, r=scale * tau / rho)
        return loss
