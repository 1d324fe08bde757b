"""The set-valued Distributed IB classifier and regressor."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from skdib._dib._inputs import weighted_moments
from skdib._dib._scoring import ScaledR2Mixin
from skdib._dib._split import check_target_variation, check_validation_classes
from skdib._sets._base import BaseSetDIB
from skdib._utils._proba import LogProbaMixin

__all__ = ["DistributedIBSetClassifier", "DistributedIBSetRegressor"]

_PARAMETERS = """
    Parameters
    ----------
    type_column : int or None, default=None
        Column of the elements holding their type (codes such as 0, 1). Each
        type gets its own encoder, shared by all elements of that type, and
        its own column of the information path. None: one encoder for all.
    encoder_hidden : tuple of int, default=(64, 64)
        Hidden widths of every type's encoder MLP.
    embedding_dim : int, default=8
        Dimension of each element's Gaussian message.
    decoder : {'deepsets', 'transformer'}, default='deepsets'
        The permutation-invariant decoder: an MLP per message, a pooling
        over the set (``pooling``) and an MLP ('deepsets', cheap), or
        pre-norm self-attention blocks among the messages followed by the
        pooling ('transformer').
    pooling : {'sum', 'mean'}, default='sum'
        How the decoder pools the set: 'sum' adds the elements' features
        and divides by the mean training set size (so a set's size still
        counts), 'mean' averages them.
    decoder_width, decoder_depth, n_heads : int, default=64, 2, 4
        Width and number of blocks (or per-element layers) of the decoder;
        attention heads of the transformer.
    activation : str, default='relu'
    fourier_frequencies : None, int or array-like, default=None
        As for :class:`~skdib.DistributedIBClassifier`: each standardised
        element number z also enters the encoder as sin(w z).
    beta_start, beta_end : float, default=1e-4, 1.0
    n_pretrain_steps, n_steps : int, default=300, 2000
    n_checkpoints : int, default=20
    n_replicates : int, default=1
        Sweeps with different seeds; every checkpoint keeps the replicate
        with the lowest validation loss of the prediction, as for
        :class:`~skdib.DistributedIBClassifier` (here one after the other on
        every device).
    batch_size : int, default=128
        Sets per training step.
    learning_rate : float, default=1e-3
    warmup_fraction : float, default=0.0
        Share of all steps over which the learning rate rises linearly from
        ``learning_rate / n`` to ``learning_rate`` (the paper's per-particle
        model warmed up over the first 10 %).
    validation_fraction : float, default=0.2
    information_bounds : bool, default=True
        Per-element sandwich bounds at every checkpoint, on batches of up to
        1024 elements of each type from the validation sets, averaged over
        max(2, ceil(256 / K)) batches of K elements.
    select_point : {'auto', 'one_se', 'best'}, default='auto'
    keep_snapshots : bool or 'exact', default=True
    device : {'auto', 'cpu', 'cuda'} or torch.device, default='auto'
    precision : {'float32', 'bfloat16', 'tf32'}, default='float32'
        Arithmetic of the training steps, as for
        :class:`~skdib.DistributedIBClassifier`.
    n_threads : int or None, default=1
    random_state : int, RandomState instance or None, default=None
        As for :class:`~skdib.DistributedIBClassifier` (None: a seed drawn
        from numpy's global ``RandomState``).
    verbose : int, default=0

    Attributes
    ----------
    information_path_ : InformationPath
        One column per element type, in bits per sample: the mean number of
        elements of that type per set times the bits per element (the SI's
        total information).
    information_per_element_ : ndarray of shape (n_points, n_types)
    elements_per_sample_ : ndarray of shape (n_types,)
        Mean number of elements of each type per validation set.
    element_types_ : ndarray
        The type codes, in the path's column order.
    best_point_, path_point_ : int
    path_replicate_, replicate_loss_val_ : ndarray
        The replicate behind each checkpoint and every replicate's
        validation losses (``n_replicates``).
    fit_status_ : {'complete', 'interrupted', 'diverged'}
        A sweep stopped by Ctrl-C or a divergence keeps the path up to its
        last good checkpoint and predicts from it; :meth:`continue_fit` with
        the same data finishes it.
    network_ : torch.nn.Module
    fit_time_ : float
    device_ : str
        The device the sweep ran on (``'cpu'``, ``'cuda:0'``), as for
        :class:`~skdib.DistributedIBClassifier`.
    n_features_in_ : int
        Numbers per element, the type column included.
    n_channels_ : int
        Element types (channels of the path).
    checkpoint_steps_ : ndarray of shape (n_points,)
        The training step of each checkpoint.
"""


class DistributedIBSetClassifier(LogProbaMixin, ClassifierMixin, BaseSetDIB):
    __doc__ = """Distributed IB classifier for set-valued samples.

    Each sample is a set of elements (particles of a neighbourhood, cells,
    detector hits): X has shape (n_samples, n_elements, n_features), with
    rows of NaN padding smaller sets. Every element is compressed by the
    encoder of its type to a Gaussian message, and a permutation-invariant
    decoder predicts the class from the set of messages, while β rises. The
    path records the bits per element type; :meth:`information_map` probes
    where in the element space (e.g. where in a neighbourhood) the
    transmitted information lives.
""" + _PARAMETERS + """    classes_ : ndarray of shape (n_classes,)
        The labels, in the order of ``predict_proba``'s columns.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBSetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 6, 2))
    >>> y = (np.abs(X[..., 0]) < 0.5).sum(axis=1) >= 2
    >>> clf = DistributedIBSetClassifier(n_pretrain_steps=100, n_steps=300,
    ...                                  n_checkpoints=4, random_state=0)
    >>> clf.fit(X, y).information_path_.information.shape
    (4, 1)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    def _prepare_target(self, y):
        check_classification_targets(y)
        if np.ndim(y) != 1:
            raise ValueError(f"y must be 1-dimensional, got shape {np.shape(y)}.")
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"The target has only 1 class ({self.classes_[0]!r}); "
                             "a classifier needs at least 2.")
        return encoder.transform(y), "categorical", len(self.classes_), "long", True

    def _check_validation_target(self, y, y_val):
        check_validation_classes(y, y_val)

    def predict_proba(self, X):
        """Class probabilities at the current path point, (n_samples, n_classes)."""
        return self._head_output(X)

    def predict(self, X):
        """Most probable class at the current path point."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class DistributedIBSetRegressor(ScaledR2Mixin, BaseSetDIB):
    __doc__ = """Distributed IB regressor for set-valued samples.

    As :class:`DistributedIBSetClassifier`, with a Gaussian likelihood head
    on the standardised target (a mean and a learned variance).
""" + _PARAMETERS + """
    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBSetRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 5, 1))
    >>> y = X[..., 0].max(axis=1)
    >>> reg = DistributedIBSetRegressor(n_pretrain_steps=100, n_steps=300,
    ...                                 n_checkpoints=4, random_state=0)
    >>> reg.fit(X, y).predict(X[:2]).shape
    (2,)
    """

    def _prepare_target(self, y):
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-dimensional, got shape {y.shape}.")
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinite values.")
        return y[:, None], "gaussian", 1, "float32", False

    def _check_target(self, y):
        # checked first, as _prepare_target checks it; then as the tabular
        # regressor warns
        check_target_variation(self._prepare_target(y)[0])

    def _fit_target_scaling(self, y_train, y_val):
        self._y_mean, self._y_scale = weighted_moments(y_train, None)
        return ((y_train - self._y_mean) / self._y_scale,
                (y_val - self._y_mean) / self._y_scale)

    def predict(self, X):
        """Predicted mean of y at the current path point, (n_samples,)."""
        check_is_fitted(self)
        return (self._head_output(X) * self._y_scale + self._y_mean)[:, 0]
