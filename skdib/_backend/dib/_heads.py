"""Prediction heads: turn decoder features into a likelihood for y."""

import math

import torch
from torch import nn

from skdib._backend.dib._metrics import (
    r2_rows,
    r2_with_se,
    squared_error_rows,
    weighted_mean_se,
)

LOG_2PI = math.log(2.0 * math.pi)


class CategoricalHead(nn.Module):
    """Softmax over ``n_classes`` logits; y holds integer class codes.

    ``label_smoothing`` (epsilon) trains against the labels mixed with
    epsilon of the uniform distribution, so no logit gap is worth more than
    log((K - epsilon (K - 1)) / epsilon): it bounds what a confidently wrong
    prediction costs. The held-out losses and scores are always against the
    true labels.
    """

    contrastive = False

    def __init__(self, n_in, n_classes, label_smoothing=0.0):
        super().__init__()
        self.linear = nn.Linear(n_in, n_classes, dtype=torch.float32)
        self.label_smoothing = float(label_smoothing)

    def forward(self, h):
        return self.linear(h)

    def nll(self, out, y):
        """Per-sample negative log-likelihood in nats."""
        return nn.functional.cross_entropy(out, y, reduction="none")

    def training_loss(self, out, y):
        """Per-sample loss the sweep minimises, in nats: the negative
        log-likelihood of the smoothed labels."""
        return nn.functional.cross_entropy(
            out, y, reduction="none",
            # absent from heads pickled before smoothing existed
            label_smoothing=getattr(self, "label_smoothing", 0.0))

    def predict(self, out):
        """Class probabilities."""
        return torch.softmax(out, dim=-1)

    def loss_rows(self, pred, y, weights=None):
        """Per row: the log loss of the predicted probabilities, in bits
        (``weights`` change no row's loss)."""
        p = pred.gather(1, y.reshape(-1, 1)).squeeze(1).double()
        return -torch.log2(p.clamp_min(1e-15))

    def row_scores(self, out, y, weights=None):
        """Per row: 1 if the most probable class is right, else 0."""
        return (out.argmax(dim=-1) == y).double()

    def score(self, out, y, weights=None):
        """Accuracy (weighted by ``weights`` if given) and its standard error."""
        correct = self.row_scores(out, y)
        return weighted_mean_se(correct, weights)


class GaussianHead(nn.Module):
    """Gaussian likelihood with a learned variance per output.

    y is expected standardised (zero mean, unit variance per output) so the
    initial variance of one is sensible; the estimator undoes the scaling.
    """

    contrastive = False

    def __init__(self, n_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_in, n_outputs, dtype=torch.float32)
        self.log_var = nn.Parameter(torch.zeros(n_outputs, dtype=torch.float32))

    def forward(self, h):
        return self.linear(h)

    def nll(self, out, y):
        """Per-sample negative log-likelihood in nats, summed over outputs."""
        sq = (y - out) ** 2 * torch.exp(-self.log_var)
        return 0.5 * (LOG_2PI + self.log_var + sq).sum(dim=-1)

    def training_loss(self, out, y):
        """Per-sample loss the sweep minimises: the negative log-likelihood."""
        return self.nll(out, y)

    def predict(self, out):
        """Predicted mean (in standardised units)."""
        return out

    def loss_rows(self, pred, y, weights=None):
        """Per row: squared error over the (weighted) var(y), the terms of
        1 - R²."""
        return squared_error_rows(pred, y, weights)

    def row_scores(self, out, y, weights=None):
        """Per-row terms of R² (:func:`r2_rows`)."""
        return r2_rows(out, y, weights)

    def score(self, out, y, weights=None):
        """R² averaged over outputs, and its standard error."""
        return r2_with_se(out, y, weights)
