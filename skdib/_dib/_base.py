"""Shared scikit-learn facade of the Distributed IB estimators."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skdib._backend import facade
from skdib._dib._estimates import sweep_value_rows
from skdib._dib._inputs import InputMixin, drop_unweighted, normalise_weights
from skdib._dib._inspection import (
    InspectionMixin,
    channel_blocks,
    default_channel_values,
    dummy_rows,
)
from skdib._dib._messages import MessagesMixin
from skdib._dib._path_record import path_from_record
from skdib._dib._persistence import PersistenceMixin
from skdib._dib._replicate_sweeps import ReplicateSweepMixin
from skdib._dib._resume import ResumableSweepMixin
from skdib._dib._rewind import RewindMixin
from skdib._dib._split import (
    check_target_variation,
    split_validation,
)
from skdib._dib._sweep_setup import SweepSetupMixin
from skdib._utils._progress import SweepProgress
from skdib._utils._random import numpy_rng

__all__ = ["BaseDistributedIB"]

class BaseDistributedIB(PersistenceMixin, ResumableSweepMixin, SweepSetupMixin,
                        ReplicateSweepMixin, RewindMixin, InspectionMixin,
                        MessagesMixin, InputMixin, BaseEstimator):
    """Common fit / path / rewind / transform logic; see the subclasses."""

    _parameter_constraints = {
        "feature_groups": [None, list, tuple, dict],
        "categorical_features": [None, StrOptions({"auto"}), list, tuple],
        "encoder_hidden": [tuple, list, StrOptions({"auto"})],
        "discrete_encoder": [StrOptions({"auto", "table", "mlp"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"),
                          StrOptions({"auto"})],
        "decoder_hidden": [tuple, list, StrOptions({"auto"})],
        "activation": [StrOptions(set(facade.ACTIVATION_NAMES))],
        "fourier_frequencies": [None, Interval(Integral, 1, None, closed="left"),
                                "array-like"],
        "beta_start": [Interval(Real, 0, None, closed="neither")],
        "beta_end": [Interval(Real, 0, None, closed="neither")],
        "n_pretrain_steps": [Interval(Integral, 0, None, closed="left"),
                             StrOptions({"auto"})],
        "n_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_checkpoints": [Interval(Integral, 1, None, closed="left")],
        "n_replicates": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"),
                       StrOptions({"auto"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither"),
                          StrOptions({"auto"})],
        "warmup_fraction": [Interval(Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "weight_decay": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "information_bounds": ["boolean", StrOptions({"auto"})],
        "select_point": [StrOptions({"auto", "one_se", "best"})],
        "keep_snapshots": ["boolean", StrOptions({"exact"})],
        "device": [str, object],
        "precision": [StrOptions(set(facade.PRECISIONS))],
        "n_threads": [None, Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state", np.random.Generator],
        "verbose": ["verbose"],
    }

    def __init__(self, *, feature_groups=None, categorical_features="auto",
                 encoder_hidden="auto", discrete_encoder="auto",
                 embedding_dim="auto", decoder_hidden="auto", activation="relu",
                 fourier_frequencies=None, beta_start=1e-4, beta_end=1.0,
                 n_pretrain_steps="auto", n_steps="auto", n_checkpoints=30,
                 n_replicates=1, batch_size="auto", learning_rate="auto",
                 weight_decay="auto", warmup_fraction="auto",
                 validation_fraction=0.2,
                 information_bounds=True, select_point="auto",
                 keep_snapshots=True, device="auto", precision="float32",
                 n_threads=1, random_state=None, verbose=0):
        self.feature_groups = feature_groups
        self.categorical_features = categorical_features
        self.encoder_hidden = encoder_hidden
        self.discrete_encoder = discrete_encoder
        self.embedding_dim = embedding_dim
        self.decoder_hidden = decoder_hidden
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
        self.weight_decay = weight_decay
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

    def _fit_target_scaling(self, y_train, y_val, w_train=None):
        """Learn target statistics from the training rows alone; apply them.

        Nothing about the validation rows may leak into the fit (they are the
        held-out fold of ``cross_validate_path``).
        """
        return y_train, y_val

    def _head_options(self, y_train, rng):
        """Extra settings of the head, from the training targets."""
        return {}

    # -- fitting --------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, groups=None):
        """Sweep β and record the information path.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric inputs; a DataFrame may also hold categorical columns
            (see ``categorical_features``).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (one column) for the classifier; one or more
            numeric outputs for the regressor.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative row weights: they weight the training loss, the
            validation loss and score, the KL, the value frequencies of
            discrete channels and the inputs' centring and scaling. With
            fixed settings a weight of 2 acts like the row given twice (in
            expectation: training draws random batches); the 'auto'
            settings are chosen from the number of rows, so duplicated rows
            may get a larger network. A row of weight 0 is left out before the
            validation split, so it neither trains nor scores (as in
            scikit-learn, its label stays one of ``classes_`` and its
            categories stay categories). Rows of an explicit ``X_val``
            count equally.
        X_val, y_val : array-like, optional
            An explicit validation set for the path's held-out loss, score and
            information (for example one fold of a grouped cross-validation).
            All of ``X`` then trains and ``validation_fraction`` is ignored.
        groups : array-like of shape (n_samples,), optional
            Group labels (e.g. the experiment or simulation each row comes
            from). The random validation split then keeps each group on one
            side, so correlated rows cannot leak from training into
            validation. Cannot be combined with ``X_val`` (a ValueError
            says so): groups shape only the random split.

        Returns
        -------
        self : object
            The fitted estimator, positioned at its default point
            ``best_point_``, chosen by ``select_point``.
        """
        with self._unchanged_if_refused():
            X, y, X_val, y_val, rng, weights = self._begin_fit(
                X, y, sample_weight, X_val, y_val, groups)
            return self._sweep(X, y, X_val, y_val, groups, rng, weights=weights)

    def _begin_fit(self, X, y, sample_weight, X_val, y_val, groups):
        """Checked inputs and the fit's generator: all of ``fit`` before the
        sweep (also used by the batched fits of ``_replicated_fit.py``)."""
        X, y, weights = self._check_fit_input(X, y, sample_weight)
        if self._target_validation.get("y_numeric"):
            # the rows that train: those of weight 0 are dropped before the split
            check_target_variation(y if weights is None else y[weights > 0])
        X_val, y_val = self._check_validation_set(X, y, X_val, y_val, groups,
                                                  weights=weights)
        rng = numpy_rng(self.random_state)
        self._remember_inputs(rng, X, y, X_val, y_val, groups, weights)
        return X, y, X_val, y_val, rng, weights

    def _prepare_sweep(self, X, y, X_val, y_val, groups, rng, weights=None,
                       value_rows=None):
        """The sweep's data (with discrete channels, counted under the rule
        ``value_rows``, see ``sweep_value_rows``), network spec, channels and
        names."""
        data = self._training_data(X, y, X_val, y_val, groups, rng, weights)
        data["value_rows"] = value_rows
        spec, channels, names = self._network_spec(data, rng)
        return data, spec, channels, names

    def _sweep(self, X, y, X_val, y_val, groups, rng, resume=None, weights=None):
        """Prepare the data and network, run the sweep, store the path."""
        rule = sweep_value_rows(resume)
        data, spec, channels, names = self._prepare_sweep(
            X, y, X_val, y_val, groups, rng, weights, rule)

        def store(record, net):
            self._store_fit(net, record, channels, names, data, rng)

        try:
            record, net = self._run_sweep(spec, data, len(channels), rng, resume)
        except facade.TrainingStopped as stop:
            if stop.resume is not None:  # a resumed sweep keeps the rule
                stop.resume["value_rows"] = rule
            self._sweep_stopped(stop, store)
        store(record, net)
        self._sweep_completed()
        return self

    def _training_data(self, X, y, X_val, y_val, groups, rng, weights=None):
        """Encoded targets, the train / validation rows and their weights."""
        n_given = len(X)
        y_all = y if X_val is None else np.concatenate([y, y_val])
        y_enc, head, n_out, y_dtype, stratify = self._prepare_target(y_all)
        X, y_enc, groups, weights = drop_unweighted(X, y_enc, groups, weights)
        n = len(X)
        self._check_weighted_target(y_enc[:n])
        in_train = X_val is None and self.validation_fraction == 0
        if X_val is None:
            train, val = split_validation(y_enc, self.validation_fraction,
                                          stratify, groups, rng,
                                          getattr(self, "classes_", None),
                                          left_out=n_given - n, weights=weights,
                                          weighted_by=getattr(self, "_weighted_by",
                                                              ""))
            X_tr, X_val, y_tr, y_val = X[train], X[val], y_enc[train], y_enc[val]
            w_tr, w_val = ((None, None) if weights is None
                           else (weights[train], weights[val]))
            g_val = None if groups is None else np.asarray(groups)[val]
            w_all = (None if weights is None
                     else normalise_weights(np.concatenate([w_tr, w_val])))
        else:  # X_val takes no weights: its metrics, and every row, unweighted
            X_tr, y_tr, y_val = X, y_enc[:n], y_enc[n:]
            w_tr, w_val, g_val, w_all = weights, None, None, None
        if w_val is not None and w_val.sum() <= 0:
            raise ValueError("Every validation row has sample weight 0; the path "
                             "cannot be scored. Give those rows weight, or pass "
                             "an explicit X_val, y_val.")
        y_tr, y_val = self._fit_target_scaling(y_tr, y_val, w_tr)
        return {"X_train": X_tr, "y_train": y_tr, "X_val": X_val, "y_val": y_val,
                "w_train": normalise_weights(w_tr), "w_val": normalise_weights(w_val),
                "w_all": w_all, "val_in_train": in_train,
                "g_val": g_val, "head": head, "n_outputs": n_out,
                "y_dtype": y_dtype}

    def _run_sweep(self, spec, data, n_channels, rng, resume=None):
        """Train the network along the β schedule (``n_replicates`` times,
        see :mod:`skdib._dib._replicate_sweeps`); return (record, network)."""
        device = facade.resolve_device(self.device)
        total = self._total_steps() * self.n_replicates
        progress = SweepProgress(total, type(self).__name__) if self.verbose else None
        config = self._train_config(progress)
        bounds_fn, net_seed, loop_seed = self._sweep_seeds(data, rng)
        seeds = [(net_seed, loop_seed), *self._sweep_plan(rng)]
        start = time.perf_counter()
        try:
            with facade.torch_threads(self.n_threads):
                record, net = self._train_sweeps(spec, data, config, seeds,
                                                 device, bounds_fn, resume)
        finally:
            if progress is not None:
                progress.close()
        self.fit_time_ = time.perf_counter() - start
        self.bounds_time_ = 0.0 if bounds_fn is None else bounds_fn.elapsed
        return record, net

    def _store_fit(self, net, record, channels, names, data, rng):
        """Set the fitted attributes and move to the default path point."""
        self.network_ = net
        self.device_ = str(facade.network_device(net))
        self.recipe_ = dict(self._recipe)
        self.channels_ = channels
        self.n_channels_ = len(channels)
        layout = getattr(self, "_layout", None)
        self._net_channels = (channels if layout is None
                              else layout.expand_channels(channels))
        self._channel_categories = (None if layout is None
                                    else layout.channel_categories(channels))
        if layout is not None:
            layout.read_only(channels)
        self._keep_checkpoints(record, data["w_val"])
        self.information_path_ = path_from_record(
            record, names, data["discrete"], self._bounds_batch_size(data),
            weights=data["w_val"], value_rows=data["value_rows"])
        X_tr = data["X_train"]
        self._feature_center = data["center"]
        # a group of dummy columns made by the user: plots name the hot column
        categorical = set() if layout is None else set(layout.categories)
        self._one_hot_channels = [
            categorical.isdisjoint(cols) and dummy_rows(X_tr[:, net])
            for cols, net in zip(channels, self._net_channels, strict=True)]
        self._channel_values = [
            default_channel_values(X_tr[:, net], rng,
                                   channel_blocks(layout, cols, one_hot))
            for cols, net, one_hot in zip(channels, self._net_channels,
                                          self._one_hot_channels, strict=True)]
        self.n_validation_samples_ = len(data["X_val"])
        self._rewind_to_default()

    # -- inference ------------------------------------------------------
    def _validated(self, X):
        check_is_fitted(self)
        return self._check_input(X)

    def _prediction_samples(self):
        """Draws of the messages a prediction averages over (0: the means)."""
        return self.predict_samples

    def _head_output(self, X, n_samples=0):
        X = self._validated(X)
        with facade.torch_threads(self.n_threads):
            return facade.predict_output(self.network_, X, n_samples=n_samples)

    def _fitted_setting(self, name):
        """A setting as the fit used it (``recipe_``; older pickles: the
        parameter itself)."""
        recipe = getattr(self, "recipe_", None)
        return getattr(self, name) if recipe is None else recipe[name]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags
