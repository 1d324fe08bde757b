"""The β schedule: pretraining at beta_start, then a log-spaced ramp."""

import numpy as np


def beta_schedule(beta_start, beta_end, n_pretrain_steps, n_steps):
    """β for every optimisation step, shape (n_pretrain_steps + n_steps,)."""
    ramp = np.geomspace(beta_start, beta_end, n_steps) if n_steps else np.empty(0)
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
