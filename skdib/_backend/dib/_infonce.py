"""InfoNCE head: compare U_X with an encoding of y in a shared space."""


import torch
from torch import nn

from skdib._backend.dib._layers import hidden_stack
from skdib._backend.dib._metrics import (
    infonce_lower_bound,
    r2_rows,
    r2_with_se,
    squared_error_rows,
)


class InfoNCEHead(nn.Module):
    """Contrastive relevance term for continuous, possibly multi-dimensional y.

    The decoder output is projected to a shared space of ``dim`` dimensions
    and y is encoded there by its own MLP. For a batch of n pairs the loss of
    sample i is ``-log softmax_j(s(z_x_i, z_y_j) / temperature)[i]`` (Eq. 5 of
    the Distributed IB paper), so ``log n - mean loss`` lower-bounds I(U; Y).
    Prediction retrieves, from a codebook of training targets, the entry whose
    encoding is most similar (the paper's nearest-neighbour reconstruction).
    """

    contrastive = True

    def __init__(self, n_in, n_outputs, *, codebook, hidden=(128, 128), dim=32,
                 temperature=1.0, similarity="l2", activation="relu"):
        super().__init__()
        self.project = nn.Linear(n_in, dim, dtype=torch.float32)
        last = hidden[-1] if hidden else n_outputs
        self.y_encoder = nn.Sequential(
            hidden_stack(n_outputs, tuple(hidden), activation),
            nn.Linear(last, dim, dtype=torch.float32))
        # float64: predictions are training targets (standardised) to the bit
        self.register_buffer("codebook",
                             torch.as_tensor(codebook, dtype=torch.float64))
        self.temperature = float(temperature)
        self.similarity = similarity

    def forward(self, h):
        return self.project(h)

    def _logits(self, zx, zy):
        if self.similarity == "cosine":
            zx = nn.functional.normalize(zx, dim=-1)
            zy = nn.functional.normalize(zy, dim=-1)
            sim = zx @ zy.T
        else:
            sim = -torch.cdist(zx, zy)
        return sim / self.temperature

    def nll(self, out, y):
        """Per-sample InfoNCE loss in nats (the batch provides the negatives)."""
        logits = self._logits(out, self.y_encoder(y.to(out.dtype)))
        target = torch.arange(len(out), device=out.device)
        return nn.functional.cross_entropy(logits, target, reduction="none")

    def training_loss(self, out, y):
        """Per-sample loss the sweep minimises: the InfoNCE loss."""
        return self.nll(out, y)

    def relevance_lower_bound(self, out, y):
        """InfoNCE lower bound on I(U; Y) in nats over this batch."""
        return infonce_lower_bound(self.nll(out, y).mean(), len(out))

    def predict(self, out):
        """The codebook target most similar to each sample's encoding."""
        codes = self.y_encoder(self.codebook.to(out.dtype))
        return self.codebook.to(out.dtype)[self._logits(out, codes).argmax(dim=1)]

    def loss_rows(self, pred, y, weights=None):
        """Per row: squared error of the codebook prediction over var(y)."""
        return squared_error_rows(pred, y, weights)

    def row_scores(self, out, y, weights=None):
        """Per-row terms of the codebook predictions' R²."""
        return r2_rows(self.predict(out), y, weights)

    def score(self, out, y, weights=None):
        """R² (and its standard error) of the codebook predictions."""
        return r2_with_se(self.predict(out), y, weights)
