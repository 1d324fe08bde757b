"""The glass study of the Distributed IB paper (Fig. 4) on the shipped data.

Checks, on the LAMMPS-generated sheared glasses of both quench protocols and
the same grouped cross-validation folds for both methods:

- the Distributed IB's best cross-validated accuracy along the path is within
  3 points of a linear SVM tuned over a log grid of C;
- the gradually quenched glass is more predictable than the rapidly quenched
  one, for both methods;
- the bottleneck acts as a regulariser: at small β the network overfits
  (train loss far below validation loss), and as β grows the validation loss
  falls to its minimum where most bits are gone and the two losses have come
  together;
- the coarsest approximation of the gradual glass above 80 % accuracy uses
  only a minority of the structure functions; that the rapid glass needs many
  more (the paper's finding) does not reproduce reliably on the larger
  shipped data (it holds on some CPUs and not on others) and is a non-strict
  expected failure with the numbers in its reason;
- supervised information imbalance picks informative descriptors.

One β sweep per fold and protocol (10 in all) with small encoders keeps this
to a few minutes on two CPU cores.
"""

import numpy as np
import pytest

from skdib import DistributedIBClassifier
from skdib.compare import compare_selectors, cross_validate_path, linear_svm_baseline
from skdib.datasets import load_sheared_glass
from skdib.featurizers import RadialStructureFunctions

pytestmark = pytest.mark.slow

N_FOLDS = 5
SETTINGS = dict(encoder_hidden=(32,), embedding_dim=4, decoder_hidden=(64, 64),
                batch_size=128, beta_start=1e-5, beta_end=2.0,
                n_pretrain_steps=1000, n_steps=5000, n_checkpoints=30)


def _study(protocol):
    glass = load_sheared_glass(protocol)
    rsf = RadialStructureFunctions().set_output(transform="pandas")
    X = rsf.fit_transform(glass.data)
    svm = linear_svm_baseline(X, glass.target, Cs=np.logspace(-4, 1, 11),
                              cv=N_FOLDS, groups=glass.groups, random_state=0)
    dib = cross_validate_path(DistributedIBClassifier(**SETTINGS), X, glass.target,
                              cv=N_FOLDS, groups=glass.groups, random_state=0,
                              n_jobs=2)
    return svm, dib


@pytest.fixture(scope="module")
def studies():
    return {protocol: _study(protocol) for protocol in ("gradual", "rapid")}


@pytest.mark.parametrize("protocol", ["gradual", "rapid"])
def test_dib_matches_the_tuned_linear_svm(studies, protocol):
    svm, dib = studies[protocol]
    print(f"\n{protocol}: SVM {svm.best_score:.3f} (C={svm.best_C:.0e}), "
          f"DIB {dib.best_score:.3f} at β={dib.beta[dib.best_point]:.2g}")
    assert svm.best_score > 0.7  # the structure functions are informative
    assert abs(dib.best_score - svm.best_score) <= 0.03


def test_gradual_quench_is_more_predictable(studies):
    (svm_g, dib_g), (svm_r, dib_r) = studies["gradual"], studies["rapid"]
    assert svm_g.best_score > svm_r.best_score
    assert dib_g.best_score > dib_r.best_score


@pytest.mark.parametrize("protocol", ["gradual", "rapid"])
def test_bottleneck_regularises(studies, protocol):
    _, dib = studies[protocol]
    path = dib.path
    # overfitting at small β: far more bits than the label's one bit, and a
    # train loss well below the validation loss
    gap = path.loss_val - path.loss_train
    over = int(np.argmax(gap))
    assert path.total_information[over] > 20
    assert gap[over] > 0.5
    # squeezing bits out from there lowers the validation loss to its minimum
    # where most bits are gone and the two losses have come together
    best = over + int(np.argmin(path.loss_val[over:]))
    # 0.3 nats was within 0.002 of the drop on the gradual glass once its
    # zero-mode events were removed (0.960 -> 0.662): 0.2 keeps a margin
    assert path.loss_val[best] < path.loss_val[over] - 0.2
    assert path.total_information[best] < 0.2 * path.total_information[over]
    assert gap[best] < 0.3 * gap[over]
    # and the sweep ends with everything squeezed out, at chance
    assert path.total_information[-1] < 0.1
    assert dib.mean_score[-1] < 0.6


def test_coarse_approximation_of_the_gradual_glass(studies):
    _, dib = studies["gradual"]
    path = dib.path
    point = path.coarsest_point(0.80)
    assert point is not None
    used = np.flatnonzero(path.information[point] > 0.05)
    print(f"\ncoarsest approximation >= 80%: {len(used)} structure functions, "
          f"{path.total_information[point]:.2f} bits: "
          f"{[path.feature_names[i] for i in used]}")
    assert len(used) <= 25


def test_information_imbalance_picks_informative_descriptors():
    """Fig. 7 of the imbalance paper: a few supervised picks beat random ones."""
    glass = load_sheared_glass("gradual")
    res = compare_selectors(glass.descriptors.to_numpy(), glass.target,
                            methods=["ii_supervised", "random"], k_values=[4, 22],
                            cv=N_FOLDS, groups=glass.groups, random_state=0)
    mean = res.groupby(["method", "k"])["score"].mean()
    print(f"\n{mean.round(3).to_dict()}")
    assert mean["ii_supervised", 4] > mean["random", 4] + 0.03
    assert mean["ii_supervised", 22] > 0.75   # all descriptors: well above chance


@pytest.mark.xfail(strict=False, reason=(
    "not reproduced reliably on the 1,027 / 1,083-event data: the coarsest "
    "points above 80 % used 12 (gradual) and 13 (rapid) structure functions "
    "on an AMD EPYC and 11 and 23 on an Intel Xeon, since the rapid glass "
    "scores barely above 80 % (cross-validated 0.83) and the point that "
    "crosses it moves with the rounding. It held on the earlier 661 / 753 "
    "events; the paper's contrast needs more than this generator's glasses "
    "of 512 particles show"))
def test_rapid_glass_needs_more_structure_functions(studies):
    """Paper: the rapid quench depends on many more signatures of structure;
    its coarse approximations degrade sooner than the gradual quench's."""
    counts = {}
    for protocol, (_, dib) in studies.items():
        point = dib.path.coarsest_point(0.80)
        counts[protocol] = (np.inf if point is None
                            else int(np.sum(dib.path.information[point] > 0.05)))
    print(f"\nstructure functions at the coarsest >= 80%: {counts}")
    assert counts["rapid"] > 2 * counts["gradual"]
