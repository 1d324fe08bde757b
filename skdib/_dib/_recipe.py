"""The default recipe: network and schedule chosen from the data ('auto').

Six settings default to ``'auto'``: ``encoder_hidden``, ``embedding_dim``,
``decoder_hidden``, ``n_pretrain_steps``, ``n_steps`` and ``learning_rate``.
:func:`resolve_recipe` turns them into numbers at fit time, from the kind of
channels the data has, and the fitted estimator records the result in
``recipe_``. A value the user gives is kept as it is.

Two recipes, measured (user guide, "The default recipe"):

``'discrete'`` (every channel takes few distinct values, as Boolean inputs
    or one-hot groups do): encoders 2x64, embedding 8, decoder 2x128, 2000
    pretraining + 8000 ramp steps at a learning rate of 3e-4, the 0.1
    defaults. On Boolean circuits shorter schedules made the path skip
    maximum-information subsets (pooled 0.69-0.95 on tuning circuits).
``'continuous'`` (any channel with many values): encoders 2x32, embedding 4,
    decoder 2x64, 500 + 2500 steps at 1e-3: 4-6x faster than the 0.1
    defaults, with breast cancer within about 0.02 of an RBF SVC and the
    sheared glass as accurate as with the 0.1 defaults (0.5-3 points behind
    a tuned linear SVM, depending on the split).
"""

AUTO = "auto"

RECIPES = {
    "discrete": dict(encoder_hidden=(64, 64), embedding_dim=8,
                     decoder_hidden=(128, 128), n_pretrain_steps=2000,
                     n_steps=8000, learning_rate=3e-4),
    "continuous": dict(encoder_hidden=(32, 32), embedding_dim=4,
                       decoder_hidden=(64, 64), n_pretrain_steps=500,
                       n_steps=2500, learning_rate=1e-3),
}

SETTINGS = tuple(RECIPES["discrete"])

__all__ = ["AUTO", "RECIPES", "SETTINGS", "recipe_kind", "resolve_recipe"]


def recipe_kind(discrete):
    """``'discrete'`` when every channel is discrete, else ``'continuous'``.

    ``discrete`` holds one entry per channel, None for a continuous one (as
    :func:`skdib._dib._estimates.discrete_channels` returns).
    """
    return ("discrete" if len(discrete) and all(d is not None for d in discrete)
            else "continuous")


def resolve_recipe(params, discrete):
    """The settings to fit with: the user's, or the recipe's where 'auto'.

    Parameters
    ----------
    params : dict
        The estimator's value of every name in :data:`SETTINGS`.
    discrete : list
        One entry per channel, None for a continuous channel.

    Returns
    -------
    recipe : dict
        Every name of :data:`SETTINGS` with its value, plus ``kind`` (the
        recipe the 'auto' values came from) and ``auto`` (the names that were
        'auto').

    Examples
    --------
    >>> from skdib._dib._recipe import resolve_recipe
    >>> params = dict(encoder_hidden="auto", embedding_dim=2,
    ...               decoder_hidden="auto", n_pretrain_steps="auto",
    ...               n_steps=100, learning_rate="auto")
    >>> r = resolve_recipe(params, [None, (0, 1)])
    >>> r["kind"], r["embedding_dim"], r["n_steps"], r["n_pretrain_steps"]
    ('continuous', 2, 100, 500)
    """
    kind = recipe_kind(discrete)
    recipe = {name: (RECIPES[kind][name] if _is_auto(params[name])
                     else params[name]) for name in SETTINGS}
    recipe["kind"] = kind
    recipe["auto"] = tuple(name for name in SETTINGS if _is_auto(params[name]))
    return recipe


def _is_auto(value):
    return isinstance(value, str) and value == AUTO
