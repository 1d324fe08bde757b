"""The fit-rules number, ``FIT_RULES``: raised whenever a change makes the
same call give other numbers. A sweep stored under ``memory=`` is keyed on
it, so a folder filled by code with other rules refits rather than serve
its sweeps (class_weight='balanced' with unequal sample weights changed
its numbers without a change of version)."""

import warnings

import numpy as np
import pytest

import skdib
from skdib import DistributedIBClassifier, DistributedIBSelector
from skdib._backend import facade
from skdib._dib._persistence import FIT_RULES, PICKLE_FORMAT
from skdib.selection import _sweep_cache

TINY = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=20, n_steps=20, n_checkpoints=2, random_state=0,
            information_bounds=False, class_weight="balanced")


def _table(n=150, seed=0):
    """Two columns, a rare class 1, and sample weights that differ by class
    (the call whose numbers the 'balanced' rule of FIT_RULES 2 changed)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    return X, y, np.where(y == 1, 5.0, 1.0) * rng.uniform(0.5, 1.5, n)


def test_the_sweep_key_changes_with_the_fit_rules(monkeypatch):
    X, y, w = _table()
    est = DistributedIBClassifier(**TINY)

    def key():
        return _sweep_cache.sweep_key(est, X, y, None, {"sample_weight": w})

    current = key()
    monkeypatch.setattr(_sweep_cache, "FIT_RULES", FIT_RULES - 1)
    assert key() != current
    monkeypatch.undo()
    assert key() == current


@pytest.mark.parametrize("stored_by", ["rules 1", "no rules number"])
def test_a_sweep_stored_under_other_fit_rules_is_refitted(stored_by, tmp_path,
                                                          monkeypatch):
    """'no rules number': the key of the code before FIT_RULES existed (the
    skdib version, pickle format and torch version alone), which served
    sweeps fitted under the old 'balanced' rule after the rule changed."""
    X, y, w = _table()
    est = DistributedIBClassifier(**TINY)
    # what the key held before FIT_RULES: skdib, pickle format, torch
    unnumbered = (skdib.__version__, PICKLE_FORMAT, facade.backend_version())

    def fit():
        DistributedIBSelector.clear_cache()  # as in a new Python session
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # short sweeps
            DistributedIBSelector(est, n_features_to_select=1,
                                  memory=str(tmp_path)).fit(X, y, sample_weight=w)
        return len(list(tmp_path.glob("skdib_sweeps/*.joblib")))

    with monkeypatch.context() as m:
        if stored_by == "rules 1":
            m.setattr(_sweep_cache, "FIT_RULES", 1)
        else:
            m.setattr(_sweep_cache, "_code_versions", lambda: unnumbered)
        assert fit() == 1
    assert fit() == 2  # refitted under the current rules, and stored
    assert fit() == 2  # which the next session is served
