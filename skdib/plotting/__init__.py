"""Plots of information paths: the information plane, the allocation heatmap,
distinguishability matrices, subset frontiers, selector comparisons and the
information kept from radial structure functions against g(r), and the
information maps of set-valued models.

Every function takes a fitted estimator or an :class:`~skdib.InformationPath`
(where that makes sense) and an optional ``ax``, and returns the Axes (or the
Figure for multi-panel plots). In place of the estimator, those that read a
path also take a fitted object that holds exactly one fitted Distributed IB
estimator: a selector (its ``estimator_``), a Pipeline (any step), a
FeatureUnion or ColumnTransformer (its transformers), a search (its
``best_estimator_``) or a CalibratedClassifierCV (its calibrated copy).
matplotlib is the only plotting dependency.
"""

from skdib.plotting._allocation import plot_information_allocation
from skdib.plotting._distinguishability import plot_distinguishability
from skdib.plotting._frontier import plot_subset_frontier
from skdib.plotting._information_map import plot_information_map
from skdib.plotting._plane import plot_information_plane
from skdib.plotting._radial import plot_radial_allocation
from skdib.plotting._selectors import plot_selector_comparison

__all__ = [
    "plot_distinguishability",
    "plot_information_allocation",
    "plot_information_map",
    "plot_information_plane",
    "plot_radial_allocation",
    "plot_selector_comparison",
    "plot_subset_frontier",
]
