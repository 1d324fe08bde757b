"""Distributed IB regressor."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_is_fitted

from skdib._base import BaseDistributedIB

__all__ = ["DistributedIBRegressor"]


class DistributedIBRegressor(RegressorMixin, BaseDistributedIB):
    """Distributed Information Bottleneck regressor.

    The same model as :class:`DistributedIBClassifier`, with a Gaussian
    likelihood head: the decoder predicts the mean of each (standardised)
    output and a learned variance per output, so the relevance term is a
    proper log-likelihood. ``loss_train`` and ``loss_val`` on the path are
    negative log-likelihoods of the standardised targets, in bits per sample;
    ``score_val`` is R².

    Parameters
    ----------
    See :class:`DistributedIBClassifier`; all parameters are shared, except
    that ``select_point='auto'`` means 'one_se' here.

    Attributes
    ----------
    information_path_ : InformationPath
    best_point_, path_point_ : int
    channels_ : list of list of int
    n_channels_, n_features_in_ : int
    n_outputs_ : int
    network_ : torch.nn.Module

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = X[:, 0] + 0.1 * rng.normal(size=300)
    >>> reg = DistributedIBRegressor(n_steps=300, n_pretrain_steps=100,
    ...                              n_checkpoints=5, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> bool(reg.score(X, y) > 0.8)
    True
    """

    _target_validation = {"y_numeric": True, "multi_output": True}
    _default_select_point = "one_se"

    def _prepare_target(self, y):
        y = np.asarray(y, dtype=np.float64)
        self._y_ndim = y.ndim
        y2 = y.reshape(len(y), -1)
        self.n_outputs_ = y2.shape[1]
        self._y_mean = y2.mean(axis=0)
        std = y2.std(axis=0)
        self._y_scale = np.where(std < 1e-12, 1.0, std)
        return (y2 - self._y_mean) / self._y_scale, "gaussian", self.n_outputs_, \
            "float", False

    def predict(self, X):
        """Predicted mean of y at the current path point.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The shape of the training target.
        """
        check_is_fitted(self)
        out = self._head_output(X) * self._y_scale + self._y_mean
        return out[:, 0] if self._y_ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


