"""Rewinding a fitted model to a checkpoint of its information path.

A mixin of both the tabular and the set-valued estimators: they keep the
same fitted state (``information_path_``, ``best_point_``, the snapshots or
the final state, ``network_``), so one rule picks and loads a checkpoint.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skdib._backend import facade
from skdib._dib._path import DEFAULT_SELECTION_RULE
from skdib._dib._replicate_sweeps import replicate_losses

__all__ = ["RewindMixin"]


class RewindMixin:
    """``set_path_point`` and the rule behind ``best_point_``."""

    def _selection_rule(self):
        """The rule of :meth:`InformationPath.select_point` behind ``best_point_``."""
        return (DEFAULT_SELECTION_RULE if self.select_point == "auto"
                else self.select_point)

    def _keep_checkpoints(self, record, weights=None):
        """Hold a finished sweep's checkpoints: their steps and snapshots (or
        the final state alone when snapshots were not kept), and the
        replicate behind each (``n_replicates``; ``weights`` weight the
        held-out rows of a single sweep's losses)."""
        self.checkpoint_steps_ = record["step"]
        self.path_replicate_ = np.asarray(
            record.get("replicate", np.zeros(len(record["step"]), dtype=int)))
        self.replicate_loss_val_ = (record["replicate_loss_val"]
                                    if "replicate_loss_val" in record
                                    else replicate_losses([record], weights))
        self._snapshots = record["snapshots"] or None
        # the last snapshot is the final state; keep it apart only without them
        self._final_state = None if self._snapshots else record["final_state"]

    def _rewind_to_default(self):
        """Choose ``best_point_`` on the stored path and move the model there
        (to the last point when no snapshots were kept, with a warning held
        until the fit is stored when ``select_point`` chooses another)."""
        rule = self._selection_rule()
        chosen = self.information_path_.select_point(rule)
        if self._snapshots is not None:
            self.best_point_ = chosen
            self.set_path_point(chosen)
            return
        # no snapshots: the last point is the only model there is, so it is
        # the default point too (predictions, transform and the selectors'
        # rules all read best_point_)
        last = self.information_path_.n_points - 1
        self.best_point_ = self.path_point_ = last
        if chosen != last:  # said once the fit is stored (_outcome_stored)
            self._hold_warning(
                f"keep_snapshots=False keeps only the last checkpoint, so the "
                f"model predicts from point {last} (beta = "
                f"{self.information_path_.beta[last]:.3g}), not from point "
                f"{chosen} that select_point={rule!r} chooses. Fit with "
                "keep_snapshots=True to use that point.")

    def set_path_point(self, index=None, *, beta=None, total_information=None):
        """Rewind the model to a checkpoint of the information path.

        Give exactly one of ``index``, ``beta`` (nearest on a log scale) or
        ``total_information`` (nearest total in bits). ``index=None`` with no
        other argument returns to the default point, ``best_point_``.

        Returns
        -------
        self : object

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
        >>> clf.set_path_point(total_information=0).path_point_  # the last point
        3
        >>> compressed = clf.score(X, y)
        >>> best = clf.set_path_point().score(X, y)  # back to best_point_
        >>> clf.path_point_ == clf.best_point_, bool(best > compressed + 0.2)
        (True, True)
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
        index = self._point_index(index)
        facade.load_state(self.network_, self._stored_weights(index))
        self.path_point_ = index
        return self

    def _point_index(self, index):
        """``index`` of a checkpoint checked and counted from 0."""
        n_points = self.information_path_.n_points
        if isinstance(index, bool) or not isinstance(index, Integral):
            raise TypeError(f"index must be an int, got {index!r}.")
        if not -n_points <= index < n_points:
            raise ValueError(
                f"index {index} is out of range for a path of {n_points} points."
            )
        return int(index) % n_points

    def _network_at(self, point):
        """The network at checkpoint ``point`` without rewinding the model.

        ``network_`` itself at the current point (``point`` None or
        ``path_point_``), else a private copy holding that point's weights:
        the model is never changed, so a ``predict`` running meanwhile in
        another thread keeps its point.
        """
        if point is None:
            return self.network_
        index = self._point_index(point)
        if index == self.path_point_:
            return self.network_
        return facade.network_at(self.network_, self._stored_weights(index))

    def _stored_weights(self, index):
        """The weights of checkpoint ``index`` as kept: its snapshot, or the
        final state when no snapshots were kept (the last point only)."""
        if self._snapshots is not None:
            return self._snapshots[index]
        if index != self.information_path_.n_points - 1:
            raise ValueError(
                "This model was fitted with keep_snapshots=False, so only the "
                "last path point is available."
            )
        return self._final_state

