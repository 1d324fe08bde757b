"""Random 10-input circuits: path subsets on the exact frontier, with and
without the checkpoints that had not settled.

For each circuit (seeds from START, keeping those whose output carries at
least 0.8 bits) one default fit, scored by ``path_subset_score`` twice: as
it ships (unsettled checkpoints skipped) and counting every checkpoint. Prints
one row per circuit, then the pooled shares and the circuits whose own share
is below 0.75. About 9 s per circuit on one core.

    python benchmarks/settled_frontier.py [START [N]]

The user guide's table ("Settled checkpoints") is START = 9000, 11000 (where
the rule was chosen), 13000 and 13500 with N = 15 (where it was checked).
"""

import sys
import warnings

from skdib import DistributedIBClassifier
from skdib.datasets import iter_boolean_circuits, path_subset_score

MIN_ENTROPY = 0.8


def proper_counts(path, table, skip):
    """(on the frontier, proper subsets) of one path."""
    _, details = path_subset_score(path, table, skip_unsettled=skip,
                                   return_details=True)
    proper = details[details["proper"]]
    return int(proper["on_frontier"].sum()), len(proper)


def main():
    warnings.simplefilter("ignore")
    start = int(sys.argv[1]) if len(sys.argv) > 1 else 13000
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    totals = {True: [0, 0, []], False: [0, 0, []]}
    source = iter_boolean_circuits(start, min_entropy=MIN_ENTROPY)
    for _ in range(n):
        seed, circuit, table = next(source)
        path = DistributedIBClassifier(random_state=0).fit(
            circuit.X, circuit.y).information_path_
        cells = []
        for skip in (True, False):
            on, total = proper_counts(path, table, skip)
            totals[skip][0] += on
            totals[skip][1] += total
            if total and on / total < 0.75:
                totals[skip][2].append(seed)
            cells.append(f"{on}/{total}")
        print(f"circuit {seed} | settled {cells[0]} | all {cells[1]} | "
              f"unsettled checkpoints {int((~path.settled).sum())}", flush=True)
    for skip, name in ((True, "settled"), (False, "all")):
        on, total, low = totals[skip]
        print(f"{name}: {on}/{total} on the frontier, below 0.75: {low}")


if __name__ == "__main__":
    main()
