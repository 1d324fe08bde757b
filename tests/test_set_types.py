"""Set estimators: counts of elements reach the decoder, and every element
type's bits are judged by its own validation elements."""

import warnings

import numpy as np
import pytest
import torch

from skdib import DistributedIBSetClassifier
from skdib._backend.sets._decoders import DeepSetsDecoder, SetTransformerDecoder
from skdib.exceptions import SweepInterruptedWarning

SMALL = dict(encoder_hidden=(16,), decoder_width=16, n_pretrain_steps=50,
             n_steps=200, n_checkpoints=3, random_state=0)


def _outputs_for_copies(decoder, sizes, n_max=6, dim=4):
    """The decoder's output for sets of n copies of one message."""
    torch.manual_seed(0)
    u = torch.randn(1, 1, dim).expand(1, n_max, dim).clone()
    outputs = []
    for n in sizes:
        mask = torch.zeros(1, n_max, dtype=torch.bool)
        mask[0, :n] = True
        with torch.no_grad():
            outputs.append(decoder(u, mask))
    return outputs


@pytest.mark.parametrize("make", [
    lambda set_size: SetTransformerDecoder(4, 8, 2, "relu", 2, set_size=set_size),
    lambda set_size: DeepSetsDecoder(4, 8, 2, "relu", set_size=set_size),
], ids=["transformer", "deepsets"])
def test_sum_pooling_sees_the_set_size_and_mean_pooling_does_not(make):
    """With pooling='sum' the output must depend on how many elements there
    are (the transformer normalised after the sum, which divided the count
    out: 1 to 6 copies changed its output by 1e-4)."""
    torch.manual_seed(0)
    summed = _outputs_for_copies(make(3.0).eval(), (1, 6))
    torch.manual_seed(0)
    mean = _outputs_for_copies(make(None).eval(), (1, 6))
    assert (summed[1] - summed[0]).abs().max() > 0.05
    assert (mean[1] - mean[0]).abs().max() < 1e-5


def _typed_sets(n, seed, rare_every):
    """Two features (a value, a type); type 1 is one element in every
    ``rare_every``-th set."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4, 2))
    X[..., 1] = 0.0
    X[::rare_every, 0, 1] = 1.0
    y = (np.sin(3 * X[:, :, 0]).sum(axis=1) > 0).astype(int)
    return X, y


def test_each_type_has_its_own_bounds_batch():
    X, y = _typed_sets(480, 0, 40)
    X_val, y_val = _typed_sets(120, 1, 40)
    counts = [int((X_val[..., 1] == t).sum()) for t in (0, 1)]  # 477 and 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBSetClassifier(type_column=1, **SMALL).fit(
            X, y, X_val=X_val, y_val=y_val)
    path = clf.information_path_
    assert path.bounds_batch_size.tolist() == counts
    # type 0 is judged against log2(477) - 1 = 7.9 bits per element, not
    # against the rare type's log2(3) - 1
    per_element = path.information_lower / clf.elements_per_sample_
    assert per_element[:, 0].max() < np.log2(counts[0]) - 1
    assert not path.bounds_saturated[:, 0].any()


def test_a_type_without_validation_pairs_warns_and_totals_refuse():
    X, y = _typed_sets(300, 0, 100)  # type 1 in 3 sets
    X_val, y_val = _typed_sets(60, 1, 100)  # and in 1 validation set
    with pytest.warns(UserWarning, match=r"fewer than 2 elements .*type=1 \(1\)"):
        clf = DistributedIBSetClassifier(type_column=1, **SMALL).fit(
            X, y, X_val=X_val, y_val=y_val)
    path = clf.information_path_
    assert np.all(np.isnan(path.information[:, 1]))
    assert np.all(np.isfinite(path.information[:, 0]))
    assert not path.bounds_saturated[:, 0].any()
    with pytest.raises(ValueError, match="choose the point by beta"):
        clf.set_path_point(total_information=0.3)


def test_without_bounds_no_type_warning():
    X, y = _typed_sets(300, 0, 100)
    X_val, y_val = _typed_sets(60, 1, 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf = DistributedIBSetClassifier(type_column=1, information_bounds=False,
                                         **SMALL).fit(X, y, X_val=X_val, y_val=y_val)
    assert np.all(np.isfinite(clf.information_path_.total_information))


def test_a_resumed_transformer_keeps_its_decoder_order(interrupt_at_checkpoint,
                                                        monkeypatch):
    """A sweep stopped by an older skdib (decoder norm after the pool) must
    train on in that order, or its kept checkpoints would predict
    differently from the network they were scored with."""
    X, y = _typed_sets(200, 0, 40)
    clf = DistributedIBSetClassifier(decoder="transformer", n_heads=2, **SMALL)
    interrupt_at_checkpoint(2)
    with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    monkeypatch.undo()
    del clf.network_.decoder.norm_before_pool  # as pickled before the option
    clf.continue_fit(X, y)
    assert clf.network_.decoder.norm_before_pool is False
    fresh = DistributedIBSetClassifier(decoder="transformer", n_heads=2, **SMALL)
    assert fresh.fit(X, y).network_.decoder.norm_before_pool is True


def test_a_stopped_refit_warned_about_as_an_error_keeps_its_path_whole(
        interrupt_at_checkpoint, monkeypatch):
    """Warnings as errors: the warning about an interrupted refit's kept
    path comes once that path is stored, so the refit is kept whole (it
    once left a mix: the new features with the old network), as the
    interruption keeps it without the filter."""
    rng = np.random.default_rng(0)
    X_a = rng.normal(size=(200, 4, 2))
    y_a = (X_a[:, :, 0].mean(axis=1) > 0).astype(int)
    clf = DistributedIBSetClassifier(**SMALL).fit(X_a, y_a)
    X_b, y_b = _typed_sets(300, 0, 100)
    X_b = np.concatenate([X_b, X_b[..., :1]], axis=-1)  # 3 features
    clf.set_params(type_column=1)
    interrupt_at_checkpoint(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        with pytest.raises(UserWarning, match="fewer than 2 elements"):
            clf.fit(X_b, y_b, X_val=X_b[:60], y_val=y_b[:60])
    monkeypatch.undo()
    assert clf.n_features_in_ == 3 and clf.fit_status_ == "interrupted"
    assert clf.information_path_.n_points == 1
    assert clf.predict(X_b).shape == (300,)


def test_a_type_in_one_validation_set_has_no_error_and_says_so():
    X, y = _typed_sets(300, 0, 100)
    X_val, y_val = _typed_sets(60, 1, 100)
    X_val[0, 1, 1] = X_val[0, 2, 1] = 1.0  # type 1: three elements, one set
    with pytest.warns(UserWarning, match=r"all lie in one set: type=1"):
        clf = DistributedIBSetClassifier(type_column=1, **SMALL).fit(
            X, y, X_val=X_val, y_val=y_val)
    se = clf.information_path_.information_se
    assert np.all(np.isnan(se[:, 1])) and np.all(np.isfinite(se[:, 0]))
