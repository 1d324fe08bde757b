"""The estimators' messages in the command's terms (``skdib._cli._hints``).

Every message here comes from the code that raises or warns it, not from a
copy of its text, so a reworded message that a rewrite no longer matches
fails here. Before the fix the detail of a divergence on the held-out rows
reached the command with "(an X_val not transformed like X)", in its
error line and in the warning of a diverged replicate (which holds the
same detail), and the word
"precision" became "--precision" in any message that used it as a word.
"""

import re
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, InformationPath
from skdib._cli import _hints
from skdib._cli._hints import for_the_command
from skdib._cli._stops import divergence_line
from skdib._dib import _split
from skdib._dib._beta_range import beta_range_problems
from skdib._dib._row_influence import warn_influential_rows
from skdib._dib._settings import check_checkpoints
from skdib.exceptions import DivergenceError

#: Names a command-line user has no use for.
PYTHON = ("X_val", "cross_validate_path", "beta_start", "random_state",
          "validation_fraction", "beta_end", "n_checkpoints", "n_steps",
          "information_path_")


def _raised(call, *args):
    """The message of the ValueError that ``call(*args)`` raises."""
    with pytest.raises(ValueError) as caught:
        call(*args)
    return str(caught.value)


def _small_validation():
    """The warning of a split with fewer than 50 validation rows."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _split.split_validation(np.repeat([0, 1], 30), 0.2, True, None,
                                np.random.default_rng(0))
    (warning,) = caught
    return str(warning.message)


def _held_out_divergence():
    """What diverged, when the held-out loss is the first thing not finite."""
    from skdib._backend.dib._sweep_state import divergence

    return divergence(0.5, {"loss_train": 0.4, "loss_val": float("nan"),
                            "kl": [0.1]},
                      SimpleNamespace(named_parameters=lambda: []))


def _beta_range():
    """Both warnings of the β range: bits left at its end, and the held-out
    loss lowest at its start."""
    path = SimpleNamespace(
        n_points=4, beta=np.array([1e-4, 1e-3, 1e-2, 1e-1]),
        total_information=np.array([2.0, 1.5, 1.0, 0.8]),
        prediction_loss_val=np.array([0.2, 0.4, 0.5, 0.6]),
        prediction_loss_diff_se=np.full(4, 0.02))
    return beta_range_problems(path)


def _influential_row():
    """The warning of a held-out row that carries a channel's bits."""
    path = InformationPath(
        beta=[1e-3], kl=[[30.0]], information=[[20.0]], loss_train=[0.0],
        loss_val=[0.0], score_val=[1.0], feature_names=("tail",),
        information_lower=[[1.0]], information_row_influence=[[95.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_influential_rows(path)
    (warning,) = caught
    return str(warning.message)


def _below_the_start():
    X = pd.DataFrame({"a": np.arange(20.0)})
    with warnings.catch_warnings():  # of its 4 validation rows: not this test's
        warnings.simplefilter("ignore", UserWarning)
        return _raised(DistributedIBClassifier(beta_end=1e-5, device="cpu").fit,
                       X, np.arange(20) % 2)


def messages():
    """``{what: message}``: every message a rewrite is written for, as the
    estimators raise it today."""
    end, start = _beta_range()
    return {
        "small validation": _small_validation(),
        "class left out": _raised(_split.split_validation,
                                  np.arange(10).repeat(2), 0.7, True, None,
                                  np.random.default_rng(0)),
        # a split by groups, which the command never asks for: the one
        # message naming random_state, the setting --seed passes on
        "class left out by groups": _raised(
            _split._check_training_classes, np.arange(3), np.arange(1), True,
            None, 0.5),
        "too few rows": _raised(_split.split_validation, np.array([0, 1, 0]),
                                0.2, False, None, np.random.default_rng(0)),
        "checkpoints": _raised(check_checkpoints, 10, 5),
        "bits at the end": end,
        "lowest at the start": start,
        "below the start": _below_the_start(),
        "held-out divergence": _held_out_divergence(),
        "influential row": _influential_row(),
    }


@pytest.fixture(scope="module")
def said():
    return messages()


def test_every_rewrite_matches_a_message_of_today(said):
    for pattern, _ in _hints._REWRITES:
        assert any(re.search(pattern, text) for text in said.values()), pattern


def test_no_message_keeps_python_names(said):
    for what, text in said.items():
        rewritten = for_the_command(text)
        for name in PYTHON:
            assert not re.search(rf"\b{name}\b", rewritten), (what, rewritten)


@pytest.mark.parametrize("what, ending", [
    ("small validation", "Cross-validation (--cv K) scores the chosen point "
                         "on every row out of fold, and a larger "
                         "--validation-fraction holds out more rows."),
    ("class left out", "Pass a smaller --validation-fraction (now 0.7)."),
    ("class left out by groups", "Pass another --seed, more groups of those "
                                 "classes."),
    ("too few rows", "Use more rows, or --validation-fraction=0 to validate "
                     "on the training rows."),
    ("checkpoints", "Lower --n-checkpoints or raise --n-steps."),
    ("bits at the end", "raise --beta-end."),
    ("lowest at the start", "so more pretraining steps (--n-pretrain-steps) "
                            "may predict better than any point on this path."),
    ("below the start", "the β the sweep starts at (the command has no option "
                        "to change it): pass a --beta-end of 0.0001 or more."),
    ("held-out divergence", "If those rows lie far outside the training "
                            "data, fix them first"),
    ("influential row", "path.csv's column information_row_influence holds "
                        "the measure at every checkpoint."),
])
def test_each_rewrite_says_what_the_command_offers(said, what, ending):
    assert for_the_command(said[what]).endswith(ending)


def test_a_held_out_divergence_names_no_x_val(said):
    error = DivergenceError("diverged", step=7, beta=0.5,
                            detail=said["held-out divergence"])
    line = divergence_line(error, pd.DataFrame({"a": np.arange(9.0)}))
    assert line.startswith("the fit diverged at step 7 (β = 0.5): loss_val is "
                           "nan bits on the held-out rows")
    assert "X_val" not in line and "fix them first; try another --seed" in line


def test_precision_is_the_option_only_as_a_setting(monkeypatch):
    import torch

    from skdib._backend import _device

    monkeypatch.setattr(_device, "native_bfloat16", lambda device: False)
    text = _raised(_device.step_precision, "bfloat16", torch.device("cuda"))
    assert for_the_command(text).startswith(
        "--precision='bfloat16' needs a GPU with bfloat16 arithmetic")
    assert for_the_command(text).endswith("use --precision='float32'.")
    # the word, not the setting: left as it is
    prose = "Summing float16 values loses precision; the precision drops."
    assert for_the_command(prose) == prose
