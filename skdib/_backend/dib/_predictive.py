"""The model's predictive distribution: the head averaged over the messages.

``predict_proba`` and the path's validation score both average the head's
prediction over the same fixed draws of every channel's message
U ~ N(mu, diag exp(log_var)), so the score on the path is the score of what
the estimator predicts.
"""

import torch

__all__ = ["averaged_prediction", "predictive_noise"]


def predictive_noise(n_samples, shape, device):
    """Fixed standard-normal draws (seed 0) for messages of ``shape``.

    ``shape`` is that of the messages, rows on axis 1: (C, B, d) for the
    tabular network, (T, B, E, d) for sets. The draws have shape
    (S, C, 1, ...): shared by every row (the singleton axis), so a row's
    prediction does not depend on which other rows are predicted with it.
    """
    gen = torch.Generator().manual_seed(0)
    noise = torch.randn((n_samples, shape[0], 1, *shape[2:]), generator=gen,
                        dtype=torch.float64)
    return noise.to(device)


def averaged_prediction(model, mu, log_var, noise):
    """Mean of ``model.head.predict`` over the draws ``mu + sd * noise[s]``."""
    sd = torch.exp(0.5 * log_var)
    total = None
    for eps in noise.to(mu.dtype):
        out = model.head.predict(model.decode(mu + sd * eps))
        total = out if total is None else total + out
    return total / len(noise)
