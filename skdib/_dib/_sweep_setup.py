"""What a sweep is built from: the network's settings, the loop's, the seeds.

A mixin of :class:`~skdib._dib._base.BaseDistributedIB`, shared by ``fit`` and
the batched fits of :mod:`skdib._dib._replicated_fit`, so both build the same
network and draw the same seeds in the same order.
"""

from skdib._backend import facade
from skdib._dib._channels import resolve_channels
from skdib._dib._estimates import (
    VALUE_ROWS,
    counted_rows,
    discrete_channels,
    effective_rows,
    probe_rows,
    table_channels,
)
from skdib._dib._inputs import weighted_moments
from skdib._dib._recipe import (
    HEAD_SETTINGS,
    resolve_recipe,
    warn_unused_encoder_settings,
)
from skdib._dib._recipe import SETTINGS as RECIPE_SETTINGS
from skdib._dib._settings import (
    BOUNDS_BATCH_SIZE,
    MIXTURE_SAMPLES,
    bounds_n_batches,
    check_checkpoints,
    check_layer_sizes,
    fourier_frequencies,
)
from skdib._utils._random import draw_seed
from skdib._utils._validation import group_codes

__all__ = ["SweepSetupMixin"]


class SweepSetupMixin:
    """The network spec, the training settings and the sweep's seeds."""

    def _network_spec(self, data, rng):
        """The network's settings, its channels and their names.

        Also finds the discrete channels (``data["discrete"]``) and resolves
        the 'auto' settings from them (``self._recipe``, published as
        ``recipe_`` when the fit is stored).
        """
        if self.beta_end < self.beta_start:
            raise ValueError(
                f"beta_end ({self.beta_end}) must be >= beta_start "
                f"({self.beta_start})."
            )
        channels, names = resolve_channels(
            self.feature_groups, self.n_features_in_,
            getattr(self, "feature_names_in_", None),
            getattr(self, "_integer_labels", None))
        layout = getattr(self, "_layout", None)
        X_tr = data["X_train"]
        net_channels = (channels if layout is None
                        else layout.expand_channels(channels))
        rule = data.get("value_rows") or VALUE_ROWS
        X_counted, w_counted, rows = counted_rows(data, rule)
        data["discrete"] = discrete_channels(X_tr, X_counted, net_channels,
                                             sample_weight=w_counted, rows=rows)
        data["probes"] = probe_rows(data["discrete"], net_channels, X_tr[0])
        data["mixture_rows"] = effective_rows(
            w_counted, len(X_counted) + (len(X_tr) if rows == "all" else 0))
        lookup = table_channels(X_tr, net_channels)
        # attributes, not get_params(): a subclass may fix some in its __init__
        settings = {name: getattr(self, name) for name in RECIPE_SETTINGS}
        settings.update({name: getattr(self, name) for name in HEAD_SETTINGS
                         if hasattr(self, name)})
        self._recipe = recipe = resolve_recipe(settings, lookup, len(X_tr))
        warn_unused_encoder_settings(recipe, lookup, self.fourier_frequencies)
        check_checkpoints(self.n_checkpoints, recipe["n_steps"])
        # the centre is also the fitted model's reference input (_store_fit)
        data["center"], scale = weighted_moments(X_tr, data["w_train"])
        spec = dict(
            channels=net_channels,
            n_features=X_tr.shape[1],
            center=data["center"], scale=scale,
            frequencies=fourier_frequencies(self.fourier_frequencies),
            encoder_hidden=check_layer_sizes("encoder_hidden",
                                             recipe["encoder_hidden"],
                                             allow_empty=True),
            embedding_dim=recipe["embedding_dim"],
            decoder_hidden=check_layer_sizes("decoder_hidden",
                                             recipe["decoder_hidden"],
                                             allow_empty=True),
            activation=self.activation, head=data["head"],
            n_outputs=data["n_outputs"],
            head_options=self._head_options(data["y_train"], rng),
            tables=(lookup if recipe["discrete_encoder"] == "table"
                    and any(t is not None for t in lookup) else None),
            table_exact=(None if layout is None
                         else layout.one_hot_flags(net_channels)))
        return spec, channels, names

    @staticmethod
    def _bounds_batch_size(data):
        """The evaluation batch K: all held-out rows, at most BOUNDS_BATCH_SIZE."""
        return min(BOUNDS_BATCH_SIZE, len(data["X_val"]))

    def _total_steps(self):
        """Pretraining plus ramp steps of the fit under way (or the last)."""
        recipe = self._recipe
        return recipe["n_pretrain_steps"] + recipe["n_steps"]

    def _train_config(self, progress=None):
        """The training loop's settings."""
        recipe = self._recipe
        return facade.TrainConfig(
            beta_start=float(self.beta_start), beta_end=float(self.beta_end),
            n_pretrain_steps=recipe["n_pretrain_steps"], n_steps=recipe["n_steps"],
            batch_size=recipe["batch_size"],
            learning_rate=float(recipe["learning_rate"]),
            # a sweep pickled before warm-up existed resumes without one
            warmup_fraction=float(recipe.get("warmup_fraction", 0.0)),
            # and one pickled before weight decay existed, without decay
            weight_decay=float(recipe.get("weight_decay", 0.0)),
            n_checkpoints=self.n_checkpoints, keep_snapshots=self.keep_snapshots,
            predict_samples=self._prediction_samples(), progress=progress,
            # a sweep pickled before precision existed resumes in float32
            precision=getattr(self, "precision", "float32"))

    def _sweep_seeds(self, data, rng):
        """The bounds function, the network's seed and the loop's seed, drawn
        from ``rng`` in this order. The bounds' seed is drawn with bounds off
        too, so ``information_bounds`` changes what is reported, not what is
        trained."""
        bounds_seed, bounds_fn = draw_seed(rng), None
        # a discrete channel's kl is its values' mean KL (rule 2), with or
        # without bounds
        held_out_rule = data.get("value_rows") == 1
        if self.information_bounds or (not held_out_rule
                                       and data.get("probes") is not None):
            k = self._bounds_batch_size(data)
            bounds_fn = facade.make_information_fn(
                k, bounds_n_batches(k), bounds_seed,
                data["discrete"], MIXTURE_SAMPLES,
                facade.resolve_device(self.device), weights=data["w_val"],
                clusters=(None if data.get("g_val") is None
                          else group_codes(data["g_val"])),
                probes=data.get("probes"), mixture_rows=data.get("mixture_rows"),
                bounds=self.information_bounds, held_out_rule=held_out_rule)
        return bounds_fn, draw_seed(rng), draw_seed(rng)
