"""The set-valued Distributed IB: shared encoders per element type, a
permutation-invariant decoder, per-type bits and probe information maps.

``parametrize_with_checks`` does not apply here: every common check feeds
2-D tables, while these estimators take (n_samples, n_elements, n_features)
arrays and refuse 2-D input by design. The contract pieces that do apply
(clone, get_params, pickling, not-fitted errors, bad input) are tested
below.
"""

import math
import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skdib import DistributedIBSetClassifier, DistributedIBSetRegressor
from skdib._backend.sets._information import probe_bounds

R0 = 1.5
TINY = dict(n_pretrain_steps=100, n_steps=700, n_checkpoints=8, batch_size=64)


def make_sets(n, seed, n_elements=10):
    """Elements (x, y, type) uniform in a 6 x 6 box, 5-10 per set (NaN padding);
    y = 1 when a type-1 element lies within R0 of the centre."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-3, 3, size=(n, n_elements, 2))
    kind = rng.integers(0, 2, size=(n, n_elements, 1)).astype(float)
    X = np.concatenate([pos, kind], axis=-1)
    size = rng.integers(5, n_elements + 1, size=n)
    X[np.arange(n_elements)[None, :] >= size[:, None]] = np.nan
    near = (np.hypot(X[..., 0], X[..., 1]) < R0) & (X[..., 2] == 1)
    return X, near.any(axis=1).astype(int)


@pytest.fixture(scope="module")
def fitted():
    X, y = make_sets(1200, 0)
    clf = DistributedIBSetClassifier(type_column=2, random_state=0, **TINY)
    return clf.fit(X, y)


@pytest.fixture(scope="module")
def test_sets():
    return make_sets(600, 1)


def test_learns_the_set_task(fitted, test_sets):
    X, y = test_sets
    assert fitted.score(X, y) >= 0.9


def test_element_order_and_padding_change_no_prediction(fitted, test_sets):
    X, _ = test_sets
    proba = fitted.predict_proba(X)
    order = np.random.default_rng(2).permutation(X.shape[1])
    assert np.abs(fitted.predict_proba(X[:, order]) - proba).max() < 1e-10
    padded = np.concatenate([np.full((len(X), 3, 3), np.nan), X], axis=1)
    assert np.abs(fitted.predict_proba(padded) - proba).max() < 1e-10


def test_bits_go_to_the_relevant_type_and_respect_their_bounds(fitted):
    path = fitted.information_path_
    assert path.feature_names == ("type=0", "type=1")
    best = fitted.best_point_
    info = path.information[best]
    assert info[1] > 1.0 and info[0] < 0.15 * info[1], info
    lo, up = path.information_lower, path.information_upper
    assert np.all(lo <= path.information + 1e-12)
    assert np.all(path.information <= up + 1e-12)
    assert np.all(up <= path.kl + 1e-9)
    # bits per set are the elements per set times the bits per element
    counts = fitted.elements_per_sample_
    assert np.all((counts > 3) & (counts < 4.5)), counts


def compressed_point(est, tolerance=0.02):
    """The most compressed checkpoint scoring within ``tolerance`` of the best."""
    score = est.information_path_.score_val
    return int(np.flatnonzero(score >= score.max() - tolerance)[-1])


def test_information_map_is_highest_inside_the_relevant_radius(fitted):
    # An element outside R0 still tells "not inside": for an ideal encoder its
    # specific information is log2(1 / P(outside)) > 0, so the map cannot be
    # 0 outside; inside it is log2(1 / P(inside)), several times more here.
    grid = np.linspace(-3, 3, 25)
    gx, gy = np.meshgrid(grid, grid)
    probes = np.c_[gx.ravel(), gy.ravel(), np.zeros(gx.size)]
    inside = np.hypot(probes[:, 0], probes[:, 1]) < R0
    fitted.set_path_point(compressed_point(fitted))
    try:
        m1 = fitted.information_map(probes, element_type=1)
        m0 = fitted.information_map(probes, element_type=0)
    finally:
        fitted.set_path_point()
    assert np.all(m1.lower <= m1.upper)
    assert m1.information[inside].mean() > 2.5 * m1.information[~inside].mean()
    # the irrelevant type transmits little anywhere
    assert m0.information.mean() < 0.25 * m1.information.mean()
    # the same seed gives the same map
    fitted.set_path_point(compressed_point(fitted))
    again = fitted.information_map(probes, element_type=1)
    fitted.set_path_point()
    np.testing.assert_array_equal(again.information, m1.information)


def test_radial_information_dominates_for_a_radial_task(fitted):
    fitted.set_path_point(compressed_point(fitted))
    split = fitted.radial_azimuthal_information(np.linspace(0.1, 3, 12),
                                                element_type=1, n_angles=16)
    fitted.set_path_point()
    assert split.radial > 0.2
    assert split.azimuthal < 0.35 * split.radial, split
    assert math.isclose(split.radial + split.azimuthal, split.total, abs_tol=1e-9)


def test_probe_bounds_match_the_specific_information_of_separated_clusters():
    # references: K messages from two far-apart clusters, a quarter in the
    # first; a probe in the first cluster carries log2(4) = 2 bits, one in
    # the second log2(4/3)
    d, k = 4, 400
    mu_ref = torch.zeros(k, d, dtype=torch.float64)
    mu_ref[: k // 4, 0] = 40.0
    lv = torch.full((k, d), -2.0, dtype=torch.float64)
    probes = torch.zeros(2, d, dtype=torch.float64)
    probes[0, 0] = 40.0
    gen = torch.Generator().manual_seed(0)
    lower, upper = probe_bounds(probes, lv[:2], mu_ref, lv, n_draws=50,
                                generator=gen)
    expected = np.array([2.0, math.log2(4 / 3)])
    assert np.allclose(upper.numpy(), expected, atol=0.02), upper
    # the lower bound counts the probe among the K + 1 references
    assert np.all(lower.numpy() <= upper.numpy() + 1e-12)
    assert np.allclose(lower.numpy(), expected, atol=0.03), lower


def test_transformer_decoder_learns_and_ignores_order(test_sets):
    X, y = make_sets(1200, 3)
    clf = DistributedIBSetClassifier(type_column=2, decoder="transformer",
                                     decoder_width=32, decoder_depth=1, n_heads=2,
                                     random_state=0, information_bounds=False,
                                     **TINY).fit(X, y)
    Xt, yt = test_sets
    assert clf.score(Xt, yt) >= 0.85
    order = np.random.default_rng(4).permutation(Xt.shape[1])
    assert np.abs(clf.predict_proba(Xt[:, order]) - clf.predict_proba(Xt)).max() < 1e-9


def test_regressor_predicts_a_set_function():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(900, 6, 1))
    y = X[..., 0].max(axis=1)
    reg = DistributedIBSetRegressor(random_state=0, **TINY).fit(X[:600], y[:600])
    assert reg.score(X[600:], y[600:]) > 0.8
    assert reg.information_path_.feature_names == ("element",)


def test_pickle_clone_and_rewind(fitted, test_sets):
    X, _ = test_sets
    copy = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(copy.predict_proba(X), fitted.predict_proba(X),
                               atol=1e-12)
    assert clone(fitted).get_params() == fitted.get_params()
    last = copy.set_path_point(-1).predict_proba(X)
    assert np.abs(last - fitted.predict_proba(X)).max() > 1e-3
    with pytest.raises(NotFittedError):
        DistributedIBSetClassifier().predict(X)


def test_reproducible_with_a_seed(fitted):
    X, y = make_sets(1200, 0)
    again = clone(fitted).fit(X, y)
    np.testing.assert_array_equal(again.information_path_.kl,
                                  fitted.information_path_.kl)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((5, 3)), "n_elements, n_features"),
    (np.array([[[0.0, np.nan, 1.0]] * 2] * 4), "some but not all"),
    (np.full((4, 2, 3), np.nan), "no element"),
    (np.array([[[0.0, 0.0, 1.0], [np.inf, 0.0, 0.0]]] * 4), "infinite"),
])
def test_bad_sets_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        DistributedIBSetClassifier(type_column=2).fit(bad, np.arange(len(bad)) % 2)


def test_bad_use_after_fit_is_refused(fitted, test_sets):
    X, _ = test_sets
    unknown = X.copy()
    unknown[0, 0, 2] = 7.0
    # plain numbers in the message, not numpy reprs such as np.float64(7.0)
    with pytest.raises(ValueError, match=r"types \[7.0\] did not occur in "
                                         r"training \(known: \[[0-9., ]+\]\)"):
        fitted.predict(unknown)
    ragged = [[[0.0, 0.0, 1.0]], [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]]
    with pytest.raises(ValueError, match="padded to a common size"):
        fitted.predict(ragged)
    with pytest.raises(ValueError, match="Give element_type"):
        fitted.information_map(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not one of the fitted types"):
        fitted.information_map(np.zeros((3, 3)), element_type=5)
    with pytest.raises(ValueError, match="probes must have shape"):
        fitted.information_map(np.zeros((3, 2)), element_type=1)
    with pytest.raises(ValueError, match="type_column"):
        DistributedIBSetClassifier(type_column=5).fit(X, np.arange(len(X)) % 2)


def test_information_map_plot_shows_the_informative_disc(fitted):
    import matplotlib

    matplotlib.use("Agg")
    from skdib.plotting import plot_information_map

    fitted.set_path_point(compressed_point(fitted))
    try:
        fig = plot_information_map(fitted, element_type=1, extent=3.0,
                                   resolution=21, n_batches=8)
    finally:
        fitted.set_path_point()
    result = fig.information_map
    left, right = fig.axes[0], fig.axes[1]
    drawn = left.images[0].get_array()
    radius = np.hypot(result.grid_x, result.grid_y)
    assert drawn.shape == (21, 21)
    # the brightest tenth of the map lies inside R0 (plus one grid step)
    top = drawn >= np.quantile(drawn, 0.9)
    assert np.all(radius[top] < R0 + 0.3)
    # the density panel counts every reference element inside the box
    refs = fitted.element_sample(1)[:, :2]
    inside_box = np.all(np.abs(refs) <= 3.0, axis=1).sum()
    assert right.images[0].get_array().sum() == inside_box
    # every probe sits at the centre of its pixel (and of its density bin)
    step = 6.0 / 21
    np.testing.assert_allclose(result.grid_x[0], -3.0 + step * (np.arange(21) + 0.5))
    np.testing.assert_allclose(result.grid_y[:, 0], result.grid_x[0])


def test_map_plot_refuses_a_table_model():
    from skdib import DistributedIBClassifier
    from skdib.plotting import plot_information_map

    with pytest.raises(TypeError, match="DistributedIBSetClassifier"):
        plot_information_map(DistributedIBClassifier())


def test_position_probes(fitted):
    probes = fitted.position_probes(np.array([[0.5, -1.0]]), element_type=0)
    np.testing.assert_array_equal(probes, [[0.5, -1.0, 0.0]])
    made = fitted.position_probes(
        np.array([[1.0, 2.0]]), element_type=1,
        make_probes=lambda p: np.c_[p[:, ::-1], np.zeros(len(p))])
    np.testing.assert_array_equal(made, [[2.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match="positions must have shape"):
        fitted.position_probes(np.zeros(3), element_type=1)


def test_nearest_neighbours_matches_a_sort_per_set():
    from skdib.featurizers import nearest_neighbours

    rng = np.random.default_rng(5)
    X = np.concatenate([rng.normal(size=(30, 12, 2)),
                        rng.integers(0, 2, size=(30, 12, 1))], axis=-1)
    sizes = rng.integers(1, 13, size=30)
    for i, m in enumerate(sizes):
        X[i, m:] = np.nan
        X[i] = X[i, rng.permutation(12)]
    out = nearest_neighbours(X, n_neighbors=8)
    assert out.shape == (30, 8, 3)
    for i in range(30):
        real = X[i][~np.isnan(X[i]).all(axis=1)]
        want = real[np.argsort(np.hypot(real[:, 0], real[:, 1]), kind="stable")][:8]
        np.testing.assert_array_equal(out[i, :len(want)], want)
        assert np.isnan(out[i, len(want):]).all()
    wide = nearest_neighbours(X, n_neighbors=15)
    assert wide.shape == (30, 15, 3) and np.isnan(wide[:, 12:]).all()
    with pytest.raises(ValueError, match="positive int"):
        nearest_neighbours(X, n_neighbors=0)


def test_learning_rate_warm_up_rises_linearly_then_holds():
    from skdib._backend.dib._train import TrainConfig, apply_warmup, warmup_steps

    config = TrainConfig(beta_start=1e-3, beta_end=1.0, n_pretrain_steps=10,
                         n_steps=30, batch_size=8, learning_rate=0.02,
                         n_checkpoints=2, warmup_fraction=0.1)
    n_warmup = warmup_steps(config, 40)
    assert n_warmup == 4
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))], lr=0.02)
    rates = []
    for step in range(8):
        apply_warmup(opt, config, step, n_warmup)
        rates.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(rates, [0.005, 0.01, 0.015, 0.02, 0.02, 0.02, 0.02,
                                       0.02])


def test_warm_up_slows_the_first_steps():
    X, y = make_sets(300, 6)
    kw = dict(type_column=2, n_pretrain_steps=0, n_steps=20, n_checkpoints=2,
              learning_rate=1e-5, information_bounds=False, random_state=0,
              keep_snapshots="exact")

    def moved(warmup):
        est = DistributedIBSetClassifier(warmup_fraction=warmup, **kw).fit(X, y)
        name = "encoder.layers.0.weight"
        first, last = est._snapshots[0][name], est._snapshots[1][name]
        return float((last - first).abs().mean())  # steps 1 to 19

    # rates 2/20 ... 20/20 of the full rate move the weights well short of
    # the full rate (0.55 for steps of equal size; measured 0.67)
    ratio = moved(1.0) / moved(0.0)
    assert 0.4 < ratio < 0.85, ratio
