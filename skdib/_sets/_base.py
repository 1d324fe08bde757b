"""Shared scikit-learn facade of the set-valued Distributed IB estimators."""

import dataclasses
import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skdib._backend import facade
from skdib._dib._inputs import weighted_moments
from skdib._dib._path_record import path_from_record
from skdib._dib._persistence import PersistenceMixin
from skdib._dib._replicate_sweeps import ReplicateSweepMixin
from skdib._dib._resume import ResumableSweepMixin
from skdib._dib._rewind import RewindMixin
from skdib._dib._settings import (
    BOUNDS_BATCH_SIZE,
    bounds_n_batches,
    check_checkpoints,
    check_layer_sizes,
    fourier_frequencies,
)
from skdib._dib._split import check_validation_request, split_validation
from skdib._sets._inputs import (
    check_sets,
    element_counts,
    element_types,
    membership,
    type_names,
)
from skdib._sets._maps import InformationMapMixin, reference_elements
from skdib._sets._type_warnings import (
    unmeasured_types,
    warn_many_types,
    warn_untrained_types,
)
from skdib._utils._progress import SweepProgress
from skdib._utils._random import draw_seed, numpy_rng

__all__ = ["BaseSetDIB"]


def check_length(values, X, name):
    """``values`` with one entry per set of X."""
    if len(values) != len(X):
        raise ValueError(f"X has {len(X)} samples but {name} has {len(values)}.")
    return values


def per_set_path(path, counts):
    """The path in bits per set: per-element columns times ``counts``."""
    scale = np.asarray(counts, dtype=float)[None, :]

    def times(values):
        return None if values is None else values * scale

    return dataclasses.replace(
        path, kl=times(path.kl), information=times(path.information),
        information_lower=times(path.information_lower),
        information_upper=times(path.information_upper),
        information_se=times(getattr(path, "information_se", None)),
        information_row_influence=times(
            getattr(path, "information_row_influence", None)))


class BaseSetDIB(InformationMapMixin, ResumableSweepMixin, ReplicateSweepMixin,
                 RewindMixin, PersistenceMixin, BaseEstimator):
    """Common fit / path / rewind logic of the set estimators."""

    _parameter_constraints = {
        "type_column": [None, Interval(Integral, 0, None, closed="left")],
        "encoder_hidden": [tuple, list],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "decoder": [StrOptions({"deepsets", "transformer"})],
        "pooling": [StrOptions({"sum", "mean"})],
        "decoder_width": [Interval(Integral, 1, None, closed="left")],
        "decoder_depth": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(facade.ACTIVATION_NAMES))],
        "fourier_frequencies": [None, Interval(Integral, 1, None, closed="left"),
                                "array-like"],
        "beta_start": [Interval(Real, 0, None, closed="neither")],
        "beta_end": [Interval(Real, 0, None, closed="neither")],
        "n_pretrain_steps": [Interval(Integral, 0, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "n_checkpoints": [Interval(Integral, 1, None, closed="left")],
        "n_replicates": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "warmup_fraction": [Interval(Real, 0, 1, closed="both")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "information_bounds": ["boolean"],
        "select_point": [StrOptions({"auto", "one_se", "best"})],
        "keep_snapshots": ["boolean", StrOptions({"exact"})],
        "device": [str, object],
        "precision": [StrOptions(set(facade.PRECISIONS))],
        "n_threads": [None, Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, *, type_column=None, encoder_hidden=(64, 64),
                 embedding_dim=8, decoder="deepsets", pooling="sum",
                 decoder_width=64,
                 decoder_depth=2, n_heads=4, activation="relu",
                 fourier_frequencies=None, beta_start=1e-4, beta_end=1.0,
                 n_pretrain_steps=300, n_steps=2000, n_checkpoints=20,
                 n_replicates=1, batch_size=128, learning_rate=1e-3,
                 warmup_fraction=0.0,
                 validation_fraction=0.2,
                 information_bounds=True, select_point="auto",
                 keep_snapshots=True, device="auto", precision="float32",
                 n_threads=1, random_state=None, verbose=0):
        self.type_column = type_column
        self.encoder_hidden = encoder_hidden
        self.embedding_dim = embedding_dim
        self.decoder = decoder
        self.pooling = pooling
        self.decoder_width = decoder_width
        self.decoder_depth = decoder_depth
        self.n_heads = n_heads
        self.activation = activation
        self.fourier_frequencies = fourier_frequencies
        self.beta_start = beta_start
        self.beta_end = beta_end
        self.n_pretrain_steps = n_pretrain_steps
        self.n_steps = n_steps
        self.n_checkpoints = n_checkpoints
        self.n_replicates = n_replicates
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.warmup_fraction = warmup_fraction
        self.validation_fraction = validation_fraction
        self.information_bounds = information_bounds
        self.select_point = select_point
        self.keep_snapshots = keep_snapshots
        self.device = device
        self.precision = precision
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # -- subclass hooks -------------------------------------------------
    def _prepare_target(self, y):
        """Return (encoded y, head name, n_outputs, y dtype name, stratify)."""
        raise NotImplementedError

    def _fit_target_scaling(self, y_train, y_val):
        return y_train, y_val

    def _check_target(self, y):
        """Hook: warn about a target no element can inform (a constant y)."""

    def _check_validation_target(self, y, y_val):
        """Hook: refuse validation targets the training targets cannot
        explain (the classifier: classes that occur only in y_val)."""

    # -- fitting --------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, X_val=None, y_val=None, groups=None):
        """Sweep β and record the information path of the element encoders.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_elements, n_features)
            One set per sample; rows of NaN pad smaller sets.
        y : array-like of shape (n_samples,)
        X_val, y_val : array-like, optional
            An explicit validation set (e.g. the held-out fold of a grouped
            cross-validation): all of X then trains. Its sets may have
            another number of element rows.
        groups : array-like of shape (n_samples,), optional
            Group labels; the random validation split keeps each group on
            one side. Cannot be combined with ``X_val`` (a ValueError
            says so).

        Returns
        -------
        self : object
            Positioned at the default path point (``best_point_``).
        """
        if self.beta_end < self.beta_start:
            raise ValueError(f"beta_end ({self.beta_end}) must be >= beta_start "
                             f"({self.beta_start}).")
        check_checkpoints(self.n_checkpoints, self.n_steps)
        with self._unchanged_if_refused():
            X, y, _ = self._check_fit_input(X, y)
            self._check_target(y)
            X_val, y_val = self._check_validation_set(X, y, X_val, y_val, groups)
            rng = numpy_rng(self.random_state)
            self._remember_inputs(rng, X, y, X_val, y_val, groups)
            return self._sweep(X, y, X_val, y_val, groups, rng)

    def _check_fit_input(self, X, y, sample_weight=None, reset=True):
        """Checked sets and targets (``reset=False``: as many features as
        the fit had, for ``continue_fit``); no row weights for sets."""
        if sample_weight is not None:  # only continue_fit has the argument
            raise TypeError(
                f"{type(self).__name__} takes no sample_weight (every set "
                "counts equally), neither in fit nor in continue_fit.")
        X = check_sets(X, None if reset else self.n_features_in_,
                       type_column=self.type_column)
        return X, check_length(np.asarray(y), X, "y"), None

    def _check_validation_set(self, X, y, X_val, y_val, groups, *, replay=False,
                              weights=None):
        # replay: as for tables (sets have no categorical columns to read);
        # weights: None, sets take none; the requests are refused as the
        # tabular estimators refuse them
        check_validation_request(X_val, y_val, groups, self.validation_fraction,
                                 len(X))
        if X_val is not None:
            X_val = check_sets(X_val, X.shape[2], self.type_column)
            y_val = check_length(np.asarray(y_val), X_val, "y_val")
            self._check_validation_target(y, y_val)
        return X_val, y_val

    def _sweep(self, X, y, X_val, y_val, groups, rng, resume=None, weights=None):
        """Prepare the data and network, run the sweep, store the path."""
        groups = None if groups is None else np.asarray(groups)
        data = self._training_data(X, y, X_val, y_val, groups, rng)
        self.element_types_ = self._fitted_types(X, X_val, data["X_train"])
        self.n_features_in_ = X.shape[2]
        spec = self._network_spec(data)
        if resume is not None and hasattr(self, "network_"):
            # train on as the stopped sweep did (a network pickled by an
            # older skdib has the older decoder order)
            spec.update(facade.set_decoder_order(self.network_))

        def store(record, net):
            self._store_fit(net, record, data, rng)

        try:
            record, net = self._run_sweep(spec, data, rng, resume)
        except facade.TrainingStopped as stop:
            self._sweep_stopped(stop, store)
        store(record, net)
        self._sweep_completed()
        return self

    def _fitted_types(self, X, X_val, X_train):
        """The element types of every set given to fit; a type whose
        elements all fell among the validation rows warns (its encoder is
        not trained) but is known at predict."""
        types = element_types(X, self.type_column)
        n_elements = np.count_nonzero(~np.isnan(X).all(axis=-1))
        if X_val is not None:
            types = np.union1d(types, element_types(X_val, self.type_column))
            n_elements += np.count_nonzero(~np.isnan(X_val).all(axis=-1))
        warn_many_types(self.type_column, len(types), n_elements)
        warn_untrained_types(
            np.setdiff1d(types, element_types(X_train, self.type_column)))
        return types

    def _training_data(self, X, y, X_val, y_val, groups, rng):
        y_all = y if X_val is None else np.concatenate([y, y_val])
        y_enc, head, n_out, y_dtype, stratify = self._prepare_target(y_all)
        if X_val is None:
            train, val = split_validation(y_enc, self.validation_fraction,
                                          stratify, groups, rng,
                                          getattr(self, "classes_", None))
            X_tr, X_val, y_tr, y_val = X[train], X[val], y_enc[train], y_enc[val]
        else:
            X_tr, y_tr, y_val = X, y_enc[:len(X)], y_enc[len(X):]
        y_tr, y_val = self._fit_target_scaling(y_tr, y_val)
        return {"X_train": X_tr, "y_train": y_tr, "X_val": X_val,
                "y_val": y_val, "head": head, "n_outputs": n_out,
                "y_dtype": y_dtype, "w_train": None, "w_val": None}

    def _network_spec(self, data):
        X_tr = data["X_train"]
        columns = [c for c in range(X_tr.shape[2]) if c != self.type_column]
        values = X_tr[..., columns][~np.isnan(X_tr).all(axis=-1)]
        center, scale = weighted_moments(values, None)
        return dict(
            n_features=X_tr.shape[2], type_column=self.type_column,
            type_values=self.element_types_.tolist(), center=center,
            scale=scale, frequencies=fourier_frequencies(self.fourier_frequencies),
            encoder_hidden=check_layer_sizes("encoder_hidden", self.encoder_hidden,
                                             allow_empty=True),
            embedding_dim=self.embedding_dim, decoder=self.decoder,
            decoder_width=self.decoder_width, decoder_depth=self.decoder_depth,
            n_heads=self.n_heads, activation=self.activation, head=data["head"],
            n_outputs=data["n_outputs"],
            set_size=(float(element_counts(X_tr, None, None)[0])
                      if self.pooling == "sum" else None))

    def _train_config(self, progress):
        return facade.TrainConfig(
            beta_start=float(self.beta_start), beta_end=float(self.beta_end),
            n_pretrain_steps=self.n_pretrain_steps, n_steps=self.n_steps,
            batch_size=self.batch_size, learning_rate=float(self.learning_rate),
            n_checkpoints=self.n_checkpoints, keep_snapshots=self.keep_snapshots,
            eval_batch_size=256, progress=progress,
            warmup_fraction=float(self.warmup_fraction),
            precision=getattr(self, "precision", "float32"))

    def _total_steps(self):
        return self.n_pretrain_steps + self.n_steps

    _batchable_replicates = False  # the batched step knows tabular networks

    def _build_network(self, spec, seed):
        return facade.build_set_network(spec, seed)

    def _run_sweep(self, spec, data, rng, resume=None):
        """Train along the β schedule (``n_replicates`` times); return
        (record, network)."""
        device = facade.resolve_device(self.device)
        total = self._total_steps() * self.n_replicates
        progress = SweepProgress(total, type(self).__name__) if self.verbose else None
        config = self._train_config(progress)
        bounds_fn = None
        if self.information_bounds:
            bounds_fn = facade.make_element_information_fn(
                BOUNDS_BATCH_SIZE, bounds_n_batches, draw_seed(rng))
        seeds = [(draw_seed(rng), draw_seed(rng)), *self._sweep_plan(rng)]
        start = time.perf_counter()
        try:
            with facade.torch_threads(self.n_threads):
                record, net = self._train_sweeps(spec, data, config, seeds,
                                                 device, bounds_fn, resume)
        finally:
            if progress is not None:
                progress.close()
        self.fit_time_ = time.perf_counter() - start
        return record, net

    def _store_fit(self, net, record, data, rng):
        types = self.element_types_
        X_val = data["X_val"]
        counts = element_counts(X_val, self.type_column, types)
        self.elements_per_sample_ = counts
        kl_element = np.asarray(record["kl"]) / np.maximum(counts, 1e-12)
        member = membership(X_val, self.type_column, types)
        present = member.sum(axis=(1, 2))
        names = type_names(self.type_column, types)
        if self.information_bounds:
            for message in unmeasured_types(names, present,
                                            member.any(axis=2).sum(axis=1)):
                self._hold_warning(message)  # once the fit is stored
        # each type's bounds use a batch of its own validation elements
        batch = np.clip(present, 2, BOUNDS_BATCH_SIZE).astype(int)
        path = path_from_record({**record, "kl": kl_element}, names,
                                [None] * len(types), batch)
        self.information_path_ = per_set_path(path, counts)
        self.network_ = net
        self.device_ = str(facade.network_device(net))
        self.n_channels_ = len(types)
        self._keep_checkpoints(record)
        self._reference_elements = [
            reference_elements(X_val, self.type_column, types, i, draw_seed(rng))
            for i in range(len(types))]
        self._rewind_to_default()

    # -- the path -------------------------------------------------------
    @property
    def information_per_element_(self):
        """Bits per element of each type, (n_points, n_types): the path's
        ``information`` divided by ``elements_per_sample_``."""
        check_is_fitted(self)
        return (self.information_path_.information
                / np.maximum(self.elements_per_sample_, 1e-12)[None, :])

    # -- inference ------------------------------------------------------
    def _validated(self, X):
        check_is_fitted(self)
        return check_sets(X, self.n_features_in_, self.type_column,
                          self.element_types_)

    def _head_output(self, X):
        X = self._validated(X)
        with facade.torch_threads(self.n_threads):
            return facade.predict_output(self.network_, X, chunk=256)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = False
        return tags

