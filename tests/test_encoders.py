"""The batched channel encoder against a per-channel reference."""

import numpy as np
import pytest
import torch

from skdib._backend.dib._layers import BatchedLinear, BatchedMLP
from skdib._backend.dib._model import DistributedIBNet, kl_nats


def reference_encoder(mlp, channel, x):
    """Apply channel ``channel`` of a BatchedMLP with plain per-channel matmuls."""
    h = x
    for layer in mlp.layers:
        if isinstance(layer, BatchedLinear):
            h = h @ layer.weight[channel] + layer.bias[channel, 0]
        else:
            h = layer(h)
    return h


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
def test_batched_mlp_equals_per_channel_loop(activation):
    torch.manual_seed(0)
    mlp = BatchedMLP(7, 5, (11, 13), 6, activation)
    x = torch.randn(7, 32, 5)
    batched = mlp(x)
    for c in range(7):
        ref = reference_encoder(mlp, c, x[c])
        assert torch.max(torch.abs(batched[c] - ref)).item() < 1e-5


@pytest.mark.parametrize("chunk_bytes", [1, 32 * 13 * 8 * 3])  # 1 and 3 channels
def test_cache_sized_channel_chunks_change_nothing(monkeypatch, chunk_bytes):
    from skdib._backend.dib import _layers

    torch.manual_seed(0)
    mlp = BatchedMLP(7, 5, (11, 13), 6, "relu").double()
    x = torch.randn(7, 32, 5, dtype=torch.float64, requires_grad=True)
    whole = mlp(x)
    grads = torch.autograd.grad(whole.square().sum(), [x, *mlp.parameters()])
    monkeypatch.setattr(_layers, "CPU_CHUNK_BYTES", chunk_bytes)
    assert _layers.channel_chunk(7, 32, mlp.widest, x) == (1 if chunk_bytes == 1
                                                           else 3)
    chunked = mlp(x)
    again = torch.autograd.grad(chunked.square().sum(), [x, *mlp.parameters()])
    torch.testing.assert_close(chunked, whole, rtol=1e-12, atol=1e-12)
    for a, b in zip(again, grads, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
    # per-channel reference, independent of both code paths
    for c in range(7):
        torch.testing.assert_close(chunked[c], reference_encoder(mlp, c, x[c]))


def test_batched_affine_gradients_match_finite_differences():
    from skdib._backend.dib._layers import BatchedAffine

    gen = torch.Generator().manual_seed(0)
    args = [torch.randn(shape, generator=gen, dtype=torch.float64,
                        requires_grad=True)
            for shape in ((3, 5, 4), (3, 4, 2), (3, 1, 2))]
    assert torch.autograd.gradcheck(BatchedAffine.apply, args)


def make_net(channels, n_features, frequencies=()):
    torch.manual_seed(1)
    rng = np.random.default_rng(0)
    return DistributedIBNet(
        channels, n_features, rng.normal(size=n_features),
        rng.uniform(0.5, 2.0, size=n_features), list(frequencies), (12,), 3, (8,),
        "tanh", "categorical", 2)


def test_network_encoder_equals_reference_with_mixed_widths():
    """Channels of widths 1, 2 and 3 (zero-padded) match a per-channel loop."""
    channels = [[0], [1, 2], [3, 4, 5]]
    net = make_net(channels, 6, frequencies=(np.pi, 2 * np.pi))
    x = torch.randn(40, 6)
    mu, log_var = net.encode(x)
    z = (x - net.center) / net.scale
    freqs = (np.pi, 2 * np.pi)
    width = net.gather_index.shape[1]
    first = net.encoder.layers[0]
    for c, cols in enumerate(channels):
        zc = z[:, cols]
        # the network's layout: [values (width)] + [sin(w_k z_j) for j, k];
        # the reference uses only the channel's real columns and weight rows
        feats = [zc] + [torch.sin(w * zc[:, [j]]) for j in range(len(cols))
                        for w in freqs]
        rows = list(range(len(cols))) + [width + j * len(freqs) + k
                                         for j in range(len(cols))
                                         for k in range(len(freqs))]
        h = torch.cat(feats, 1) @ first.weight[c][rows] + first.bias[c, 0]
        for layer in list(net.encoder.layers)[1:]:
            if isinstance(layer, BatchedLinear):
                h = h @ layer.weight[c] + layer.bias[c, 0]
            else:
                h = layer(h)
        ref_mu, ref_lv = h.chunk(2, dim=-1)
        assert torch.max(torch.abs(mu[c] - ref_mu)).item() < 1e-5
        assert torch.max(torch.abs(log_var[c] - ref_lv)).item() < 1e-5


def test_padding_columns_are_exactly_zero():
    net = make_net([[0], [1, 2, 3]], 4, frequencies=(3.0,))
    g = net.channel_inputs(torch.randn(10, 4))
    width = 3
    # channel 0 has one real column: its padded values and sines are zero
    assert torch.all(g[0, :, 1:width] == 0)
    assert torch.all(g[0, :, width + 1:] == 0)
    assert torch.any(g[1, :, 1:width] != 0)


def test_kl_matches_closed_form():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(4, 9, 3))
    lv = rng.normal(size=(4, 9, 3))
    expected = 0.5 * np.sum(mu**2 + np.exp(lv) - lv - 1, axis=-1)
    got = kl_nats(torch.as_tensor(mu), torch.as_tensor(lv)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.all(got >= 0)


@pytest.mark.parametrize("chunk_bytes", [1, 40 * 12 * 8 * 2, None])  # 1, 2, all
def test_training_step_in_channel_chunks_equals_unchunked_sampling(
        monkeypatch, chunk_bytes):
    """Messages, KL and gradients of the training forward, chunked or not,
    against sampling written out from the posterior means and variances."""
    from skdib._backend.dib import _layers

    net = make_net([[0], [1, 2], [3], [4], [5]], 6).double()
    x = torch.randn(40, 6, dtype=torch.float64)
    eps = torch.randn(5, 40, 3, dtype=torch.float64)
    mu, log_var = net.encode(x)  # unchunked: the module default at this size
    u = (mu + torch.exp(0.5 * log_var) * eps).permute(1, 0, 2).reshape(40, -1)
    kl = 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).sum(-1)
    ref_out = net.head(net.decoder(u))
    ref_grads = torch.autograd.grad(ref_out.square().sum() + kl.sum(),
                                    list(net.parameters()))
    if chunk_bytes is not None:
        monkeypatch.setattr(_layers, "CPU_CHUNK_BYTES", chunk_bytes)
    size = net.encoder.chunk_size(net.channel_inputs(x))
    assert size == {1: 1, None: 5}.get(chunk_bytes, 2)
    got_u, got_kl = net.messages(x, eps)
    out = net.read_out(got_u)
    grads = torch.autograd.grad(out.square().sum() + got_kl.sum(),
                                list(net.parameters()))
    torch.testing.assert_close(got_kl, kl, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(out, ref_out, rtol=1e-12, atol=1e-12)
    for a, b in zip(grads, ref_grads, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_forward_draws_the_noise_of_sampling_from_encode():
    """``forward`` with a generator equals sampling written out from
    ``encode`` with the generator's next standard-normal draws."""
    net = make_net([[0], [1, 2], [3]], 4)
    x = torch.randn(25, 4)
    out, kl = net(x, generator=torch.Generator().manual_seed(7))
    eps = torch.randn((3, 25, 3), generator=torch.Generator().manual_seed(7))
    mu, log_var = net.encode(x)
    u = (mu + torch.exp(0.5 * log_var) * eps).permute(1, 0, 2).reshape(25, -1)
    torch.testing.assert_close(out, net.head(net.decoder(u)))
    torch.testing.assert_close(kl, 0.5 * (mu ** 2 + log_var.exp() - log_var - 1)
                               .sum(-1))
    # a float64 network draws float64 noise, as message_noise does
    double = make_net([[0], [1, 2], [3]], 4).double()
    out64, _ = double(x.double(), generator=torch.Generator().manual_seed(7))
    eps = torch.randn((3, 25, 3), generator=torch.Generator().manual_seed(7),
                      dtype=torch.float64)
    mu, log_var = double.encode(x.double())
    u = (mu + torch.exp(0.5 * log_var) * eps).permute(1, 0, 2).reshape(25, -1)
    torch.testing.assert_close(out64, double.head(double.decoder(u)))
