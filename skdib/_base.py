"""Shared scikit-learn facade of the Distributed IB estimators."""

import copy
import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.model_selection import GroupShuffleSplit, train_test_split
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skdib._backend import _api
from skdib._backend._layers import ACTIVATIONS
from skdib._channels import resolve_channels
from skdib._inspection import InspectionMixin, default_channel_values
from skdib._path import InformationPath
from skdib._progress import SweepProgress
from skdib._validation import check_groups, non_numeric_columns

__all__ = ["BaseDistributedIB"]


def _check_layer_sizes(name, value, allow_empty):
    sizes = tuple(value)
    ok = all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0
             for s in sizes)
    if not ok or (not sizes and not allow_empty):
        raise ValueError(
            f"{name} must be a tuple of positive ints (layer widths); got {value!r}."
        )
    return tuple(int(s) for s in sizes)


def _frequencies(value):
    """Fourier frequencies: None -> none, int K -> 2**k * pi for k=1..K."""
    if value is None:
        return []
    if isinstance(value, Integral):
        return [float(2.0**k * np.pi) for k in range(1, int(value) + 1)]
    freqs = np.asarray(value, dtype=float).ravel()
    if freqs.size == 0 or not np.all(np.isfinite(freqs)):
        raise ValueError(
            "fourier_frequencies must be None, a positive int or a non-empty "
            f"array of finite frequencies; got {value!r}."
        )
    return freqs.tolist()


def _check_numeric_frame(X):
    bad = non_numeric_columns(X)
    if bad:
        raise ValueError(
            f"X has non-numeric columns {bad}. Encode them first (for example "
            "one-hot with sklearn.preprocessing.OneHotEncoder) and pass each "
            "encoded block as one entry of feature_groups."
        )


def _numpy_rng(random_state):
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    return np.random.default_rng(random_state)


# Evaluation batch for the InfoNCE / leave-one-out bounds (the SI uses 1024).
BOUNDS_BATCH_SIZE = 1024
# Budget for information_bounds="auto", in multiply-adds of the pairwise
# posterior densities over the whole sweep (about 2 s on one CPU core).
AUTO_BOUNDS_BUDGET = {"cpu": 5e9, "cuda": 5e11}


def plan_bounds(setting, n_channels, n_val, dim, n_checkpoints, device_type):
    """Number of evaluation batches for the bounds (0 = not computed)."""
    if setting is False or n_val < 2:
        return 0
    k = min(BOUNDS_BATCH_SIZE, n_val)
    if setting is True:
        return 8
    per_batch = n_checkpoints * n_channels * k * k * dim
    return int(min(8, AUTO_BOUNDS_BUDGET[device_type] // per_batch))


class BaseDistributedIB(InspectionMixin, TransformerMixin, BaseEstimator):
    """Common fit / path / rewind / transform logic; see the subclasses."""

    _parameter_constraints = {
        "feature_groups": [None, list, tuple, dict],
        "encoder_hidden": [tuple, list],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "decoder_hidden": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "fourier_frequencies": [None, Interval(Integral, 1, None, closed="left"),
                                "array-like"],
        "beta_start": [Interval(Real, 0, None, closed="neither")],
        "beta_end": [Interval(Real, 0, None, closed="neither")],
        "n_pretrain_steps": [Interval(Integral, 0, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "n_checkpoints": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "information_bounds": ["boolean", StrOptions({"auto"})],
        "select_point": [StrOptions({"auto", "one_se", "best"})],
        "keep_snapshots": ["boolean"],
        "device": [str, object],
        "n_threads": [None, Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, *, feature_groups=None, encoder_hidden=(64, 64),
                 embedding_dim=8, decoder_hidden=(128, 128), activation="relu",
                 fourier_frequencies=None, beta_start=1e-4, beta_end=1.0,
                 n_pretrain_steps=2000, n_steps=8000, n_checkpoints=30,
                 batch_size=256, learning_rate=3e-4, validation_fraction=0.2,
                 information_bounds="auto", select_point="auto",
                 keep_snapshots=True, device="auto",
                 n_threads=1, random_state=None, verbose=0):
        self.feature_groups = feature_groups
        self.encoder_hidden = encoder_hidden
        self.embedding_dim = embedding_dim
        self.decoder_hidden = decoder_hidden
        self.activation = activation
        self.fourier_frequencies = fourier_frequencies
        self.beta_start = beta_start
        self.beta_end = beta_end
        self.n_pretrain_steps = n_pretrain_steps
        self.n_steps = n_steps
        self.n_checkpoints = n_checkpoints
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.information_bounds = information_bounds
        self.select_point = select_point
        self.keep_snapshots = keep_snapshots
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # -- subclass hooks -------------------------------------------------
    def _prepare_target(self, y):
        """Return (encoded y, head name, n_outputs, y dtype name, stratify)."""
        raise NotImplementedError

    def _head_options(self, y_train, rng):
        """Extra settings of the head, from the training targets."""
        return {}

    # -- fitting --------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, X_val=None, y_val=None, groups=None):
        """Sweep β and record the information path.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric inputs. Non-numeric columns must be encoded first.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        X_val, y_val : array-like, optional
            An explicit validation set for the path's held-out loss, score and
            information (for example one fold of a grouped cross-validation).
            All of ``X`` then trains and ``validation_fraction`` is ignored.
        groups : array-like of shape (n_samples,), optional
            Group labels (e.g. the experiment or simulation each row comes
            from). The random validation split then keeps each group on one
            side, so correlated rows cannot leak from training into
            validation. Not used with ``X_val``.

        Returns
        -------
        self : object
            The fitted estimator, positioned at the path point with the best
            validation score.
        """
        _check_numeric_frame(X)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2,
                             **self._target_validation)
        X_val, y_val = self._check_validation_set(X, y, X_val, y_val, groups)
        encoder_hidden = _check_layer_sizes("encoder_hidden", self.encoder_hidden,
                                            allow_empty=True)
        decoder_hidden = _check_layer_sizes("decoder_hidden", self.decoder_hidden,
                                            allow_empty=True)
        frequencies = _frequencies(self.fourier_frequencies)
        if self.beta_end < self.beta_start:
            raise ValueError(
                f"beta_end ({self.beta_end}) must be >= beta_start "
                f"({self.beta_start})."
            )
        device = _api.resolve_device(self.device)
        channels, names = resolve_channels(
            self.feature_groups, self.n_features_in_,
            getattr(self, "feature_names_in_", None))
        n = len(X)
        y_all = y if X_val is None else np.concatenate([y, y_val])
        y_enc, head, n_out, y_dtype, stratify = self._prepare_target(y_all)
        rng = _numpy_rng(self.random_state)
        if X_val is None:
            X_tr, X_val, y_tr, y_val = self._split(X, y_enc, stratify, groups, rng)
        else:
            X_tr, y_tr, y_val = X, y_enc[:n], y_enc[n:]
        center = X_tr.mean(axis=0)
        scale = X_tr.std(axis=0)
        scale[scale < 1e-12] = 1.0
        spec = dict(channels=channels, n_features=self.n_features_in_,
                    center=center, scale=scale, frequencies=frequencies,
                    encoder_hidden=encoder_hidden, embedding_dim=self.embedding_dim,
                    decoder_hidden=decoder_hidden, activation=self.activation,
                    head=head, n_outputs=n_out,
                    head_options=self._head_options(y_tr, rng))
        total = self.n_pretrain_steps + self.n_steps
        progress = SweepProgress(total, type(self).__name__) if self.verbose else None
        config = _api.TrainConfig(
            beta_start=float(self.beta_start), beta_end=float(self.beta_end),
            n_pretrain_steps=self.n_pretrain_steps, n_steps=self.n_steps,
            batch_size=self.batch_size, learning_rate=float(self.learning_rate),
            n_checkpoints=self.n_checkpoints, keep_snapshots=self.keep_snapshots,
            progress=progress)
        n_batches = plan_bounds(self.information_bounds, len(channels),
                                len(X_val), self.embedding_dim,
                                self.n_checkpoints, device.type)
        bounds_fn = (None if n_batches == 0 else _api.make_bounds_fn(
            BOUNDS_BATCH_SIZE, n_batches, _api.seed_from(rng)))
        start = time.perf_counter()
        try:
            with _api.torch_threads(self.n_threads):
                net = _api.build_network(spec, _api.seed_from(rng))
                net, record = _api.fit_network(
                    net, X_tr, y_tr, X_val, y_val, config,
                    seed=_api.seed_from(rng), device=device, y_dtype=y_dtype,
                    bounds_fn=bounds_fn)
        finally:
            if progress is not None:
                progress.close()
        self.fit_time_ = time.perf_counter() - start
        self.bounds_time_ = 0.0 if bounds_fn is None else bounds_fn.elapsed
        self.network_ = net
        self.channels_ = channels
        self.n_channels_ = len(channels)
        self.checkpoint_steps_ = record["step"]
        self._snapshots = record["snapshots"] or None
        self._final_state = record["final_state"]
        lower, upper = record["lower"], record["upper"]
        self.information_path_ = InformationPath(
            beta=record["beta"], kl=record["kl"],
            information=record["kl"] if lower is None else (lower + upper) / 2,
            information_lower=lower, information_upper=upper,
            loss_train=record["loss_train"], loss_val=record["loss_val"],
            score_val=record["score_val"], score_val_se=record["score_val_se"],
            relevance_lower=(None if np.all(np.isnan(record["relevance"]))
                             else record["relevance"]),
            feature_names=tuple(names))
        self._feature_center = center
        self._channel_values = [default_channel_values(X_tr[:, cols], rng)
                                for cols in channels]
        rule = (self._default_select_point if self.select_point == "auto"
                else self.select_point)
        self.best_point_ = self.information_path_.select_point(rule)
        if self._snapshots is None:
            self.path_point_ = self.information_path_.n_points - 1
        else:
            self.set_path_point(self.best_point_)
        return self

    def _check_validation_set(self, X, y, X_val, y_val, groups):
        """Validate ``X_val``/``y_val`` and ``groups``; return the checked pair."""
        if (X_val is None) != (y_val is None):
            raise ValueError("Give both X_val and y_val, or neither.")
        if groups is not None:
            if X_val is not None:
                raise ValueError(
                    "groups shapes the random validation split; it cannot be "
                    "combined with an explicit X_val, y_val.")
            if self.validation_fraction == 0:
                raise ValueError(
                    "groups needs validation_fraction > 0 (it decides which "
                    "groups are held out).")
            check_groups(groups, len(X))
        if X_val is None:
            return None, None
        _check_numeric_frame(X_val)
        X_val, y_val = validate_data(self, X_val, y_val, reset=False,
                                     dtype=np.float64, **self._target_validation)
        y_val = np.asarray(y_val)
        if y_val.ndim != np.ndim(y) or y_val.shape[1:] != np.shape(y)[1:]:
            raise ValueError(
                f"y_val has shape {y_val.shape}, which does not match y's "
                f"{np.shape(y)} beyond the number of rows.")
        self._check_validation_target(y, y_val)
        return X_val, y_val

    def _check_validation_target(self, y, y_val):
        """Hook: refuse validation targets the training targets cannot explain."""

    def _split(self, X, y, stratify, groups, rng):
        n = X.shape[0]
        if self.validation_fraction == 0:
            return X, X, y, y
        if groups is not None:
            seed = int(rng.integers(0, 2**31 - 1))
            splitter = GroupShuffleSplit(n_splits=1, random_state=seed,
                                         test_size=self.validation_fraction)
            train, val = next(splitter.split(X, y, np.asarray(groups)))
            if len(train) == 0 or len(val) == 0:
                raise ValueError(
                    "groups leave no training or no validation rows; use more "
                    "groups or another validation_fraction.")
            return X[train], X[val], y[train], y[val]
        n_val = max(1, int(round(self.validation_fraction * n)))
        if n - n_val < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no "
                f"training samples out of {n}."
            )
        seed = int(rng.integers(0, 2**31 - 1))
        strat = None
        if stratify:
            _, counts = np.unique(y, return_counts=True)
            if counts.min() >= 2 and n_val >= len(counts) and n - n_val >= len(counts):
                strat = y
        return train_test_split(X, y, test_size=n_val, random_state=seed,
                                stratify=strat)

    # -- the path -------------------------------------------------------
    def set_path_point(self, index=None, *, beta=None, total_information=None):
        """Rewind the model to a checkpoint of the information path.

        Give exactly one of ``index``, ``beta`` (nearest on a log scale) or
        ``total_information`` (nearest total in bits). ``index=None`` with no
        other argument returns to the default point, ``best_point_``.

        Returns
        -------
        self : object
        """
        check_is_fitted(self)
        path = self.information_path_
        given = sum(v is not None for v in (index, beta, total_information))
        if given > 1:
            raise ValueError("Give only one of index, beta or total_information.")
        if given == 0:
            index = self.best_point_
        elif index is None:
            index = path.nearest_point(beta=beta, total_information=total_information)
        if isinstance(index, bool) or not isinstance(index, Integral):
            raise TypeError(f"index must be an int, got {index!r}.")
        if not -path.n_points <= index < path.n_points:
            raise ValueError(
                f"index {index} is out of range for a path of {path.n_points} points."
            )
        index = int(index) % path.n_points
        if self._snapshots is None:
            if index != path.n_points - 1:
                raise ValueError(
                    "This model was fitted with keep_snapshots=False, so only the "
                    "last path point is available."
                )
            state = self._final_state
        else:
            state = self._snapshots[index]
        _api.load_state(self.network_, state)
        self.path_point_ = index
        return self

    # -- inference ------------------------------------------------------
    def _validated(self, X):
        check_is_fitted(self)
        _check_numeric_frame(X)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _head_output(self, X):
        X = self._validated(X)
        with _api.torch_threads(self.n_threads):
            return _api.predict_output(self.network_, X)

    def encode(self, X):
        """Posterior means and log-variances of every channel.

        Returns
        -------
        means, log_vars : ndarray of shape (n_channels, n_samples, embedding_dim)
        """
        return self._encode_array(self._validated(X))

    def _encode_array(self, X):
        """Encode an already validated float array (no feature-name checks)."""
        with _api.torch_threads(self.n_threads):
            return _api.encode(self.network_, X)

    def transform(self, X):
        """Posterior means of all channels at the current path point.

        Returns
        -------
        U : ndarray of shape (n_samples, n_channels * embedding_dim)
            Channel-major: columns ``c * embedding_dim ... (c + 1) *
            embedding_dim - 1`` belong to channel ``c``.
        """
        means, _ = self.encode(X)
        return means.transpose(1, 0, 2).reshape(means.shape[1], -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``<channel>_u<k>`` of the transform's columns."""
        check_is_fitted(self)
        return np.asarray(
            [f"{name}_u{k}" for name in self.information_path_.feature_names
             for k in range(self.embedding_dim)], dtype=object)

    # -- pickling -------------------------------------------------------
    def __getstate__(self):
        state = super().__getstate__()
        net = state.get("network_")
        if net is not None and _api.network_device(net).type != "cpu":
            state["network_"] = _api.to_cpu(copy.deepcopy(net))
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags
