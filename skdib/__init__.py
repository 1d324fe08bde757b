"""skdib: the Distributed Information Bottleneck for scikit-learn.

Fit one model, get the whole path of approximations from "all information" to
"none": bits per feature (or feature group), loss and score along a sweep of
the bottleneck strength β.
"""

from skdib._classifier import DistributedIBClassifier
from skdib._imbalance_selector import InformationImbalanceSelector
from skdib._information_imbalance import information_imbalance
from skdib._path import InformationPath
from skdib._regressor import DistributedIBRegressor
from skdib._selector import DistributedIBSelector

__version__ = "0.1.0.dev0"

__all__ = [
    "DistributedIBClassifier",
    "DistributedIBRegressor",
    "DistributedIBSelector",
    "InformationImbalanceSelector",
    "InformationPath",
    "__version__",
    "information_imbalance",
]
