"""What a sweep is built from: the network's settings, the loop's, the seeds.

A mixin of :class:`~skdib._dib._base.BaseDistributedIB`, shared by ``fit`` and
the batched fits of :mod:`skdib._dib._replicated_fit`, so both build the same
network and draw the same seeds in the same order.
"""

from skdib._backend import facade
from skdib._dib._channels import resolve_channels
from skdib._dib._settings import (
    BOUNDS_BATCH_SIZE,
    BOUNDS_N_BATCHES,
    MIXTURE_SAMPLES,
    check_checkpoints,
    check_layer_sizes,
    fourier_frequencies,
)
from skdib._utils._random import draw_seed

__all__ = ["SweepSetupMixin"]


class SweepSetupMixin:
    """The network spec, the training settings and the sweep's seeds."""

    def _network_spec(self, data, rng):
        """The network's settings, its channels and their names."""
        if self.beta_end < self.beta_start:
            raise ValueError(
                f"beta_end ({self.beta_end}) must be >= beta_start "
                f"({self.beta_start})."
            )
        check_checkpoints(self.n_checkpoints, self.n_steps)
        channels, names = resolve_channels(
            self.feature_groups, self.n_features_in_,
            getattr(self, "feature_names_in_", None))
        layout = getattr(self, "_layout", None)
        X_tr = data["X_train"]
        scale = X_tr.std(axis=0)
        scale[scale < 1e-12] = 1.0
        spec = dict(
            channels=(channels if layout is None
                      else layout.expand_channels(channels)),
            n_features=X_tr.shape[1],
            center=X_tr.mean(axis=0), scale=scale,
            frequencies=fourier_frequencies(self.fourier_frequencies),
            encoder_hidden=check_layer_sizes("encoder_hidden", self.encoder_hidden,
                                             allow_empty=True),
            embedding_dim=self.embedding_dim,
            decoder_hidden=check_layer_sizes("decoder_hidden", self.decoder_hidden,
                                             allow_empty=True),
            activation=self.activation, head=data["head"],
            n_outputs=data["n_outputs"],
            head_options=self._head_options(data["y_train"], rng))
        return spec, channels, names

    @staticmethod
    def _bounds_batch_size(data):
        """The evaluation batch K: all held-out rows, at most BOUNDS_BATCH_SIZE."""
        return min(BOUNDS_BATCH_SIZE, len(data["X_val"]))

    def _train_config(self, progress=None):
        """The training loop's settings."""
        return facade.TrainConfig(
            beta_start=float(self.beta_start), beta_end=float(self.beta_end),
            n_pretrain_steps=self.n_pretrain_steps, n_steps=self.n_steps,
            batch_size=self.batch_size, learning_rate=float(self.learning_rate),
            n_checkpoints=self.n_checkpoints, keep_snapshots=self.keep_snapshots,
            predict_samples=getattr(self, "predict_samples", 0), progress=progress)

    def _sweep_seeds(self, data, rng):
        """The bounds function, the network's seed and the loop's seed, drawn
        from ``rng`` in this order."""
        bounds_fn = None
        if self.information_bounds:
            bounds_fn = facade.make_information_fn(
                self._bounds_batch_size(data), BOUNDS_N_BATCHES, draw_seed(rng),
                data["discrete"], MIXTURE_SAMPLES,
                facade.resolve_device(self.device))
        return bounds_fn, draw_seed(rng), draw_seed(rng)
