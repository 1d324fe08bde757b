"""Many β sweeps at once: a leading replicate dimension over R networks.

R networks of one shape (different seeds, training rows and validation rows:
cross-validation folds, half-samples) train together. Their parameters are
stacked along a new leading axis (``torch.func.stack_module_state``) and the
training step runs ``torch.func.vmap`` over ``torch.func.functional_call``,
so the matmuls of all replicates are one batched kernel, with one Adam
optimizer over the stacked parameters. Adam is elementwise and the loss is
the sum of the replicates' losses, so each replicate gets the update it
would get alone.

Random numbers are drawn outside ``vmap``, each replicate from its own
generator and in the order of :func:`skdib._backend.dib._train.train` (a
permutation of the training rows whenever one is used up, then the encoder
noise of the step), and checkpoints run the single-sweep code on each
replicate's own network. Replicate r therefore reproduces a separate sweep
with the same seed, up to the rounding of the batched kernels.
"""

import copy

import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from skdib._backend._device import flush_denormals, step_precision
from skdib._backend.dib._checkpoint_information import ESTIMATE_KEYS
from skdib._backend.dib._schedule import sweep_schedule
from skdib._backend.dib._settling import HoldWindow
from skdib._backend.dib._sweep_state import CHECK_EVERY, divergence
from skdib._backend.dib._train import (
    _RECORDED,
    LN2,
    _finish_record,
    _record_point,
    _scored_checkpoint,
    apply_warmup,
    make_optimizer,
    warmup_steps,
)

__all__ = ["ReplicateDiverged", "train_replicates"]


class ReplicateDiverged(RuntimeError):
    """One replicate of a batched run diverged; the run stops.

    Attributes
    ----------
    replicate, step : int
    beta : float
    detail : str
    """

    def __init__(self, replicate, step, beta, detail):
        super().__init__(f"replicate {replicate} diverged at step {step} "
                         f"(beta={beta:.3g}): {detail}")
        self.replicate, self.step, self.beta = replicate, step, beta
        self.detail = detail

    def __reduce__(self):  # picklable (the default passes only the message)
        return (type(self), (self.replicate, self.step, self.beta, self.detail),
                self.__dict__)


class _NoisyLoss(nn.Module):
    """One training step's per-row loss terms of a network, given its noise.

    The same computation as ``DistributedIBNet.forward`` followed by
    ``head.training_loss``, with the encoder noise passed in (drawn outside ``vmap``).
    """

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, y, eps):
        u, kl = self.net.messages(x, eps)
        return self.net.head.training_loss(self.net.read_out(u), y), kl


class _Stack:
    """The replicates' parameters stacked along a leading axis, and the step.

    Buffers equal in every replicate are shared (not batched); buffers that
    differ are stacked; buffers whose shapes differ (an InfoNCE codebook,
    unused by the training step) stay out, so a use would fail loudly on the
    meta device.
    """

    def __init__(self, nets):
        wrappers = [_NoisyLoss(net) for net in nets]
        params, _ = stack_module_state(wrappers)
        self.params = params
        self.shared, self.batched = {}, {}
        for name, first in wrappers[0].named_buffers():
            values = [dict(w.named_buffers())[name] for w in wrappers]
            if any(v.shape != first.shape for v in values):
                continue
            if all(torch.equal(v, first) for v in values[1:]):
                self.shared[name] = first
            else:
                self.batched[name] = torch.stack(values)
        self.base = copy.deepcopy(wrappers[0]).to("meta")
        self.names = [name.removeprefix("net.") for name in params]

    def losses(self, x, y, eps):
        """Per replicate: nll (R, batch) and the KL (R, channels, batch)."""

        def one(params, batched, x, y, eps):
            return functional_call(self.base, (params, batched, self.shared),
                                   (x, y, eps))

        return vmap(one)(self.params, self.batched, x, y, eps)

    @torch.no_grad()
    def load_into(self, net, r):
        """Copy replicate ``r``'s current parameters into its own network."""
        own = dict(net.named_parameters())
        for name, stacked in zip(self.names, self.params.values(), strict=True):
            own[name].copy_(stacked[r])


class _Batches:
    """Per-replicate minibatches and noise, drawn as the single loop draws."""

    def __init__(self, data, batch_size, generators, noise_shape):
        self.gens = generators
        device = data[0][0].device
        self.n = [d[0].shape[0] for d in data]
        self.bs = [min(batch_size, n) for n in self.n]
        self.width = max(self.bs)
        self.uniform = len(set(self.bs)) == 1
        self.x = nn.utils.rnn.pad_sequence([d[0] for d in data], batch_first=True)
        self.y = nn.utils.rnn.pad_sequence([d[1] for d in data], batch_first=True)
        self.rows = torch.arange(len(data), device=device)[:, None]
        self.noise_shape = noise_shape  # (n_channels, dim)
        self.perm = [torch.randperm(n, generator=g, device=device)
                     for n, g in zip(self.n, generators, strict=True)]
        self.cursor = [0] * len(data)
        counts = torch.as_tensor(self.bs, device=device)
        self.mask = (torch.arange(self.width, device=device) < counts[:, None]).float()
        self.counts = counts.float()

    def _pad(self, t, dim):
        missing = self.width - t.shape[dim]
        if missing == 0:
            return t
        shape = list(t.shape)
        shape[dim] = missing
        return torch.cat([t, t.new_zeros(shape)], dim=dim)

    def next(self):
        """(x, y, eps) of the next step, each with a leading replicate axis."""
        idx, eps = [], []
        for r, gen in enumerate(self.gens):
            n, bs = self.n[r], self.bs[r]
            if self.cursor[r] + bs > n:
                self.perm[r] = torch.randperm(n, generator=gen, device=gen.device)
                self.cursor[r] = 0
            idx.append(self._pad(self.perm[r][self.cursor[r]:self.cursor[r] + bs], 0))
            self.cursor[r] += bs
            c, d = self.noise_shape
            eps.append(self._pad(torch.randn((c, bs, d), generator=gen,
                                             device=gen.device, dtype=self.x.dtype),
                                 1))
        idx = torch.stack(idx)
        return self.x[self.rows, idx], self.y[self.rows, idx], torch.stack(eps)

    def mean(self, values):
        """Mean over each replicate's real rows of an (R, ..., width) tensor
        (rows on the last axis)."""
        if self.uniform:
            return values.mean(dim=-1)
        extra = (1,) * (values.dim() - 2)
        mask = self.mask.view(self.mask.shape[0], *extra, self.mask.shape[1])
        return (values * mask).sum(dim=-1) / self.counts.view(-1, *extra)


def unequal_contrastive_batches(nets, n_rows, batch_size):
    """Whether replicates with a contrastive head, whose batches are their
    negatives, would draw batches of different sizes (``n_rows`` training
    rows each): one batched step cannot hold them."""
    return bool(nets[0].head.contrastive) and len(
        {min(batch_size, n) for n in n_rows}) > 1


def _check_replicates(nets, data, batch_size):
    """Refuse what a batched run cannot do, with the reason."""
    if len(nets) != len(data) or not nets:
        raise ValueError(f"Got {len(nets)} networks and {len(data)} data sets; "
                         "give one data set per network (at least one).")
    shapes = {tuple((k, tuple(p.shape)) for k, p in net.named_parameters())
              for net in nets}
    if len(shapes) > 1:
        raise ValueError("The replicates' networks differ in shape; a batched run "
                         "needs one architecture.")
    if unequal_contrastive_batches(nets, [d[0].shape[0] for d in data],
                                   batch_size):
        raise ValueError("A contrastive (InfoNCE) head uses the batch as its "
                         "negatives, so replicates with fewer training rows than "
                         "batch_size, and different numbers of them, cannot "
                         "share one batched step.")


def _checkpoint_all(stack, nets, data, config, seeds, bounds_fns, losses, at):
    """Evaluate every replicate on its own rows; append to its record."""
    recs, lasts = at["recs"], at["lasts"]
    for r, net in enumerate(nets):
        stack.load_into(net, r)
        x_tr, y_tr, x_val, y_val = data[r]
        point, entry, lasts[r] = _scored_checkpoint(
            net, (x_tr, y_tr, x_val, y_val, None, None), config, seeds[r] + 1,
            bounds_fns[r], lasts[r])
        point["kl_drift"] = at["drift"][r]
        problem = divergence(losses[r], point, net)
        if problem is not None:
            raise ReplicateDiverged(r, at["step"], at["beta"], problem)
        _record_point(recs[r], point, at["beta"], at["step"], entry)


@flush_denormals()
def train_replicates(nets, data, config, seeds, bounds_fns=None):
    """Run R β sweeps as one batched model; return R records of ``train``.

    Parameters
    ----------
    nets : list of DistributedIBNet
        One network per replicate, of one architecture, on one device.
    data : list of tuple
        Per replicate ``(x_train, y_train, x_val, y_val)`` tensors on that
        device; the numbers of rows may differ.
    config : TrainConfig
        Shared by all replicates.
    seeds : list of int
        Replicate r draws its batches and noise from a generator seeded with
        ``seeds[r]`` and evaluates checkpoints with ``seeds[r] + 1``, as
        :func:`~skdib._backend.dib._train.train` does.
    bounds_fns : list of callable or None
        Per replicate, the information estimates of ``train`` (or None).

    Returns
    -------
    records : list of dict
        In the format of :func:`~skdib._backend.dib._train.train`; the final
        state of replicate r is also loaded into ``nets[r]``.
    """
    _check_replicates(nets, data, config.batch_size)
    bounds_fns = bounds_fns or [None] * len(nets)
    device = data[0][0].device
    gens = [torch.Generator(device=device).manual_seed(int(s)) for s in seeds]
    betas, record_at = sweep_schedule(config)
    stack = _Stack(nets)
    optimizer = make_optimizer(stack.params.values(), config.learning_rate,
                               config.weight_decay)
    batches = _Batches(data, config.batch_size, gens,
                       (nets[0].n_channels, nets[0].embedding_dim))
    at = {"recs": [{k: [] for k in (*_RECORDED, *ESTIMATE_KEYS, "snapshots")}
                   for _ in nets], "lasts": [None] * len(nets)}
    n_warmup = warmup_steps(config, len(betas))
    whole_step, forward = step_precision(config.precision, device)
    hold = HoldWindow()
    for step, beta in enumerate(betas):
        with whole_step():
            with forward():
                nll, kl = stack.losses(*batches.next())
                kl_rows = kl.sum(dim=1)
                per = batches.mean(nll) + beta * batches.mean(kl_rows)
            optimizer.zero_grad(set_to_none=True)
            per.sum().backward()
        apply_warmup(optimizer, config, step, n_warmup)
        optimizer.step()
        hold.add(beta, batches.mean(kl.detach()))
        if config.progress is not None and (step % 20 == 0 or step == len(betas) - 1):
            config.progress(step, beta, per.mean().item(),
                            batches.mean(kl_rows).mean().item() / LN2)
        if step not in record_at:
            if step % CHECK_EVERY == 0:
                _check_losses(per, step, beta)
            continue
        at.update(step=step, beta=beta, drift=hold.drift())
        _checkpoint_all(stack, nets, data, config, seeds, bounds_fns,
                        per.tolist(), at)
    for r, net in enumerate(nets):
        stack.load_into(net, r)
    return [_finish_record(rec, net) for rec, net in zip(at["recs"], nets,
                                                          strict=True)]


def _check_losses(per, step, beta):
    """Raise :class:`ReplicateDiverged` for the first exploding loss."""
    for r, value in enumerate(per.tolist()):
        problem = divergence(value, None, None)
        if problem is not None:
            raise ReplicateDiverged(r, step, beta, problem)
