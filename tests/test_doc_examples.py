"""The estimators' docstring examples run as a user would copy them: without
a warning that the example leaves unexplained.

The doctest run (``--doctest-modules``) checks their output; a warning
raised in an example is not output, so it passes there unseen. A user who
pastes the example sees it, and a BetaRangeWarning ("raise beta_end") in the
first lines of the API reference reads as a misuse of the estimator.
"""

import doctest
import warnings

import pytest

import skdib
from skdib._dib._inspection import InspectionMixin
from skdib.plotting import plot_distinguishability

EXAMPLES = [skdib.DistributedIBClassifier, skdib.DistributedIBRegressor,
            InspectionMixin.distinguishability_matrix, plot_distinguishability]


@pytest.mark.parametrize("obj", EXAMPLES, ids=lambda o: o.__qualname__)
def test_example_runs_without_warnings(obj):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in doctest.DocTestFinder().find(obj) if t.examples]
    assert tests
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        for test in tests:
            test.globs = {}
            runner.run(test, out=lambda _: None)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
