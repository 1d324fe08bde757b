"""What a sweep needs to stop cleanly and to resume exactly.

A sweep stops early for two reasons: it diverges (a non-finite or exploding
loss, KL or parameter) or the user interrupts it (``KeyboardInterrupt``). In
both cases :class:`TrainingStopped` carries the path recorded so far and the
state at the last good checkpoint: network, optimizer, generator, and the
position in the current data permutation. Resuming from that state replays
the remaining steps exactly as an uninterrupted sweep would.
"""

import copy
import hashlib
import math
import warnings

import torch

from skdib._backend.dib._checkpoint_information import with_estimate_keys
from skdib._backend.dib._settling import with_drift

__all__ = ["CHECK_EVERY", "TrainingStopped", "capture", "divergence", "restore",
           "set_learning_rate"]

# Steps between two checks of the training loss (one host synchronisation).
CHECK_EVERY = 50
# Bits beyond which a channel's KL or a loss counts as exploding: no channel of
# a float32 network carries a million bits about anything.
EXPLODING_BITS = 1e6


class TrainingStopped(Exception):
    """The sweep ended before its last step.

    Attributes
    ----------
    reason : {"diverged", "interrupted"}
    step : int
        The step at which it stopped.
    beta : float
        β at that step.
    detail : str
        What was found (for divergence).
    record : dict
        The path recorded up to the last good checkpoint (the training
        loop's usual record).
    resume : dict or None
        The state at the last good checkpoint, for :func:`restore`; None when
        no checkpoint was reached.
    network : module or None
        The network that was training, when the caller attaches it.
    """

    def __init__(self, reason, step, beta, detail, record, resume):
        super().__init__(f"{reason} at step {step} (beta={beta:.3g}): {detail}")
        self.reason, self.step, self.beta = reason, step, beta
        self.detail, self.record, self.resume = detail, record, resume
        self.network = None

    def __reduce__(self):  # picklable, with the network attached later
        return type(self), (self.reason, self.step, self.beta, self.detail,
                            self.record, self.resume), self.__dict__


def _snapshot(model):
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def capture(step, model, optimizer, generator, perm, cursor, rec, eval_rows):
    """The state after ``step`` (a recorded checkpoint), on the CPU, with the
    sweep's evaluation-row rule (``eval_rows``, see
    :data:`~skdib._backend.dib._evaluation.EVAL_ROWS`), which a resumed
    sweep keeps."""
    return {
        "step": int(step),
        "model": _snapshot(model),
        "optimizer": copy.deepcopy({
            "state": {k: {n: (t.to("cpu") if torch.is_tensor(t) else t)
                          for n, t in v.items()}
                      for k, v in optimizer.state_dict()["state"].items()},
            "param_groups": optimizer.state_dict()["param_groups"]}),
        "generator": generator.get_state(),
        "generator_device": generator.device.type,
        "perm": perm.to("cpu").clone(),
        "cursor": int(cursor),
        "record": {k: list(v) for k, v in rec.items()},
        "eval_rows": int(eval_rows),
    }


def set_learning_rate(optimizer, rate):
    """Train every parameter group at ``rate`` from the next step on."""
    for group in optimizer.param_groups:
        group["lr"] = rate


def _restore_generator(generator, state):
    """Load the saved random state; one saved on another kind of device (a
    CPU and a CUDA generator keep different states) cannot be loaded, so the
    generator is seeded from it instead, with a warning."""
    saved = state.get("generator_device", generator.device.type)
    if saved == generator.device.type:
        generator.set_state(state["generator"])
        return
    seed = int.from_bytes(hashlib.sha256(
        state["generator"].numpy().tobytes()).digest()[:8], "little")
    generator.manual_seed(seed)
    warnings.warn(
        f"The sweep was stopped on a {saved} device and resumes on a "
        f"{generator.device.type} one, whose random generator cannot take the "
        "saved state: the rest of the path draws other random numbers, so it "
        f"is not the path one uninterrupted fit would give. Resume with "
        f"device='{saved}' for that.", RuntimeWarning, stacklevel=4)


def restore(state, model, optimizer, generator, device, learning_rate):
    """Load a captured state; return (first step to run, perm, cursor, rec).

    The optimizer trains on at ``learning_rate``: its saved state carries
    the old rate, and a resume may change it (after a divergence), which
    past the warm-up nothing else would set.
    """
    model.load_state_dict(state["model"])
    # a copy: on the CPU load_state_dict keeps the tensors it is given, and
    # the steps that follow would change the kept state in place, so a
    # second resume from it would not replay the first
    optimizer.load_state_dict(copy.deepcopy(state["optimizer"]))
    set_learning_rate(optimizer, learning_rate)
    _restore_generator(generator, state)
    rec = with_estimate_keys(with_drift({k: list(v) for k, v in
                                         state["record"].items()}))
    perm = state["perm"].to(device).clone()
    return state["step"] + 1, perm, state["cursor"], rec


def divergence(loss_value, point, model):
    """A sentence saying what diverged, or None when all is finite and sane."""
    if not math.isfinite(loss_value) or abs(loss_value) > EXPLODING_BITS:
        return f"the training loss is {loss_value:.3g} nats"
    if point is None:
        return None
    value = float(point["loss_train"])
    if not math.isfinite(value) or abs(value) > EXPLODING_BITS:
        return f"loss_train is {value:.3g} bits"
    for name, p in model.named_parameters():
        if not bool(torch.isfinite(p).all()):
            return f"parameter {name} is not finite"
    # the rest is measured on the held-out rows: a sign of divergence, or of
    # held-out rows in other units (which fit warns about)
    held_out = (f" on the held-out rows (the last training loss: "
                f"{loss_value:.3g} nats). If those rows lie far outside the "
                "training data (an X_val not transformed like X), fix them "
                "first")
    value = float(point["loss_val"])
    if not math.isfinite(value) or abs(value) > EXPLODING_BITS:
        return f"loss_val is {value:.3g} bits{held_out}"
    kl = torch.as_tensor(point["kl"])
    if not bool(torch.isfinite(kl).all()) or float(kl.max()) > EXPLODING_BITS:
        return f"a channel's KL is {float(kl.max()):.3g} bits{held_out}"
    return None
