"""The paper's Boolean-circuit claim, with the estimator's defaults (slow).

Fig. 2c of the Distributed IB paper: the feature subsets that a β sweep uses
are the maximum-information subsets of their size, found without searching
the 2^10 subsets. Checked here on five random 10-input circuits against the
exact subset information.
"""

import numpy as np
import pytest

from skdib import DistributedIBClassifier
from skdib.datasets import make_boolean_circuit, path_subset_score, subset_information

pytestmark = pytest.mark.slow


def test_path_subsets_are_on_the_exhaustive_frontier():
    n_on, n_all = 0, 0
    for seed in range(5):
        circuit = make_boolean_circuit(10, random_state=seed)
        table = subset_information(circuit.X, circuit.y)
        clf = DistributedIBClassifier(random_state=0).fit(circuit.X, circuit.y)
        score, details = path_subset_score(clf.information_path_, table,
                                           return_details=True)
        assert len(details) >= 1
        n_on += int(details["on_frontier"].sum())
        n_all += len(details)
        # a circuit is a function of its inputs: all of X carries all of H(Y)
        assert np.isclose(table["information"].iloc[-1],
                          table.attrs["target_entropy"])
    assert n_on / n_all >= 0.9, (n_on, n_all)
