"""The fit-rules number, ``FIT_RULES``: raised whenever a change makes the
same call give other numbers. A sweep stored under ``memory=`` is keyed on
it, so a folder filled by code with other rules refits rather than serve
its sweeps (class_weight='balanced' with unequal sample weights changed
its numbers without a change of version), and a stopped fit records it, so
continue_fit refuses, and says why, to go on with a sweep of other rules."""

import warnings

import joblib
import numpy as np
import pytest
from sklearn.utils.class_weight import compute_sample_weight

import skdib
from skdib import DistributedIBClassifier, DistributedIBSelector
from skdib._backend import facade
from skdib._dib._inputs import normalise_weights
from skdib._dib._persistence import FIT_RULES, PICKLE_FORMAT
from skdib.exceptions import SweepInterruptedWarning
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


def _interrupted(arm, monkeypatch, X, y, w):
    """A balanced fit with sample weights, stopped at its second checkpoint."""
    clf = DistributedIBClassifier(**TINY)
    arm(2)
    with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
        clf.fit(X, y, sample_weight=w)
    monkeypatch.undo()
    return clf


def test_a_sweep_started_under_other_fit_rules_is_not_resumed(
        interrupt_at_checkpoint, monkeypatch):
    """The same data, but the stopped fit records older rules: refused, and
    said to be the rules' doing, not the data's."""
    X, y, w = _table()
    clf = _interrupted(interrupt_at_checkpoint, monkeypatch, X, y, w)
    clf._fit_rules = FIT_RULES - 1  # as a stopped fit of older rules records
    with pytest.raises(ValueError, match=(
            rf"started by an skdib with other fit rules \(fit rules "
            rf"{FIT_RULES - 1}; this skdib follows {FIT_RULES}\).*cannot be "
            r"resumed, only refitted")) as refused:
        clf.continue_fit(X, y, sample_weight=w)
    assert "these differ" not in str(refused.value)
    assert clf.fit_status_ == "interrupted"


def test_a_sweep_from_before_the_fit_rules_names_both_causes(
        interrupt_at_checkpoint, monkeypatch):
    """A fit stopped before the rules were recorded (no number), whose
    'balanced' weights counted every row once: its hash is of those
    weights, so the same call no longer matches it. The refusal blamed the
    data alone."""
    X, y, w = _table()
    clf = _interrupted(interrupt_at_checkpoint, monkeypatch, X, y, w)
    clf.__dict__.pop("_fit_rules", None)  # as such a fit saved it
    X_c, y_c, _ = clf._check_fit_input(X, y, w, reset=False)
    rule_1 = normalise_weights(w * compute_sample_weight("balanced", y))
    clf._data_hash = joblib.hash((X_c, y_c, None, None, None, rule_1))
    with pytest.raises(ValueError, match=(
            r"these differ\. Or they are the same, and the sweep was started "
            r"by an skdib from before fit rules were recorded.*cannot be "
            r"resumed, only refitted")):
        clf.continue_fit(X, y, sample_weight=w)


def test_a_sweep_from_before_the_fit_rules_resumes_on_the_same_numbers(
        interrupt_at_checkpoint, monkeypatch):
    """Without a recorded number, a stopped fit whose data hash the same
    call still matches (weights the rules left alone) resumes as before."""
    X, y, w = _table()
    clf = _interrupted(interrupt_at_checkpoint, monkeypatch, X, y, w)
    clf.__dict__.pop("_fit_rules", None)  # as such a fit saved it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short sweeps
        clf.continue_fit(X, y, sample_weight=w)
    assert clf.fit_status_ == "complete"
