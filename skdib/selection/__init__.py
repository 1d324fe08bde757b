"""Feature selection: from a Distributed IB path, or by information imbalance.

* :class:`DistributedIBSelector` -- keep the features a β sweep drops last.
* :class:`InformationImbalanceSelector` -- greedy selection by information
  imbalance (Eq. 12 of the glassy-dynamics paper), supervised or not.
* :func:`information_imbalance` -- Δ(A→B) between two representations.
* :func:`stability_paths` -- stability selection along the β path
  (half-samples; on a GPU trained as one batched model), returning
  :class:`StabilityPaths`.

All but :class:`StabilityPaths` are also importable from :mod:`skdib`.
"""

from skdib.selection._dib_selector import DistributedIBSelector
from skdib.selection._imbalance_selector import InformationImbalanceSelector
from skdib.selection._information_imbalance import information_imbalance
from skdib.selection._stability import StabilityPaths, stability_paths

__all__ = [
    "DistributedIBSelector",
    "InformationImbalanceSelector",
    "StabilityPaths",
    "information_imbalance",
    "stability_paths",
]
