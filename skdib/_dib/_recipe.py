"""The default recipe: network and schedule chosen from the data ('auto').

Ten settings default to ``'auto'``: ``discrete_encoder``,
``encoder_hidden``, ``embedding_dim``, ``decoder_hidden``,
``n_pretrain_steps``, ``n_steps``, ``learning_rate``, ``batch_size``,
``warmup_fraction`` and ``weight_decay``, and the classifier's
``label_smoothing``.
:func:`resolve_recipe` turns them into values at fit time, from the kind of
channels the data has, and the fitted estimator records the result in
``recipe_``. A value the user gives is kept as it is.

Two recipes, measured (user guide, "The default recipe"):

``'discrete'`` (every channel takes few distinct values, as Boolean inputs
    or one-hot groups do): a lookup table per channel, embedding 8, decoder
    2x64, 250 pretraining + 2500 ramp steps at a learning rate of 2e-2 in
    batches of 512. Tuned on 46 Boolean circuits (seeds 502-523, 2000-2016
    and 3000-3022: 106 of the 110 proper subsets its paths visited were
    maximum-information subsets) and validated on 32 others (86 of 88); the
    0.1 settings (network encoders, 2000 + 8000 steps at 3e-4, batches of
    256) reached 25 of 27 on ten of them in 4x the time. Smaller learning
    rates, batches of 256 or shorter ramps let channels on their way out
    linger above 0.05 bits, so the path visits subsets that hold a useless
    input. The decoder was 2x128 until a comparison on 65 circuits never
    used before (chosen on seeds 20000-20021, checked on 22000-22034 and
    24000-24041): every visited proper subset on the frontier with either
    decoder, and 24 % less fitting time with 2x64.
``'continuous'`` (any channel with many values): encoders 2x32, embedding 4,
    decoder 2x64, 500 + 2500 steps at 1e-3 in batches of 256, network
    encoders for every channel (on diabetes a table for its binary column
    cost test R²): about 6-10x faster than the 0.1 defaults, with breast cancer
    within about 0.02 of an RBF SVC. On the sheared glass (gradual, 100
    radial structure functions, the data before its locus repair; one
    stratified 70/30 split, about 610 test rows; ``benchmarks/run.py --only
    fits``) its test accuracy was 0.846 against the 0.1 defaults' 0.846 and
    0.834 against 0.836 in two runs (2026-12-05, before label smoothing),
    and 0.831 against 0.848 in a third (2026-12-06, both sides smoothed by
    0.01): level or up to 1.7 points behind, on one split. The classifier
    trains against labels smoothed by 0.01 (tuned on breast cancer splits
    0-4, checked on five others, wine and iris; user guide,
    "Probabilities").

    On a small table (fewer than :data:`SMALL_TABLE_ROWS` training rows,
    after the validation split) the encoders are one hidden layer of 16
    units. Chosen among eight sizes on breast cancer splits 0-4 and diabetes
    splits 0-1 (318 and 247 training rows) and validated on breast cancer
    splits 40-48, diabetes splits 2-4 and generated tables of 247 rows (user
    guide, "The continuous recipe's encoders"): better probabilities and
    accuracy on breast cancer, higher test R² on diabetes, a third faster.
    Larger tables keep 2x32: a step function of 1200 rows and the
    checkerboard of 3200 need its sharper within-channel distinctions, and
    the glass (1314 rows) was no more accurate with one layer.

    Small continuous tables also train with a decoupled weight decay of
    0.3 (AdamW). Chosen among 0.3, 1 and 3 on breast cancer splits 0-4 and
    diabetes splits 0-1, checked on breast cancer splits 60-64, diabetes
    splits 60-63, wine, iris and generated tables (user guide, "Weight
    decay on small tables"): higher test R² on diabetes (mean 0.427 to
    0.444 on the checked splits), a lower median log loss on breast cancer,
    but a worse worst fit there (2.03 to 2.69 times a logistic
    regression's).
"""

import warnings

from skdib._utils._warnings import user_stacklevel

AUTO = "auto"

RECIPES = {
    "discrete": dict(discrete_encoder="table", encoder_hidden=(64, 64),
                     embedding_dim=8, decoder_hidden=(64, 64),
                     n_pretrain_steps=250, n_steps=2500, learning_rate=2e-2,
                     batch_size=512, warmup_fraction=0.0, weight_decay=0.0),
    "continuous": dict(discrete_encoder="mlp", encoder_hidden=(32, 32),
                       embedding_dim=4, decoder_hidden=(64, 64),
                       n_pretrain_steps=500, n_steps=2500, learning_rate=1e-3,
                       batch_size=256, warmup_fraction=0.0, weight_decay=0.0),
}

SETTINGS = tuple(RECIPES["discrete"])

#: Below this many training rows a recipe takes :data:`SMALL_TABLE` too.
SMALL_TABLE_ROWS = 1000

#: What a small table changes, per recipe.
SMALL_TABLE = {"discrete": {},
               "continuous": dict(encoder_hidden=(16,), weight_decay=0.3)}

#: Settings that only some estimators have, per recipe (resolved where the
#: estimator has them). The classifier's ``label_smoothing``: continuous
#: tuned on breast cancer (user guide, "Probabilities"), as it bounds what a
#: confidently wrong prediction costs; discrete none, as the circuits were
#: validated without.
HEAD_RECIPES = {
    "discrete": dict(label_smoothing=0.0),
    "continuous": dict(label_smoothing=0.01),
}

HEAD_SETTINGS = tuple(HEAD_RECIPES["discrete"])

__all__ = ["AUTO", "HEAD_RECIPES", "HEAD_SETTINGS", "RECIPES", "SETTINGS",
           "SMALL_TABLE", "SMALL_TABLE_ROWS", "recipe_kind", "resolve_recipe",
           "warn_unused_encoder_settings"]


def recipe_kind(discrete):
    """``'discrete'`` when every channel is discrete, else ``'continuous'``.

    ``discrete`` holds one entry per channel, None for a continuous one (as
    :func:`skdib._dib._estimates.table_channels` returns).
    """
    return ("discrete" if len(discrete) and all(d is not None for d in discrete)
            else "continuous")


def resolve_recipe(params, discrete, n_rows=None):
    """The settings to fit with: the user's, or the recipe's where 'auto'.

    Parameters
    ----------
    params : dict
        The estimator's value of every name in :data:`SETTINGS`, and of
        those in :data:`HEAD_SETTINGS` that it has.
    discrete : list
        One entry per channel, None for a continuous channel.
    n_rows : int, optional
        Training rows the network sees; below :data:`SMALL_TABLE_ROWS` the
        recipe's :data:`SMALL_TABLE` settings apply. None: not small.

    Returns
    -------
    recipe : dict
        Every name of ``params`` with its value, plus ``kind`` (the
        recipe the 'auto' values came from), ``small_table`` (whether the
        small-table settings applied) and ``auto`` (the names that were
        'auto').

    Examples
    --------
    >>> from skdib._dib._recipe import resolve_recipe
    >>> params = dict(discrete_encoder="auto", encoder_hidden="auto",
    ...               embedding_dim=2,
    ...               decoder_hidden="auto", n_pretrain_steps="auto",
    ...               n_steps=100, learning_rate="auto", batch_size="auto",
    ...               warmup_fraction="auto", weight_decay="auto",
    ...               label_smoothing="auto")
    >>> r = resolve_recipe(params, [None, (0, 1)])
    >>> r["kind"], r["embedding_dim"], r["n_steps"], r["n_pretrain_steps"]
    ('continuous', 2, 100, 500)
    >>> r["label_smoothing"], resolve_recipe(params, [(0, 1)])["label_smoothing"]
    (0.01, 0.0)
    >>> params["encoder_hidden"] = "auto"
    >>> [resolve_recipe(params, [None], n)["encoder_hidden"] for n in (300, 3000)]
    [(16,), (32, 32)]
    >>> [resolve_recipe(params, [None], n)["weight_decay"] for n in (300, 3000)]
    [0.3, 0.0]
    """
    kind = recipe_kind(discrete)
    small = n_rows is not None and n_rows < SMALL_TABLE_ROWS
    defaults = {**RECIPES[kind], **HEAD_RECIPES[kind],
                **(SMALL_TABLE[kind] if small else {})}
    names = [*SETTINGS, *(name for name in HEAD_SETTINGS if name in params)]
    recipe = {name: (defaults[name] if _is_auto(params[name]) else params[name])
              for name in names}
    recipe["kind"] = kind
    recipe["small_table"] = small
    recipe["auto"] = tuple(name for name in names if _is_auto(params[name]))
    return recipe


def _is_auto(value):
    return isinstance(value, str) and value == AUTO


def warn_unused_encoder_settings(recipe, discrete, fourier_frequencies):
    """Warn when every channel got a lookup table, so that an
    ``encoder_hidden`` or ``fourier_frequencies`` the user set has no
    network encoder to shape (``discrete`` as for :func:`recipe_kind`)."""
    if recipe["discrete_encoder"] != "table" or any(d is None for d in discrete):
        return
    unused = []
    if "encoder_hidden" not in recipe["auto"]:
        unused.append(f"encoder_hidden={recipe['encoder_hidden']!r}")
    if fourier_frequencies is not None:
        unused.append(f"fourier_frequencies={fourier_frequencies!r}")
    if unused:
        how = ("discrete_encoder='auto' gave" if "discrete_encoder" in recipe["auto"]
               else "discrete_encoder='table' gives")
        warnings.warn(
            f"{' and '.join(unused)} shape(s) network encoders, but {how} every "
            "channel a lookup table (each has few distinct values), so there is "
            "none. Pass discrete_encoder='mlp' for network encoders.",
            UserWarning, stacklevel=user_stacklevel())
