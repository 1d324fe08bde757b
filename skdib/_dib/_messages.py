"""The channels' messages as features: ``encode``, ``transform`` and the
names of the transform's columns."""

import numpy as np
from sklearn.base import TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from skdib._backend import facade
from skdib._dib._channels import resolve_channels

__all__ = ["MessagesMixin"]


class MessagesMixin(TransformerMixin):
    """The encoders' posteriors of a fitted estimator, read as features
    (``transform`` defined here, so scikit-learn's ``set_output`` wraps it)."""

    def encode(self, X):
        """Posterior means and log-variances of every channel.

        Returns
        -------
        means, log_vars : ndarray of shape (n_channels, n_samples, embedding_dim)

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import DistributedIBClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2))
        >>> y = (X[:, 0] > 0).astype(int)  # only x0 matters
        >>> clf = DistributedIBClassifier(
        ...     n_pretrain_steps=30, n_steps=100, n_checkpoints=4, embedding_dim=2,
        ...     beta_end=100, validation_fraction=0.25, random_state=0).fit(X, y)
        >>> means, log_vars = clf.encode(X)
        >>> means.shape
        (2, 200, 2)
        >>> bool(log_vars[1].mean() > log_vars[0].mean())  # x1 is sent noisier
        True
        """
        return self._encode_array(self._validated(X))

    def _encode_array(self, X, network=None):
        """Encode an already validated float array (no feature-name checks)
        with ``network`` (default ``network_``)."""
        with facade.torch_threads(self.n_threads):
            return facade.encode(self.network_ if network is None else network, X)

    def transform(self, X):
        """Posterior means of all channels at the current path point.

        Returns
        -------
        U : ndarray of shape (n_samples, n_channels * embedding_dim)
            Channel-major: columns ``c * embedding_dim ... (c + 1) *
            embedding_dim - 1`` belong to channel ``c``.

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import DistributedIBClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2))
        >>> y = (X[:, 0] > 0).astype(int)  # only x0 matters
        >>> clf = DistributedIBClassifier(
        ...     n_pretrain_steps=30, n_steps=100, n_checkpoints=4, embedding_dim=2,
        ...     beta_end=100, validation_fraction=0.25, random_state=0).fit(X, y)
        >>> U = clf.transform(X)
        >>> U.shape, clf.get_feature_names_out().tolist()
        ((200, 4), ['x0_u0', 'x0_u1', 'x1_u0', 'x1_u1'])
        >>> bool(U[:, :2].std() > U[:, 2:].std())  # x0's messages vary more
        True
        """
        means, _ = self.encode(X)
        return means.transpose(1, 0, 2).reshape(means.shape[1], -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``<channel>_u<k>`` of the transform's columns.

        ``input_features``, as in scikit-learn: None names the channels as
        the path does; names of the input columns (equal to
        ``feature_names_in_`` when the model was fitted on a DataFrame) name
        the channels after them, so a Pipeline passes its column names on.
        A channel named in a ``feature_groups`` dict keeps its name.
        """
        check_is_fitted(self)
        names = self.information_path_.feature_names
        if input_features is not None:
            _, names = resolve_channels(
                self.feature_groups, self.n_features_in_,
                _check_feature_names_in(self, input_features),
                getattr(self, "_integer_labels", None))
        return np.asarray(
            [f"{name}_u{k}" for name in names
             for k in range(self._fitted_setting("embedding_dim"))], dtype=object)
