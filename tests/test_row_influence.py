"""One held-out row that carries a channel's bits: measured, kept on the
path, and warned about.

A row far outside a continuous column gets a leave-one-out term of
thousands of bits, and the midpoint of the bounds follows it. The measure
(``information_row_influence``) is checked against a plain loop over rows,
the warning against fits with and without such a row.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier, InformationPath
from skdib._backend.dib._information import mi_bounds
from skdib._backend.dib._row_influence import RowInfluence
from skdib._dib._row_influence import ROW_BITS, row_carried_cells
from skdib._sets._base import per_set_path
from skdib.exceptions import InfluentialRowWarning

FIT = dict(n_pretrain_steps=100, n_steps=200, n_checkpoints=4)


def _largest_drop_by_loop(idx, mids, weights):
    """Per channel, max over rows r of mean(all terms) - mean(terms not of r),
    weighted, in bits: one row at a time, no grouping tricks."""
    idx, mids, weights = map(np.asarray, (idx, mids, weights))
    mean = (mids * weights).sum(axis=1) / weights.sum()
    best = np.full(mids.shape[0], -np.inf)
    for r in np.unique(idx):
        keep = idx != r
        if not keep.any():
            continue
        rest = (mids[:, keep] * weights[keep]).sum(axis=1) / weights[keep].sum()
        best = np.maximum(best, mean - rest)
    return np.maximum(best, 0.0) / np.log(2.0)


@pytest.mark.parametrize("weighted", [False, True])
def test_largest_drop_matches_a_loop_over_rows(weighted):
    rng = np.random.default_rng(3)
    influence, all_idx, all_mids, all_w = RowInfluence(), [], [], []
    for _ in range(3):  # rows repeat across batches, as in mi_bounds
        idx = torch.as_tensor(rng.choice(12, size=8, replace=False))
        mids = torch.as_tensor(rng.standard_t(2, size=(4, 8)))
        w = torch.as_tensor(rng.uniform(0.2, 3.0, 8)) if weighted else None
        influence.add(idx, mids, w)
        all_idx.append(idx.numpy())
        all_mids.append(mids.numpy())
        all_w.append(np.ones(8) if w is None else w.numpy())
    expected = _largest_drop_by_loop(np.concatenate(all_idx),
                                     np.concatenate(all_mids, axis=1),
                                     np.concatenate(all_w))
    np.testing.assert_allclose(influence.largest_drop().numpy(), expected,
                               rtol=1e-12)


def test_one_row_gives_no_drop():
    influence = RowInfluence()
    influence.add(torch.tensor([4, 4]), torch.tensor([[3.0, 5.0]]))
    assert influence.largest_drop().tolist() == [0.0]


def test_a_far_row_carries_the_midpoint_of_the_bounds():
    """Two channels with the same noisy Gaussian messages; in the second,
    one row's mean is moved 200 posterior widths away from all others."""
    rng = np.random.default_rng(0)
    mu = np.repeat(rng.normal(size=(1, 200, 1)), 2, axis=0)
    mu[1, 17, 0] = 200.0
    log_var = np.zeros_like(mu)
    influence = []
    lower, upper = mi_bounds(torch.as_tensor(mu), torch.as_tensor(log_var),
                             batch_size=100, n_batches=4,
                             generator=torch.Generator().manual_seed(0),
                             influence=influence)
    midpoint, drop = (0.5 * (lower + upper)).numpy(), influence[0].numpy()
    assert drop[1] > 0.9 * midpoint[1] and midpoint[1] > 50
    assert drop[0] < 0.2 * midpoint[0]


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
