"""The selectors' refusal of a pandas Series in ``inverse_transform``."""

from skdib._utils._validation import check_not_series

__all__ = ["SeriesRefusalMixin"]


class SeriesRefusalMixin:
    """Give ``inverse_transform`` the estimators' message for a pandas Series
    (scikit-learn's names the class by a module path that differs between
    pandas versions, and gives no way through); placed before
    :class:`~sklearn.feature_selection.SelectorMixin` in the bases."""

    def inverse_transform(self, X):
        """Put the selected columns back in place, with zeros elsewhere.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_selected_features)
            Values of the selected features.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_)
            ``X`` with a column of zeros for each feature not selected.
        """
        check_not_series(X)
        return super().inverse_transform(X)
