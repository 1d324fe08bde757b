"""What ``precision='bfloat16'`` does to the path, against float32.

The same fit (same seed) in float32 and in bfloat16, on the 10-input
benchmark circuit (seed 101) and on breast cancer (stratified 70/30,
split 0): fit time, test accuracy, default point, bits in all there, and the
largest change of any channel's bits at any checkpoint. With ``frontier``,
also the share of proper path subsets on the exact frontier over the random
circuits of seeds 6000-6029 (entropy at least 0.8 bits), in both precisions.
About 1 minute, or 10 with ``frontier``, on one core.

    python benchmarks/precision_effect.py [frontier]
"""

import sys
import time
import warnings
from itertools import takewhile

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from skdib import DistributedIBClassifier
from skdib.datasets import (
    iter_boolean_circuits,
    make_boolean_circuit,
    path_subset_score,
)

PRECISIONS = ("float32", "bfloat16")


def _fit(X, y, precision):
    start = time.perf_counter()
    model = DistributedIBClassifier(random_state=0, precision=precision).fit(X, y)
    return model, time.perf_counter() - start


def paths():
    circuit = make_boolean_circuit(10, random_state=101)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                              random_state=0)
    cases = {"10-input circuit": (circuit.X, circuit.y, circuit.X, circuit.y),
             "breast cancer": (X_tr, y_tr, X_te, y_te)}
    for name, (A, b, A_te, b_te) in cases.items():
        fits = {p: _fit(A, b, p) for p in PRECISIONS}
        reference = fits["float32"][0].information_path_.information
        for p, (model, seconds) in fits.items():
            bits = model.information_path_.information
            print(f"{name} | {p} | {seconds:.1f} s | test acc "
                  f"{model.score(A_te, b_te):.3f} | default point "
                  f"{model.best_point_} ({bits[model.best_point_].sum():.2f} bits) | "
                  f"largest change {np.abs(bits - reference).max():.3f} bits",
                  flush=True)


def frontier():
    on = dict.fromkeys(PRECISIONS, 0)
    proper = dict.fromkeys(PRECISIONS, 0)
    # the circuits of seeds 6000-6029 whose output carries at least 0.8 bits
    drawn = takewhile(lambda c: c[0] < 6030, iter_boolean_circuits(6000))
    for _, circuit, table in drawn:
        for p in PRECISIONS:
            model, _ = _fit(circuit.X, circuit.y, p)
            _, details = path_subset_score(model.information_path_, table,
                                           return_details=True)
            if details.attrs["outcome"] != "scored":
                continue
            visited = details[details["proper"]]
            on[p] += int(visited["on_frontier"].sum())
            proper[p] += len(visited)
    for p in PRECISIONS:
        print(f"circuits 6000-6029 | {p} | {on[p]} of {proper[p]} proper path "
              "subsets on the frontier", flush=True)


def main():
    warnings.simplefilter("ignore")
    paths()
    if "frontier" in sys.argv[1:]:
        frontier()


if __name__ == "__main__":
    main()
