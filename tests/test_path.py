"""InformationPath: validation, tidy frame, nearest point, drop order."""

import numpy as np
import pytest

from skdib import InformationPath


def make_path(**over):
    info = np.array([[2.0, 1.0, 0.5], [1.0, 0.5, 0.0], [0.5, 0.0, 0.0]])
    kw = dict(beta=np.array([1e-3, 1e-2, 1e-1]), kl=info + 0.1, information=info,
              loss_train=np.zeros(3), loss_val=np.ones(3),
              score_val=np.array([0.9, 0.8, 0.6]), feature_names=("a", "b", "c"))
    kw.update(over)
    return InformationPath(**kw)


def test_totals_and_frame_roundtrip():
    path = make_path()
    np.testing.assert_allclose(path.total_information, [3.5, 1.5, 0.5])
    frame = path.to_frame()
    pivot = frame.pivot(index="point", columns="feature", values="information")
    np.testing.assert_allclose(pivot[["a", "b", "c"]].to_numpy(), path.information)
    assert frame["information_lower"].isna().all()
    assert not path.has_bounds


def test_bounds_in_frame():
    lower = make_path().information - 0.05
    path = make_path(information_lower=lower, information_upper=lower + 0.1)
    assert path.has_bounds
    np.testing.assert_allclose(path.to_frame()["information_lower"], lower.ravel())


def test_nearest_point():
    path = make_path()
    assert path.nearest_point(beta=0.05) == 2  # log-closest to 0.1
    assert path.nearest_point(beta=0.002) == 0
    assert path.nearest_point(total_information=1.4) == 1
    with pytest.raises(ValueError, match="exactly one"):
        path.nearest_point()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"beta": "0.1"}, TypeError, "beta must be a number; got '0.1'"),
    ({"beta": True}, TypeError, "beta must be a number"),
    ({"beta": 0.0}, ValueError, "beta must be a positive finite number"),
    ({"beta": np.inf}, ValueError, "beta must be a positive finite number"),
    ({"total_information": [1.0]}, TypeError, "total_information must be a number"),
    ({"total_information": -0.5}, ValueError, ">= 0 bits"),
])
def test_nearest_point_names_a_bad_target(kwargs, error, match):
    """A string, a list or a bool is refused by name, not by numpy."""
    with pytest.raises(error, match=match):
        make_path().nearest_point(**kwargs)


def test_nearest_point_accepts_numpy_scalars():
    assert make_path().nearest_point(beta=np.float32(0.05)) == 2
    assert make_path().nearest_point(total_information=np.int64(0)) == 2


def test_drop_order_ranks_last_survivor_highest():
    order = make_path().drop_order(threshold=0.05)
    assert list(order) == [3, 2, 1]


@pytest.mark.parametrize("over, match", [
    ({"beta": np.array([1.0, 0.1, 0.2])}, "increasing beta"),
    ({"beta": np.ones(2)}, "beta has shape"),
    ({"feature_names": ("a",)}, "feature names"),
    ({"score_val": np.ones(2)}, "score_val"),
    ({"information_upper": np.ones((3, 2))}, "information_upper"),
])
def test_validation(over, match):
    with pytest.raises(ValueError, match=match):
        make_path(**over)


def test_select_point_breaks_score_ties_by_loss():
    path = make_path(score_val=np.array([0.9, 0.9, 0.9]),
                     loss_val=np.array([0.3, 0.1, 0.2]),
                     score_val_se=np.array([0.05, 0.05, 0.05]))
    assert path.select_point("best") == 1
    assert path.select_point("one_se") == 2


def test_one_se_measures_the_paired_difference_from_the_best():
    # informative points score 0.15 and 0.14, an empty one 0.0; the best
    # score's own standard error (heavy-tailed rows) dwarfs every difference
    info = np.array([[3.0, 1.0, 0.0], [1.0, 0.5, 0.0], [0.02, 0.0, 0.0]])
    kw = dict(information=info, kl=info + 0.1,
              score_val=np.array([0.15, 0.14, 0.0]),
              score_val_se=np.array([0.2, 0.2, 0.2]))
    assert make_path(**kw).select_point("one_se") == 2  # without paired SEs
    paired = make_path(**kw, score_val_diff_se=np.array([0.0, 0.01, 0.03]))
    assert paired.select_point("one_se") == 1  # 0.15 - 0.0 > 0.03
    noisy = make_path(**kw, score_val_diff_se=np.array([0.0, 0.01, 0.2]))
    assert noisy.select_point("one_se") == 2


def test_one_se_reads_the_prediction_loss_when_the_path_has_it():
    info = np.array([[3.0, 1.0, 0.0], [1.0, 0.5, 0.0], [0.02, 0.0, 0.0]])
    kw = dict(information=info, kl=info + 0.1,
              score_val=np.array([0.95, 0.90, 0.60]),  # accuracy: point 0 best
              score_val_se=np.array([0.01, 0.01, 0.01]))
    # log loss lowest at point 1; point 2 is worse beyond its paired SE
    loss = dict(prediction_loss_val=np.array([0.30, 0.20, 0.50]),
                prediction_loss_diff_se=np.array([0.05, 0.0, 0.1]))
    assert make_path(**kw).select_point("one_se") == 0
    assert make_path(**kw, **loss).select_point("one_se") == 1
    assert make_path(**kw, **loss).select_point("best") == 0
    wide = dict(loss, prediction_loss_diff_se=np.array([0.05, 0.0, 0.35]))
    assert make_path(**kw, **wide).select_point("one_se") == 2


def test_one_se_with_unknown_standard_errors_picks_the_best():
    # one cross-validation fold: no standard errors (NaN), no prediction loss
    info = np.array([[3.0, 1.0, 0.0], [1.0, 0.5, 0.0], [0.02, 0.0, 0.0]])
    path = make_path(information=info, kl=info + 0.1,
                     score_val=np.array([0.95, 0.90, 0.60]),
                     score_val_se=np.full(3, np.nan))
    assert path.select_point("one_se") == path.select_point("best") == 0
    paired = make_path(information=info, kl=info + 0.1,
                       score_val=np.array([0.95, 0.95, 0.60]),
                       score_val_diff_se=np.full(3, np.nan),
                       score_val_se=np.full(3, np.nan))
    assert paired.select_point("one_se") == 1  # ties count, as with se = 0


def test_paired_standard_error_of_score_differences():
    from skdib._dib._point_statistics import paired_se

    rng = np.random.default_rng(0)
    common = rng.normal(size=500)
    rows = np.stack([common + 0.1 * rng.normal(size=500), common, common + 1.0])
    se = paired_se(rows, best=1)
    # the shared part cancels: only the 0.1-scale noise is left for point 0
    np.testing.assert_allclose(se[0], 0.1 / np.sqrt(500), rtol=0.15)
    assert se[1] == 0.0 and se[2] < 1e-12  # a constant shift has no noise
    w = np.r_[np.ones(250), np.zeros(250)]
    weighted = paired_se(rows, best=1, weights=w)
    np.testing.assert_allclose(weighted[0], paired_se(rows[:, :250], best=1)[0])


def test_coarsest_point_takes_least_information_among_good_points():
    bits = np.array([[3.0, 2.0], [0.3, 0.1], [1.0, 0.5], [0.0, 0.0]])
    path = InformationPath(
        beta=np.array([1e-3, 1e-2, 2e-2, 1e-1]), kl=bits, information=bits,
        loss_train=np.zeros(4), loss_val=np.zeros(4),
        score_val=np.array([0.9, 0.82, 0.85, 0.5]), feature_names=("a", "b"))
    assert path.coarsest_point(0.8) == 1   # 0.4 bits beats 1.5 bits
    assert path.coarsest_point(0.85) == 2
    assert path.coarsest_point(0.0) == 3
    assert path.coarsest_point(0.95) is None


def test_paths_compare_by_their_values_nan_equal_to_nan():
    lower = make_path().information - 0.05
    lower[0, 0] = np.nan
    p = make_path(information_lower=lower, information_upper=lower + 0.1)
    q = make_path(information_lower=lower.copy(), information_upper=lower + 0.1)
    assert p == q and not p != q
    assert q in [p]
    assert p != make_path(information_lower=lower + 0.01,
                          information_upper=lower + 0.1)
    assert p != make_path()  # bounds against none
    assert p != make_path(feature_names=("a", "b", "d"))
    assert make_path() != make_path(information=np.zeros((3, 3)))
    assert make_path() != "a path"
    with pytest.raises(TypeError, match="unhashable"):
        hash(p)


def test_lists_become_arrays():
    bits = [[2.0, 1.0, 0.5], [1.0, 0.5, 0.0], [0.5, 0.0, 0.0]]
    path = make_path(beta=[1e-3, 1e-2, 1e-1], kl=bits, information=bits,
                     information_lower=bits, information_upper=bits,
                     bounds_saturated=[[0, 1, 0]] * 3, loss_val=[1, 1, 2])
    assert isinstance(path.information_upper, np.ndarray)
    assert path.loss_val.dtype == float and path.bounds_saturated.dtype == bool
    assert path == make_path(information=np.array(bits),
                             kl=np.array(bits), information_lower=np.array(bits),
                             information_upper=np.array(bits),
                             bounds_saturated=np.array([[False, True, False]] * 3),
                             loss_val=np.array([1.0, 1.0, 2.0]))
    np.testing.assert_allclose(path.bounds_gap, 0.0)
    with pytest.raises(ValueError, match="kl has shape"):
        make_path(kl=[1.0, 2.0, 3.0])
