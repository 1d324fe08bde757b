"""Stopped sweeps: keep the path so far, explain, and resume exactly."""

import contextlib
import copy
import warnings

import joblib
import numpy as np

from skdib._backend import facade
from skdib._dib._beta_range import warn_beta_range
from skdib._dib._persistence import FIT_RULES
from skdib._dib._row_influence import warn_influential_rows
from skdib._utils._warnings import user_stacklevel
from skdib.exceptions import DivergenceError, SweepInterruptedWarning

__all__ = ["ResumableSweepMixin"]

# What a stopped fit keeps so that ``continue_fit`` can replay it; with the
# fit rules it started under (``_fit_rules``, absent before the number).
_REPLAY = ("_rng_state", "_data_hash", "_resume_state", "_sweep_params",
           "_fit_rules")
# Parameters a resumed sweep may change: neither the schedule nor the
# network depends on them (the rest of the path follows a new rate).
RESUMABLE_CHANGES = frozenset({"learning_rate", "verbose", "n_threads", "device",
                               "select_point"})


def _same(a, b):
    """Whether two parameter values are the same setting: arrays element by
    element, and lists, tuples and dicts entry by entry (so feature groups
    built with ``np.arange`` compare as the same), the rest by ``==``."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(u, v) for u, v in zip(a, b, strict=True)))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class ResumableSweepMixin:
    """``continue_fit`` and the handling of diverged or interrupted sweeps."""

    def _remember_inputs(self, rng, X, y, X_val, y_val, groups, weights=None):
        """Record what a resumed sweep must replay: the seed state and data."""
        self._rng_state = copy.deepcopy(rng.bit_generator.state)
        self._data_hash = joblib.hash((X, y, X_val, y_val, groups, weights))
        self._fit_rules = FIT_RULES
        # a generator object stays itself (fitting advances its state)
        self._sweep_params = {
            k: v if isinstance(v, np.random.RandomState | np.random.Generator)
            else copy.deepcopy(v)
            for k, v in self.get_params(deep=False).items()
            if k not in RESUMABLE_CHANGES}

    def _check_unchanged_settings(self):
        """Refuse a resume whose schedule or network settings changed."""
        stored = getattr(self, "_sweep_params", None)  # absent in old pickles
        if stored is None:
            return
        current = self.get_params(deep=False)
        changed = [k for k, v in stored.items()
                   if k in current and not _same(v, current[k])]
        if changed:
            was = ", ".join(f"{k}={stored[k]!r} (now {current[k]!r})"
                            for k in changed)
            raise ValueError(
                f"continue_fit resumes the sweep that fit started, so its "
                f"schedule and network settings must not change; these did: "
                f"{was}. Set them back, or call fit to start a new sweep. Only "
                f"{sorted(RESUMABLE_CHANGES)} may change.")

    def _check_fit_rules(self):
        """Refuse a resume of a sweep started under other fit rules."""
        started = getattr(self, "_fit_rules", None)  # absent: before the number
        if started is not None and started != FIT_RULES:
            raise ValueError(
                f"This sweep was started by an skdib with other fit rules (fit "
                f"rules {started}; this skdib follows {FIT_RULES}), under which "
                "the same call gives other numbers, so it cannot be resumed, "
                "only refitted: call fit to start it anew.")

    def _changed_data_message(self):
        """Why ``continue_fit`` refuses data whose hash is not the stopped
        fit's: other data, or, for a sweep started before the fit rules
        were recorded, rules that read the same data otherwise."""
        message = ("continue_fit needs the same X, y (and sample_weight, "
                   "X_val, y_val, groups) as the interrupted fit; these differ.")
        if getattr(self, "_fit_rules", None) is not None:
            return message
        return message + (
            " Or they are the same, and the sweep was started by an skdib from "
            "before fit rules were recorded, whose rules weighted them "
            "otherwise (class_weight='balanced' with unequal sample weights, "
            "for one): such a sweep cannot be resumed, only refitted: call fit "
            "to start it anew.")

    @contextlib.contextmanager
    def _unchanged_if_refused(self):
        """Leave the estimator as it was when the block raises, unless the
        outcome of its sweep was stored by then (:meth:`_outcome_stored`).

        A refit refused for its data (or failing in torch) must neither
        relabel the model fitted before (new ``classes_`` over the old
        network) nor overwrite what ``continue_fit`` needs to resume an
        interrupted sweep. Once the outcome is stored (a finished path, a
        stopped sweep's path so far, or no fit where a sweep stopped before
        its first checkpoint), whatever raises after it (a
        ``DivergenceError``, a ``KeyboardInterrupt``, or a warning about
        the stored path that a filter turns into an error) leaves it in
        place.
        """
        before = dict(self.__dict__)
        self._outcome_kept = False  # only inside this block (see _outcome_stored)
        try:
            yield
        except BaseException:
            if not self.__dict__.get("_outcome_kept", False):
                self.__dict__.clear()
                self.__dict__.update(before)
            raise
        finally:
            self.__dict__.pop("_outcome_kept", None)
            self.__dict__.pop("_held_warnings", None)

    def _hold_warning(self, message, category=UserWarning):
        """Warn about the outcome being stored once it is stored (see
        :meth:`_outcome_stored`), not in the middle of storing it."""
        self.__dict__.setdefault("_held_warnings", []).append((message, category))

    def _outcome_stored(self):
        """The sweep's outcome is stored: keep it, whatever raises from here
        on, then raise the warnings held while storing it.

        One rule for every route (``fit``, ``continue_fit``, the set
        estimators): a warning about a stored outcome (its β range, the
        point ``keep_snapshots=False`` keeps, element types without bits)
        comes after it is stored, so that a filter turning it into an
        error does not undo the fit it warns about. Marked only inside
        :meth:`_unchanged_if_refused` (the batched clones of
        ``fit_on_splits`` have no earlier state to go back to).
        """
        if "_outcome_kept" in self.__dict__:
            self._outcome_kept = True
        for message, category in self.__dict__.pop("_held_warnings", ()):
            warnings.warn(message, category, stacklevel=user_stacklevel())

    def _forget_fit(self):
        """Remove every fitted attribute: the estimator is unfitted again."""
        for name in [k for k in vars(self) if k.endswith("_")
                     and not k.startswith("__")]:
            delattr(self, name)
        for name in (*_REPLAY, "_snapshots", "_final_state"):
            self.__dict__.pop(name, None)

    def _sweep_completed(self):
        """What follows every sweep that ran to its end, once its path is
        stored: in ``fit``, in ``continue_fit`` and in each clone of a batched
        run of ``fit_on_splits``, so the β range is checked on every route."""
        self.fit_status_ = "complete"
        self._resume_state = None
        self._outcome_stored()
        warn_beta_range(self.information_path_)
        warn_influential_rows(self.information_path_)

    def _sweep_stopped(self, stop, store):
        """Keep the path so far (``store(record, network)``), then raise."""
        total = self._total_steps()
        if stop.record is None:
            self._forget_fit()
            self._outcome_stored()  # the outcome (no fit): not undone
            if stop.reason == "interrupted":
                raise KeyboardInterrupt
            raise DivergenceError(self._divergence_message(stop, kept=False),
                                  stop.step, stop.beta, detail=stop.detail)
        facade.load_state(stop.network, stop.record["final_state"])
        store(stop.record, stop.network)
        self.fit_status_ = stop.reason
        self._resume_state = stop.resume
        self._outcome_stored()  # the path is kept: not undone
        if stop.reason == "interrupted":
            warnings.warn(SweepInterruptedWarning(
                f"The sweep was interrupted at step {stop.step} of {total}; the "
                f"estimator keeps the {self.information_path_.n_points} "
                "checkpoints recorded so far and predicts from them. "
                "est.continue_fit(X, y) with the same data resumes the sweep "
                "from its last checkpoint."), stacklevel=user_stacklevel())
            raise KeyboardInterrupt
        raise DivergenceError(self._divergence_message(stop, kept=True),
                              stop.step, stop.beta, detail=stop.detail)

    def _sweep_learning_rate(self):
        """The learning rate of the sweep under way: the recipe's where the
        estimator resolves one ('auto'), else the parameter."""
        recipe = getattr(self, "_recipe", None)
        return self.learning_rate if recipe is None else recipe["learning_rate"]

    def _divergence_message(self, stop, kept):
        where = (f"The path up to the last finite checkpoint (β = "
                 f"{self.information_path_.beta[-1]:.3g}, "
                 f"{self.information_path_.n_points} points) is kept on the "
                 "estimator, which predicts from it." if kept else
                 "No checkpoint had been reached, so nothing was kept.")
        return (f"The β sweep diverged at step {stop.step} (β = {stop.beta:.3g}): "
                f"{stop.detail}. {where} Try a lower learning_rate (now "
                f"{self._sweep_learning_rate():g}), a narrower β range (a "
                f"smaller beta_end, now {self.beta_end:g}), or standardised "
                "inputs and targets.")

    def continue_fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
                     groups=None):
        """Resume a sweep that was interrupted or diverged.

        The sweep restarts from its last recorded checkpoint with the
        network, optimizer and random-generator states it had there, so the
        finished path equals that of one uninterrupted fit with the same
        ``random_state`` (exactly, on the CPU). Pass the same data as to
        ``fit``. Settings that shape the schedule or the network must not
        change in between; ``learning_rate`` may (e.g. after a divergence),
        and then the rest of the path follows the new rate. When every
        replicate of an ``n_replicates`` fit diverged there is no single
        state to resume from, and the sweep starts again from its first
        step (at the new rate). A call refused for its inputs leaves the
        estimator as it was.

        Returns
        -------
        self : object

        Examples
        --------
        >>> import warnings
        >>> from unittest import mock
        >>> import numpy as np
        >>> from skdib import DistributedIBClassifier
        >>> from skdib._backend.dib import _train
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2))
        >>> y = (X[:, 0] > 0).astype(int)
        >>> params = dict(n_pretrain_steps=30, n_steps=100, n_checkpoints=4,
        ...               beta_end=100, validation_fraction=0.25, device="cpu",
        ...               random_state=0)
        >>> clf = DistributedIBClassifier(**params)

        A Ctrl-C at the third checkpoint (simulated here) keeps the first two:

        >>> ctrl_c = [mock.DEFAULT, mock.DEFAULT, KeyboardInterrupt]
        >>> with mock.patch.object(_train, "_checkpoint", wraps=_train._checkpoint,
        ...                        side_effect=ctrl_c), warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # SweepInterruptedWarning
        ...     try:
        ...         _ = clf.fit(X, y)
        ...     except KeyboardInterrupt:
        ...         pass
        >>> clf.fit_status_, clf.information_path_.n_points
        ('interrupted', 2)
        >>> _ = clf.continue_fit(X, y)
        >>> full = DistributedIBClassifier(**params).fit(X, y)
        >>> clf.fit_status_, clf.information_path_ == full.information_path_
        ('complete', True)
        """
        status = getattr(self, "fit_status_", None)
        if status not in ("interrupted", "diverged"):
            raise ValueError(
                "continue_fit resumes an interrupted or diverged sweep; this "
                f"estimator's fit_status_ is {status!r}. Call fit instead.")
        self._validate_params()
        self._check_unchanged_settings()
        self._check_fit_rules()
        with self._unchanged_if_refused():
            X_c, y_c, weights = self._check_fit_input(X, y, sample_weight,
                                                      reset=False)
            X_val, y_val = self._check_validation_set(
                X_c, y_c, X_val, y_val, groups, replay=True, weights=weights)
            if (joblib.hash((X_c, y_c, X_val, y_val, groups, weights))
                    != self._data_hash):
                raise ValueError(self._changed_data_message())
            rng = np.random.default_rng()
            rng.bit_generator.state = copy.deepcopy(self._rng_state)
            return self._sweep(X_c, y_c, X_val, y_val, groups, rng,
                               resume=self._resume_state, weights=weights)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "information_path_") and hasattr(self, "network_")
