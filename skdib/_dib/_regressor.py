"""Distributed IB regressor."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skdib._dib._base import BaseDistributedIB
from skdib._dib._inputs import weighted_moments
from skdib._dib._scoring import ScaledR2Mixin
from skdib._dib._shared_parameters import SHARED_PARAMETERS
from skdib._utils._random import draw_seed

__all__ = ["DistributedIBRegressor"]


class DistributedIBRegressor(ScaledR2Mixin, BaseDistributedIB):
    __doc__ = """Distributed Information Bottleneck regressor.

    The same model as :class:`DistributedIBClassifier`, with a Gaussian
    likelihood head: the decoder predicts the mean of each (standardised)
    output and a learned variance per output, so the relevance term is a
    proper log-likelihood. ``loss_train`` and ``loss_val`` on the path are
    negative log-likelihoods of the standardised targets, in bits per sample;
    ``score_val`` is R².

    With ``head='infonce'`` the relevance term is instead the InfoNCE loss of
    the paper's Eq. 5: y is encoded by its own MLP (hidden widths
    ``decoder_hidden``) into a 32-dimensional space shared with a projection
    of the decoder output, and pairs are contrasted within each batch with
    similarity ``similarity`` over ``temperature``. This suits continuous,
    multi-dimensional y (e.g. colours) without a likelihood model. The path's
    ``relevance_lower`` then holds the InfoNCE lower bound on I(U; Y) in bits
    and ``loss_*`` the InfoNCE loss. Its negatives are the other rows scored
    together (a training batch, or up to 4096 held-out rows), so it grows
    with the log of their number: ``loss_train`` and ``loss_val`` compare
    only at equal sizes (the path's ``score_val`` does not depend on
    them). ``predict`` returns, for each sample,
    the training target (out of a codebook of ``codebook_size`` drawn at fit
    time) whose encoding is most similar, as in the paper's image
    reconstructions; predictions are therefore values seen in training, up
    to the rounding of undoing the standardisation of y (a few units in the
    last place).

    Parameters
    ----------
    head : {'gaussian', 'infonce'}, default='gaussian'
    predict_samples : int, default=128
        ``predict`` averages the decoder's predicted mean over this many
        draws of the channels' messages U ~ p(u | x) (the same fixed draws
        for every row): the mean of the predictive distribution the model
        was trained for, which the path's validation R² and the default
        point are judged by as well. On diabetes (70/30 splits 0-4, seeds
        0-4) averaging raised the mean test R² at the default point on four
        splits of five (0.311 to 0.361 on split 0), and 128 draws rather
        than 32 raised it again on four splits that played no part in the
        choice (by 0.001-0.020; user guide, "Regression predictions"). 0
        decodes the posterior means, as 0.1 did. The InfoNCE head always
        predicts from the posterior means.
    temperature : float, default=1.0
        InfoNCE temperature.
    similarity : {'l2', 'cosine'}, default='l2'
        InfoNCE similarity: negative Euclidean distance or cosine.
    codebook_size : int, default=1024
        Training targets kept for InfoNCE predictions.
""" + SHARED_PARAMETERS + """
    Attributes
    ----------
    information_path_ : InformationPath
    best_point_, path_point_ : int
    path_replicate_, replicate_loss_val_ : ndarray
        See :class:`DistributedIBClassifier` (``n_replicates``).
    recipe_ : dict
        The settings the fit used, as for :class:`DistributedIBClassifier`
        (without ``label_smoothing``).
    fit_time_, bounds_time_ : float
        Seconds spent in the sweep, and in computing bounds within it.
    device_ : str
        The device the sweep ran on (``'cpu'``, ``'cuda:0'``), as for
        :class:`DistributedIBClassifier`.
    fit_status_, n_validation_samples_, checkpoint_steps_
        As for :class:`DistributedIBClassifier`: whether the sweep completed,
        the held-out rows the path was measured on, and each checkpoint's
        training step.
    channels_ : list of list of int
    n_channels_, n_features_in_ : int
    n_outputs_ : int
    network_ : torch.nn.Module
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = X[:, 0] + 0.1 * rng.normal(size=300)
    >>> reg = DistributedIBRegressor(n_steps=300, n_pretrain_steps=100,
    ...                              n_checkpoints=5, beta_end=30,
    ...                              random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> bool(reg.score(X, y) > 0.8)
    True
    """

    _target_validation = {"y_numeric": True, "multi_output": True}
    # a regressor pickled before predict_samples predicted from the means
    _BEFORE_PARAMETER = {"predict_samples": 0}
    _parameter_constraints = {
        **BaseDistributedIB._parameter_constraints,
        "head": [StrOptions({"gaussian", "infonce"})],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "similarity": [StrOptions({"l2", "cosine"})],
        "codebook_size": [Interval(Integral, 2, None, closed="left")],
        "predict_samples": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, *, head="gaussian", predict_samples=128, temperature=1.0,
                 similarity="l2", codebook_size=1024, feature_groups=None,
                 categorical_features="auto", encoder_hidden="auto",
                 discrete_encoder="auto",
                 embedding_dim="auto", decoder_hidden="auto", activation="relu",
                 fourier_frequencies=None, beta_start=1e-4, beta_end=1.0,
                 n_pretrain_steps="auto", n_steps="auto", n_checkpoints=30,
                 n_replicates=1, batch_size="auto", learning_rate="auto",
                 weight_decay="auto", warmup_fraction="auto",
                 validation_fraction=0.2,
                 information_bounds=True, select_point="auto",
                 keep_snapshots=True, device="auto", precision="float32",
                 n_threads=1,
                 random_state=None, verbose=0):
        self.head = head
        self.predict_samples = predict_samples
        self.temperature = temperature
        self.similarity = similarity
        self.codebook_size = codebook_size
        super().__init__(
            feature_groups=feature_groups,
            categorical_features=categorical_features, encoder_hidden=encoder_hidden,
            discrete_encoder=discrete_encoder,
            embedding_dim=embedding_dim, decoder_hidden=decoder_hidden,
            activation=activation, fourier_frequencies=fourier_frequencies,
            beta_start=beta_start, beta_end=beta_end,
            n_pretrain_steps=n_pretrain_steps, n_steps=n_steps,
            n_checkpoints=n_checkpoints, n_replicates=n_replicates,
            batch_size=batch_size,
            learning_rate=learning_rate, warmup_fraction=warmup_fraction,
            weight_decay=weight_decay,
            validation_fraction=validation_fraction,
            information_bounds=information_bounds, select_point=select_point,
            keep_snapshots=keep_snapshots, device=device, precision=precision,
            n_threads=n_threads,
            random_state=random_state, verbose=verbose)

    def _prepare_target(self, y):
        y = np.asarray(y, dtype=np.float64)
        self._y_ndim = y.ndim
        y2 = y.reshape(len(y), -1)
        self.n_outputs_ = y2.shape[1]
        return y2, self.head, self.n_outputs_, "float32", False

    def _fit_target_scaling(self, y_train, y_val, w_train=None):
        """Standardise y with the (weighted) mean and scale of the training
        rows only."""
        self._y_mean, self._y_scale = weighted_moments(y_train, w_train)
        return ((y_train - self._y_mean) / self._y_scale,
                (y_val - self._y_mean) / self._y_scale)

    def _prediction_samples(self):
        """The InfoNCE head's prediction is a codebook target, not a mean to
        average: it decodes the posterior means."""
        return 0 if self.head == "infonce" else super()._prediction_samples()

    def _head_options(self, y_train, rng):
        if self.head != "infonce":
            return {}
        if min(self._recipe["batch_size"], len(y_train)) < 2:
            raise ValueError(
                "head='infonce' contrasts each row with the others of its batch, "
                f"so it needs batches of at least 2 rows; got batch_size="
                f"{self._recipe['batch_size']} and {len(y_train)} training rows.")
        size = min(self.codebook_size, len(y_train))
        # one draw from rng whatever the size, so the codebook changes
        # nothing that is trained
        codebook_rng = np.random.default_rng(draw_seed(rng))
        codebook = y_train[codebook_rng.choice(len(y_train), size, replace=False)]
        return dict(codebook=codebook, hidden=self._recipe["decoder_hidden"],
                    temperature=self.temperature, similarity=self.similarity,
                    activation=self.activation)

    def predict(self, X):
        """Predicted y at the current path point: the mean of the Gaussian
        head's prediction, or the InfoNCE head's nearest codebook target.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The shape of the training target.
        """
        check_is_fitted(self)
        out = (self._head_output(X, n_samples=self._prediction_samples())
               * self._y_scale + self._y_mean)
        return out[:, 0] if self._y_ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


