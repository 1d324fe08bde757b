"""The classifier's label smoothing: what it trains against, and what not.

How 'auto' resolves is checked with the rest of the recipe
(tests/test_recipe.py)."""

import numpy as np
import torch

from skdib import DistributedIBClassifier
from skdib._backend.dib._heads import CategoricalHead


def _reference_losses(logits, y, eps):
    """Cross-entropy against one-hot and against (1 - eps) one-hot + eps/K."""
    log_p = torch.log_softmax(logits.double(), dim=1)
    true = -log_p[torch.arange(len(y)), y]
    return true, (1 - eps) * true - eps * log_p.mean(dim=1)


def test_training_loss_is_smoothed_and_nll_is_not():
    torch.manual_seed(0)
    head = CategoricalHead(5, 3, label_smoothing=0.3)
    logits = head(torch.randn(40, 5)) * 4
    y = torch.randint(0, 3, (40,))
    true, smoothed = _reference_losses(logits, y, 0.3)
    torch.testing.assert_close(head.nll(logits, y).double(), true)
    torch.testing.assert_close(head.training_loss(logits, y).double(), smoothed)
    # a head pickled before smoothing existed trains on the plain labels
    del head.label_smoothing
    torch.testing.assert_close(head.training_loss(logits, y).double(), true)


def test_smoothing_caps_confidence_but_scores_use_true_labels():
    # separable classes: without smoothing the first (least compressed)
    # checkpoint is nearly certain; with 0.2 the best training loss sits at
    # p = 0.9 for the true class
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 2))
    X[:, 0] += np.sign(X[:, 0])
    y = (X[:, 0] > 0).astype(int)
    kw = dict(n_pretrain_steps=400, n_steps=100, n_checkpoints=2,
              information_bounds=False, learning_rate=1e-2, random_state=0)
    confidence = {}
    for eps in (0.0, 0.2):
        clf = DistributedIBClassifier(label_smoothing=eps, **kw).fit(X, y)
        clf.set_path_point(0)
        p = clf.predict_proba(X)[np.arange(len(y)), y]
        confidence[eps] = np.median(p)
        # the held-out prediction loss is the log loss of predict_proba on
        # the true labels, in bits, smoothing or not
        assert clf.information_path_.prediction_loss_val[0] < 0.5
    assert confidence[0.0] > 0.99
    assert 0.85 < confidence[0.2] < 0.95
