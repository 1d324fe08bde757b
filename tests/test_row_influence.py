"""One held-out row that carries a channel's bits: measured, kept on the
path, and warned about.

A row far outside a continuous column gets a leave-one-out term of
thousands of bits, and its KL enters the held-out mean KL that caps the
upper bound; the bits follow it. The measure
(``information_row_influence``, the fall of the path's capped bits) is
checked against a plain loop over rows, the warning against fits with and
without such a row.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier, InformationPath
from skdib._backend.dib._information import kl_nats, mi_bounds
from skdib._backend.dib._row_influence import RowInfluence
from skdib._backend.sets._information import make_element_information_fn
from skdib._dib._row_influence import ROW_BITS, row_carried_cells, warn_influential_rows
from skdib._sets._base import per_set_path
from skdib.exceptions import InfluentialRowWarning

FIT = dict(n_pretrain_steps=100, n_steps=200, n_checkpoints=4)


def _bits(lower, upper, cap):
    """The path's bits from mean summands: both floored at 0, the upper
    capped, the lower at most the upper; their midpoint."""
    upper = max(min(upper, cap), 0.0)
    return 0.5 * (min(max(lower, 0.0), upper) + upper)


def _largest_fall_by_loop(unit, terms, weights, kl=None, kl_unit=None,
                          kl_weights=None):
    """Per channel, max over units r of bits(all) - bits(without r), in bits:
    the means recomputed one unit at a time, no grouping tricks."""
    unit, terms, weights = map(np.asarray, (unit, terms, weights))

    def bits(c, keep, kept_rows):
        cap = np.inf if kl is None else (
            (kl[c, kept_rows] * kl_weights[kept_rows]).sum()
            / kl_weights[kept_rows].sum())
        mean = (terms[:, c, keep] * weights[keep]).sum(axis=1) / weights[keep].sum()
        return _bits(*mean, cap)

    best = np.zeros(terms.shape[1])
    for c in range(terms.shape[1]):
        everything = bits(c, np.ones(len(unit), bool),
                          None if kl is None else np.ones(kl.shape[1], bool))
        for r in np.unique(unit):
            keep = unit != r
            if keep.any():
                rows = None if kl is None else kl_unit != r
                best[c] = max(best[c], everything - bits(c, keep, rows))
    return best / np.log(2.0)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("capped", [False, True])
def test_largest_fall_matches_a_loop_over_rows(weighted, grouped, capped):
    rng = np.random.default_rng(3)
    n_rows, n_channels = 12, 4
    units = rng.integers(0, 5, n_rows) if grouped else np.arange(n_rows)
    influence = RowInfluence(torch.as_tensor(units) if grouped else None)
    all_idx, all_terms, all_w = [], [], []
    for _ in range(3):  # rows repeat across batches, as in mi_bounds
        idx = torch.as_tensor(rng.choice(n_rows, size=8, replace=False))
        terms = torch.as_tensor(rng.standard_t(2, size=(2, n_channels, 8)) + 2.0)
        w = torch.as_tensor(rng.uniform(0.2, 3.0, 8)) if weighted else None
        influence.add(idx, terms, w)
        all_idx.append(units[idx.numpy()])
        all_terms.append(terms.numpy())
        all_w.append(np.ones(8) if w is None else w.numpy())
    # a cap near the bounds: capped at some units' absence, not at others'
    kl = rng.uniform(0.5, 4.0, size=(n_channels, n_rows)) if capped else None
    kl_w = rng.uniform(0.2, 3.0, n_rows) if weighted else np.ones(n_rows)
    expected = _largest_fall_by_loop(
        np.concatenate(all_idx), np.concatenate(all_terms, axis=2),
        np.concatenate(all_w), kl, units, kl_w)
    got = influence.largest_fall(
        None if kl is None else torch.as_tensor(kl),
        torch.as_tensor(kl_w) if weighted else None)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)
    assert expected.max() > 0.1


def test_one_row_gives_no_fall():
    influence = RowInfluence()
    influence.add(torch.tensor([4, 4]), torch.tensor([[[3.0, 5.0]], [[4.0, 6.0]]]))
    assert influence.largest_fall().tolist() == [0.0]


def _capped_bits(lower, upper, mu, log_var):
    cap = (kl_nats(mu, log_var).mean(dim=1) / np.log(2.0)).numpy()
    return np.array([_bits(lo, up, c) for lo, up, c in
                     zip(lower.numpy(), upper.numpy(), cap, strict=True)])


def test_a_far_row_carries_the_bits():
    """Two channels with the same noisy Gaussian messages; in the second,
    one row's mean is moved 200 posterior widths away from all others."""
    rng = np.random.default_rng(0)
    mu = np.repeat(rng.normal(size=(1, 200, 1)), 2, axis=0)
    mu[1, 17, 0] = 200.0
    mu, log_var = torch.as_tensor(mu), torch.zeros((2, 200, 1), dtype=torch.float64)
    influence = RowInfluence()
    lower, upper = mi_bounds(mu, log_var, batch_size=100, n_batches=4,
                             generator=torch.Generator().manual_seed(0),
                             influence=influence)
    bits = _capped_bits(lower, upper, mu, log_var)
    fall = influence.largest_fall(kl_nats(mu, log_var)).numpy()
    assert fall[1] > 0.9 * bits[1] and bits[1] > 50
    assert fall[0] < 0.2 * bits[0]


def test_a_sharp_encoder_under_its_kl_cap_is_not_carried():
    """Sharp messages of an evenly spread column with one row 1.0 beyond the
    others: its leave-one-out term sets the upper bound far above the mean
    KL, but the bits are capped at that KL, which the row barely moves. The
    fall of the uncapped midpoint would call the row the carrier."""
    x = np.append(np.linspace(-1.5, 1.5, 19), 2.5)[None, :, None]
    mu = torch.as_tensor(x)
    log_var = torch.full((1, 20, 1), 2 * np.log(0.08), dtype=torch.float64)
    influence = RowInfluence()
    lower, upper = mi_bounds(mu, log_var, batch_size=20, n_batches=4,
                             generator=torch.Generator().manual_seed(0),
                             influence=influence)
    bits = _capped_bits(lower, upper, mu, log_var)[0]
    assert upper.item() > 2 * bits  # the cap holds the upper bound
    assert influence.largest_fall().item() > 0.5 * bits  # measured: 0.87
    fall = influence.largest_fall(kl_nats(mu, log_var)).item()
    assert fall < 0.1 * bits and fall < ROW_BITS  # measured: 0.03, 0.12 bits


def test_a_held_out_set_leaves_with_all_its_elements():
    """Set 7's five elements lie far out and far apart: each element moves
    the bits by a fraction; the set, which is the held-out row, by all."""
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(1, 100, 5, 1))
    mu[0, 7, :, 0] = 100.0 + 30.0 * np.arange(5)
    log_var = np.full_like(mu, 2 * np.log(0.3))
    estimate = make_element_information_fn(batch_size=256, n_batches=2, seed=0)
    out = estimate(torch.as_tensor(mu), torch.as_tensor(log_var))
    elements = (torch.as_tensor(mu[0].reshape(1, -1, 1)),
                torch.as_tensor(log_var[0].reshape(1, -1, 1)))
    bits = _capped_bits(torch.as_tensor(out["nce_lower"]),
                        torch.as_tensor(out["loo_upper"]), *elements)[0]
    # one element alone: 0.45 of the bits; the set: 0.98
    assert out["row_influence"][0] > 0.9 * bits > 50


def _path(**cells):
    base = dict(beta=[1e-3, 1e-2], kl=[[30.0, 2.0], [20.0, 1.0]],
                information=[[20.0, 1.0], [10.0, 0.2]],
                loss_train=[0.0, 0.0], loss_val=[0.0, 0.0],
                score_val=[1.0, 1.0], feature_names=("a", "b"))
    return InformationPath(**{**base, **cells})


def test_the_rule_needs_a_majority_enough_bits_and_no_saturation():
    path = _path(information_row_influence=[[15.0, 0.9], [4.0, 0.15]],
                 bounds_saturated=[[False, True], [False, False]])
    # a: 15 of 20 bits (yes), 4 of 10 (no); b: saturated, then < ROW_BITS
    assert 0.15 < ROW_BITS < 0.9
    np.testing.assert_array_equal(row_carried_cells(path),
                                  [[True, False], [False, False]])
    # NaN (a discrete channel) never counts; without saturation flags b's
    # 0.9 bits of 1.0 count, and 0.9 > 0.2 counts
    nan_cells = _path(information_row_influence=[[np.nan, 0.9], [np.nan, 0.9]])
    carried = row_carried_cells(nan_cells)
    assert carried.dtype == bool
    np.testing.assert_array_equal(carried, [[False, True], [False, True]])
    assert not row_carried_cells(_path()).any()


def test_a_pickle_without_the_field_reads_as_unknown():
    path = _path(information_row_influence=[[15.0, 0.9], [4.0, 0.15]])
    state = pickle.loads(pickle.dumps(path))
    del state.__dict__["information_row_influence"]  # as pickled before it
    assert np.isnan(state.to_frame()["information_row_influence"]).all()
    assert not row_carried_cells(state).any()


def test_per_set_paths_scale_the_influence_with_the_bits():
    path = _path(information_row_influence=[[15.0, 0.9], [4.0, 0.15]])
    scaled = per_set_path(path, [3.0, 0.5])
    np.testing.assert_allclose(scaled.information_row_influence,
                               path.information_row_influence * [3.0, 0.5])
    np.testing.assert_array_equal(row_carried_cells(scaled),
                                  row_carried_cells(path))


def _data(seed, far):
    rng = np.random.default_rng(seed)
    X, X_val = rng.normal(size=(300, 3)), rng.normal(size=(100, 3))
    y, y_val = (X[:, 0] > 0).astype(int), (X_val[:, 0] > 0).astype(int)
    if far:
        X_val[7, 1] = 200.0  # a noise column's held-out value, far out
    return X, y, X_val, y_val


def _fit(seed, far):
    X, y, X_val, y_val = _data(seed, far)
    clf = DistributedIBClassifier(**FIT, random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y, X_val=X_val, y_val=y_val)
    return clf, [w for w in caught if w.category is InfluentialRowWarning]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_far_held_out_row_is_named_and_a_clean_fit_is_not(seed):
    clf, warned = _fit(seed, far=True)
    path = clf.information_path_
    assert len(warned) == 1 and "'x1'" in str(warned[0].message)
    assert "'x0'" not in str(warned[0].message)
    carried = row_carried_cells(path)
    assert carried[:, 1].any() and not carried[:, [0, 2]].any()
    # the channel's bits are that row's: hundreds of bits on a noise column
    at = np.argmax(path.information_row_influence[:, 1])
    assert path.information[at, 1] > 100
    clean, warned = _fit(seed, far=False)
    assert warned == []
    influence = clean.information_path_.information_row_influence
    assert np.nanmax(influence[:, 1:]) < ROW_BITS / 5  # measured: 0.01


def test_the_warning_made_an_error_keeps_the_fit():
    X, y, X_val, y_val = _data(0, far=True)
    clf = DistributedIBClassifier(**FIT, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", InfluentialRowWarning)
        with pytest.raises(InfluentialRowWarning):
            clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.fit_status_ == "complete"
    assert row_carried_cells(clf.information_path_)[:, 1].any()


def test_the_warning_counts_checkpoints_that_are_not_adjacent():
    path = _path(beta=[1e-3, 1e-2, 1e-1], kl=[[30.0, 2.0]] * 3,
                 information=[[20.0, 1.0]] * 3, information_lower=[[1.0, 0.9]] * 3,
                 loss_train=[0.0] * 3, loss_val=[0.0] * 3, score_val=[1.0] * 3,
                 information_row_influence=[[15.0, 0.0], [1.0, 0.0], [18.0, 0.0]])
    with pytest.warns(InfluentialRowWarning) as caught:
        assert warn_influential_rows(path) == ["a"]
    message = str(caught[0].message)
    assert "'a' at 2 checkpoints from beta 0.001 to 0.1 (at 0.1: 20 bits" in message
    assert "without that row 18 bits fewer" in message


def test_a_clean_table_under_a_sharp_encoder_is_not_flagged():
    """At small beta the informative channel's encoder is sharp: its
    leave-one-out bound runs far above the held-out mean KL, which caps the
    bits. The fall of the capped bits is what the rule reads (the uncapped
    midpoint fell by 12 bits more than this path's bits, and warned)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] > 0).astype(int)
    clf = DistributedIBClassifier(n_pretrain_steps=300, n_steps=600,
                                  n_checkpoints=6, beta_end=0.01, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    path = clf.information_path_
    assert np.all(path.information_row_influence
                  <= path.information * (1 + 1e-6) + 1e-9)
    assert not [w for w in caught if w.category is InfluentialRowWarning]
