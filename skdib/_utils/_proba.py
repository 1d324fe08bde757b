"""``predict_log_proba`` for the classifiers, from their ``predict_proba``."""

import numpy as np


class LogProbaMixin:
    """Adds :meth:`predict_log_proba` to a classifier with ``predict_proba``."""

    def predict_log_proba(self, X):
        """Natural logarithm of :meth:`predict_proba` (``-inf`` where a
        probability is exactly 0).

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))
