"""The sweep's optimizer against a textbook Adam written in numpy."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skdib._backend.dib._train import make_optimizer  # noqa: E402


def adam_reference(w, targets, lr, n_steps, b1=0.9, b2=0.999, eps=1e-8, decay=0.0):
    """Kingma & Ba's Adam on the loss sum((w - target_t)^2 * scale); with
    ``decay``, Loshchilov & Hutter's decoupled weight decay (AdamW): the
    weights shrink by ``1 - lr * decay`` before each Adam update."""
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, (target, scale) in enumerate(targets[:n_steps], start=1):
        g = 2.0 * (w - target) * scale
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w * (1 - lr * decay)
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


@pytest.mark.parametrize("decay", [0.0, 4.0])
def test_updates_match_textbook_adam(decay):
    rng = np.random.default_rng(3)
    start = rng.normal(size=(2, 5)).astype(np.float32)
    targets = [(rng.normal(size=(2, 5)), rng.uniform(0.1, 10.0, size=(2, 5)))
               for _ in range(25)]
    w = torch.nn.Parameter(torch.from_numpy(start.copy()))
    opt = make_optimizer([w], 0.05, weight_decay=decay)
    for target, scale in targets:
        opt.zero_grad()
        t = torch.as_tensor(target, dtype=torch.float32)
        s = torch.as_tensor(scale, dtype=torch.float32)
        (((w - t) ** 2) * s).sum().backward()
        opt.step()
    expected = adam_reference(start.astype(np.float64), targets, 0.05, 25,
                              decay=decay)
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=0, atol=1e-4)
    # 25 steps of 0.05 moved the weights by far more than the tolerance
    assert np.abs(expected - start).max() > 0.5
    if decay:  # and the decay moved them far from where Adam alone would be
        plain = adam_reference(start.astype(np.float64), targets, 0.05, 25)
        assert np.abs(expected - plain).max() > 0.1


def test_learning_rate_is_a_group_setting_the_warm_up_can_change():
    w = torch.nn.Parameter(torch.zeros(3))
    opt = make_optimizer([w], 0.01)
    assert [g["lr"] for g in opt.param_groups] == [0.01]
    opt.param_groups[0]["lr"] = 0.0
    w.sum().backward()
    opt.step()
    assert torch.equal(w.detach(), torch.zeros(3))
