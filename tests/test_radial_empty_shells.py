"""Empty shells of RadialStructureFunctions: radii inside the hard core, whose
values are only the far tails of the nearest neighbours' Gaussians, come out
as exact zeros instead of columns spanning tens of decades."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skdib.datasets import load_sheared_glass
from skdib.featurizers import RadialStructureFunctions


def glassy_hoods(rng, n_samples, n_shell=6, n_far=24, sigma=(1.0, 0.8)):
    """Neighbourhoods with a soft core, (dx, dy, type) per neighbour: a first
    shell at 1.1 sigma of the neighbour's type (5 % jitter, so the closest
    pair has a thin lower tail as in a glass), the others spread evenly over
    the area between 1.4 sigma and 4."""
    kind = rng.integers(0, 2, size=(n_samples, n_shell + n_far))
    core = np.asarray(sigma)[kind]
    radius = np.empty(kind.shape)
    radius[:, :n_shell] = core[:, :n_shell] * rng.normal(1.1, 0.055,
                                                         (n_samples, n_shell))
    radius[:, n_shell:] = np.sqrt(rng.uniform((1.4 * core[:, n_shell:]) ** 2, 16.0))
    angle = rng.uniform(0, 2 * np.pi, size=radius.shape)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle), kind], axis=2)


def held_out_z(rsf, train, held):
    """|z| of the held-out rows, standardised on the training rows (a constant
    column gets scale 1, as in the estimators)."""
    scaler = StandardScaler().fit(rsf.fit_transform(train))
    return np.abs(scaler.transform(rsf.transform(held)))


def test_a_closer_held_out_pair_stays_near_the_training_rows():
    """A held-out neighbourhood whose nearest neighbour is 0.05 closer than any
    of the training ones: Eq. 6 at r = 0.25 puts it about e^28 times beyond
    the training values (billions of standard deviations); the default
    zeroes that shell, and the shells the neighbour does reach stay bounded
    (a Gaussian adds at most 1)."""
    rng = np.random.default_rng(0)
    train = glassy_hoods(rng, 200)
    held = glassy_hoods(rng, 1)
    d = np.hypot(train[..., 0], train[..., 1])
    closest_a = d[train[..., 2] == 0].min()
    held[0, 0] = [closest_a - 0.05, 0.0, 0.0]
    z = held_out_z(RadialStructureFunctions(), train, held)
    assert z.max() < 30
    raw = held_out_z(RadialStructureFunctions(min_mean_density=None), train, held)
    assert raw.max() > 1e4  # what the default prevents


@pytest.mark.parametrize("protocol", ["gradual", "rapid"])
def test_shipped_glass_has_no_far_held_out_rows(protocol):
    """The sheared glass's G_A(r=0.25) put one held-out row about 200 training
    standard deviations out (the example's bits followed it); with the empty
    shells zeroed every column's held-out rows stay within 10 (30 asserted)."""
    glass = load_sheared_glass(protocol)
    worst, fitted = 0.0, []
    for train, test in GroupKFold(5).split(glass.data, glass.target, glass.groups):
        rsf = RadialStructureFunctions()
        worst = max(worst, held_out_z(rsf, glass.data[train], glass.data[test]).max())
        fitted.append(rsf)
    assert worst < 30
    for rsf in fitted:  # the hard core of both types: G_A below 0.9, G_B below 0.75
        radii = rsf.radii_
        assert set(rsf.get_feature_names_out()[rsf.empty_shells_]) == (
            {f"G_A(r={r:.2f})" for r in radii[radii < 0.9]}
            | {f"G_B(r={r:.2f})" for r in radii[radii < 0.75]})


def test_empty_shells_are_the_columns_below_the_mean_and_apply_to_new_rows():
    rng = np.random.default_rng(1)
    train, new = glassy_hoods(rng, 50), glassy_hoods(rng, 5)
    new[:, 0] = [0.3, 0.0, 0.0]  # a type-A neighbour deep inside the core
    raw = RadialStructureFunctions(min_mean_density=None)
    mean = raw.fit_transform(train).mean(axis=0)
    threshold = 0.05
    rsf = RadialStructureFunctions(min_mean_density=threshold).fit(train)
    np.testing.assert_array_equal(rsf.empty_shells_, mean < threshold)
    assert 0 < rsf.empty_shells_.sum() < rsf.empty_shells_.size
    out, expected = rsf.transform(new), raw.transform(new)
    np.testing.assert_array_equal(out[:, rsf.empty_shells_], 0.0)
    assert expected[:, rsf.empty_shells_].max() > 0.5  # the new rows reach there
    np.testing.assert_array_equal(out[:, ~rsf.empty_shells_],
                                  expected[:, ~rsf.empty_shells_])
    zeroed = np.where(rsf.empty_shells_, 0.0, raw.transform(train))
    np.testing.assert_array_equal(rsf.fit_transform(train), zeroed)
    # a threshold of 0 empties nothing, as None does
    zero = RadialStructureFunctions(min_mean_density=0).fit(train)
    assert not zero.empty_shells_.any()
    assert not raw.fit(train).empty_shells_.any()


def test_empty_shells_need_fit_and_survive_clone_and_pickle():
    rng = np.random.default_rng(2)
    X = glassy_hoods(rng, 30)
    rsf = RadialStructureFunctions()
    assert rsf.__sklearn_tags__().requires_fit is True
    with pytest.raises(NotFittedError, match="min_mean_density=None"):
        rsf.transform(X)
    fitted = pickle.loads(pickle.dumps(rsf.fit(X)))
    np.testing.assert_array_equal(fitted.transform(X), rsf.transform(X))
    np.testing.assert_array_equal(clone(rsf).fit_transform(X), rsf.transform(X))
    frame = clone(rsf).set_output(transform="pandas").fit_transform(X)
    assert list(frame.columns) == list(rsf.get_feature_names_out())
    np.testing.assert_array_equal(frame.to_numpy(), rsf.transform(X))


def test_bad_min_mean_density_and_a_changed_grid_are_refused():
    X = glassy_hoods(np.random.default_rng(3), 10)
    with pytest.raises(InvalidParameterError, match="min_mean_density"):
        RadialStructureFunctions(min_mean_density=-0.1).fit(X)
    with pytest.raises(InvalidParameterError, match="min_mean_density"):
        RadialStructureFunctions(min_mean_density="auto").fit(X)
    rsf = RadialStructureFunctions().fit(X).set_params(n_radii=20)
    with pytest.raises(ValueError, match="fitted for 100 columns but its "
                                         "settings now give 40; fit it again"):
        rsf.transform(X)


@pytest.mark.parametrize("changed", [
    {"r_min": 0.5}, {"r_max": 3.0}, {"width": 0.25}, {"types": (1, 0)},
    {"min_mean_density": 0.5}])
def test_a_setting_changed_after_fit_is_refused(changed):
    """The same number of columns on another grid, other types' order or
    another threshold: the mask found in fit was applied to them silently."""
    X = glassy_hoods(np.random.default_rng(4), 10)
    rsf = RadialStructureFunctions().fit(X).set_params(**changed)
    name = next(iter(changed))
    with pytest.raises(ValueError, match=f"found its empty shells with {name}="
                                         f".* but now has {name}=.*fit it again"):
        rsf.transform(X)
    np.testing.assert_array_equal(rsf.fit(X).transform(X), rsf.fit_transform(X))


def test_a_threshold_set_after_a_stateless_fit_is_refused():
    """Fitted with min_mean_density=None, every shell is kept; a threshold set
    afterwards was ignored without a word until the next fit."""
    X = glassy_hoods(np.random.default_rng(5), 10)
    rsf = RadialStructureFunctions(min_mean_density=None).fit(X)
    rsf.set_params(min_mean_density=0.01)
    with pytest.raises(ValueError, match="min_mean_density=None but now has "
                                         "min_mean_density=0.01"):
        rsf.transform(X)
