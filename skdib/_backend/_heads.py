"""Prediction heads: turn decoder features into a likelihood for y."""

import math

import torch
from torch import nn

LOG_2PI = math.log(2.0 * math.pi)


class CategoricalHead(nn.Module):
    """Softmax over ``n_classes`` logits; y holds integer class codes."""

    def __init__(self, n_in, n_classes):
        super().__init__()
        self.linear = nn.Linear(n_in, n_classes)

    def forward(self, h):
        return self.linear(h)

    def nll(self, out, y):
        """Per-sample negative log-likelihood in nats."""
        return nn.functional.cross_entropy(out, y, reduction="none")

    def predict(self, out):
        """Class probabilities."""
        return torch.softmax(out, dim=-1)

    def score(self, out, y):
        """Accuracy and its standard error."""
        correct = (out.argmax(dim=-1) == y).double()
        acc = correct.mean()
        return acc, torch.sqrt(acc * (1 - acc) / len(correct))


class GaussianHead(nn.Module):
    """Gaussian likelihood with a learned variance per output.

    y is expected standardised (zero mean, unit variance per output) so the
    initial variance of one is sensible; the estimator undoes the scaling.
    """

    def __init__(self, n_in, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_in, n_outputs)
        self.log_var = nn.Parameter(torch.zeros(n_outputs))

    def forward(self, h):
        return self.linear(h)

    def nll(self, out, y):
        """Per-sample negative log-likelihood in nats, summed over outputs."""
        sq = (y - out) ** 2 * torch.exp(-self.log_var)
        return 0.5 * (LOG_2PI + self.log_var + sq).sum(dim=-1)

    def predict(self, out):
        """Predicted mean (in standardised units)."""
        return out

    def score(self, out, y):
        """R² averaged over outputs, and its standard error."""
        return r2_with_se(out, y)


def r2_with_se(pred, y):
    """R² of ``pred`` averaged over outputs, and its standard error.

    R² = 1 - mean_i t_i with t_i the squared error of sample i over the
    variance of y (averaged over outputs); the standard error is that of the
    mean of t_i.
    """
    var = ((y - y.mean(dim=0)) ** 2).mean(dim=0).clamp_min(1e-12)
    t = (((y - pred) ** 2) / var).mean(dim=1).double()
    return 1.0 - t.mean(), t.std() / math.sqrt(len(t))


def make_head(kind, n_in, n_out, **options):
    """Build the head called ``kind``: 'categorical', 'gaussian' or 'infonce'."""
    if kind == "categorical":
        return CategoricalHead(n_in, n_out)
    if kind == "gaussian":
        return GaussianHead(n_in, n_out)
    if kind == "infonce":
        from skdib._backend._infonce import InfoNCEHead

        return InfoNCEHead(n_in, n_out, **options)
    raise ValueError(f"Unknown head {kind!r}.")
