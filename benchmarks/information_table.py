"""Bits per channel at three checkpoints: KL, bounds, point estimate, exact.

    python benchmarks/information_table.py

Fits the default classifier on breast cancer (stratified 70/30 training part)
and on a 10-input Boolean circuit, and prints, for a few channels at the first,
middle and last checkpoints, the KL, the lower and upper bounds and the point
estimate; for the circuit also a reference computed independently of the path:
the mixture information of each Boolean channel from its two posteriors (the
encodings of 0 and 1) with 200,000 Monte Carlo draws per component.
"""

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from skdib import DistributedIBClassifier
from skdib.datasets import make_boolean_circuit
from skdib.information import mixture_information


def rows(est, points, channels, exact=None):
    path = est.information_path_
    for p in points:
        for c in channels:
            line = (f"| {p:>2} | {path.beta[p]:.2e} | {path.feature_names[c]:<14} "
                    f"| {path.kl[p, c]:7.3f} | {path.information_lower[p, c]:7.3f} "
                    f"| {path.information_upper[p, c]:7.3f} "
                    f"| {path.information[p, c]:7.3f} "
                    f"| {path.information_method[c]:<8} |")
            if exact is not None:
                line += f" {exact[p][c]:7.3f} |"
            print(line)


def circuit_reference(est, X_val):
    """Independent mixture information of each Boolean channel per point."""
    out = []
    for p in range(est.information_path_.n_points):
        est.set_path_point(p)
        values = np.array([[0.0] * X_val.shape[1], [1.0] * X_val.shape[1]])
        mu, lv = est.encode(values)  # (channels, 2, d): codes of 0 and 1
        w = np.stack([1 - X_val.mean(axis=0), X_val.mean(axis=0)], axis=1)
        info, *_ = mixture_information(mu, lv, w, n_samples=200_000,
                                       random_state=1)
        out.append(info)
    est.set_path_point()
    return out


def main():
    torch.set_num_threads(1)
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_tr, _, y_tr, _ = train_test_split(X, y, test_size=0.3, stratify=y,
                                        random_state=0)
    bc = DistributedIBClassifier(random_state=0).fit(X_tr, y_tr)
    n = bc.information_path_.n_points
    points = [0, n // 2, n - 1]
    top = list(bc.information_path_.drop_order().argsort()[::-1][:3])
    print("breast cancer (3 most persistent channels)")
    print("| pt | beta | channel | KL | lower | upper | information | method |")
    rows(bc, points, top)
    circuit = make_boolean_circuit(10, random_state=2024)
    clf = DistributedIBClassifier(random_state=0, validation_fraction=0.2)
    clf.fit(circuit.X, circuit.y)
    # the validation rows are not exposed; the truth table is uniform, so the
    # value frequencies are 1/2 for every input on any large held-out set
    exact = circuit_reference(clf, np.full((1, 10), 0.5))
    print("\n10-input circuit (seed 2024), 3 inputs")
    print("| pt | beta | channel | KL | lower | upper | information | method | "
          "reference |")
    rows(clf, points, [0, 4, 9], exact)


if __name__ == "__main__":
    main()
