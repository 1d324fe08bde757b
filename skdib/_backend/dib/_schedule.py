"""The β schedule: pretraining at beta_start, then a log-spaced staircase."""

import numpy as np

#: Share of each interval between checkpoints spent at the checkpoint's β.
HOLD_FRACTION = 0.5


def beta_schedule(beta_start, beta_end, n_pretrain_steps, n_steps,
                  n_checkpoints=1):
    """β for every optimisation step, shape (n_pretrain_steps + n_steps,).

    After pretraining at ``beta_start``, β rises log-linearly to ``beta_end``
    and reaches the same value at every checkpoint as a plain ramp would. It
    does so as a staircase: across each interval between two checkpoints β
    climbs over the first ``1 - HOLD_FRACTION`` of the steps and then stays at
    the next checkpoint's value, so the network settles at the β it is
    recorded at. With a continuous ramp a sweep that collapses (all channels
    leaving at once, as on parity-like circuits) was caught half-way at a
    checkpoint: channels decaying at different speeds posed as a feature
    subset that no optimum at that β uses.
    """
    ramp = (np.geomspace(beta_start, beta_end, n_steps) if n_steps > 1
            else np.full(n_steps, float(beta_end)))  # one step: at beta_end
    at = checkpoint_steps(0, n_steps, n_checkpoints) if n_steps else []
    for a, b in zip(at[:-1], at[1:], strict=True):
        n_climb = max(1, int(round((b - a) * (1.0 - HOLD_FRACTION))))
        ramp[a + 1:a + 1 + n_climb] = np.geomspace(ramp[a], ramp[b], n_climb + 1)[1:]
        ramp[a + 1 + n_climb:b + 1] = ramp[b]
    return np.concatenate([np.full(n_pretrain_steps, beta_start), ramp])


def checkpoint_steps(n_pretrain_steps, n_steps, n_checkpoints):
    """Step indices (after the update) where the path is recorded.

    They are evenly spaced along the ramp, hence log-spaced in β; the first is
    the end of pretraining and the last is the final step. A single
    checkpoint is the final step, so its β and the network's state agree.
    ``n_checkpoints`` may not exceed ``n_steps`` (the estimator checks).
    """
    if n_steps == 0 or n_checkpoints == 1:
        return np.array([n_pretrain_steps + n_steps - 1])
    ramp = np.unique(np.round(np.linspace(0, n_steps - 1, n_checkpoints)).astype(int))
    return n_pretrain_steps + ramp


def sweep_schedule(config):
    """(β of every step, set of the recorded steps) of a training config."""
    betas = beta_schedule(config.beta_start, config.beta_end,
                          config.n_pretrain_steps, config.n_steps,
                          config.n_checkpoints)
    record_at = set(checkpoint_steps(config.n_pretrain_steps, config.n_steps,
                                     config.n_checkpoints).tolist())
    return betas, record_at
