"""Bits per channel: the one documented estimator behind ``information``.

For every checkpoint and channel the path holds ``0 <= information_lower <=
information <= information_upper <= kl``, whatever the device or data size:

* **Discrete channels** (inputs with at most :data:`MAX_DISCRETE_VALUES`
  distinct values that repeat, :data:`MIN_ROWS_PER_DISCRETE_VALUE`: Boolean
  inputs, small integer codes, one-hot groups) carry
  a finite Gaussian mixture, one component per value among all the fit's
  rows (training and held-out, each once: :func:`counted_rows`) weighted by
  its frequency there, and the channel's ``kl`` is the values' mean KL under
  the same frequencies. ``information`` is its mutual information,
  estimated by Monte Carlo with the exact mixture density; the bounds are the
  Kolchinsky-Tracey pairwise bounds (Bhattacharyya below, KL above), the upper
  one capped by ``kl``. Method ``"mixture"``. (Sweeps an older skdib started
  keep its rule, :data:`VALUE_ROWS` 1: the held-out rows' values.)
* **Continuous channels**: the InfoNCE lower bound and the leave-one-out
  upper bound on a held-out batch of K rows, the upper one capped by ``kl``
  (itself an upper bound); ``information`` is the midpoint of the interval.
  The lower bound cannot exceed log2(K), or the entropy of the batch's
  normalised row weights when the held-out rows are weighted: within
  :data:`SATURATION_MARGIN` bits of that ceiling the cell is flagged in
  ``bounds_saturated`` and the midpoint is then a weak estimate. Method
  ``"sandwich"``.
* With ``information_bounds=False`` no bounds are computed and
  ``information`` is ``kl``. Method ``"value_kl"`` for a discrete channel
  (its values' mean KL under their frequencies among all the fit's rows,
  rule :data:`VALUE_ROWS` 2), ``"kl"`` for the others (the held-out rows'
  mean KL).
"""

import numpy as np

from skdib._backend import facade

__all__ = ["MAX_DISCRETE_VALUES", "SATURATION_MARGIN", "VALUE_ROWS",
           "combine_estimates", "counted_rows", "discrete_channels",
           "effective_rows", "probe_rows", "sweep_value_rows"]

#: The rows whose values a discrete channel's mixture counts. 2: every row
#: of the fit, once (:func:`counted_rows`), and the path's ``kl`` of that
#: channel is its values' mean KL under those frequencies. 1 (skdib before
#: this rule): the held-out rows, and ``kl`` their mean KL.
VALUE_ROWS = 2


def sweep_value_rows(resume):
    """The value-row rule of a sweep: :data:`VALUE_ROWS` for a new one; a
    resumed sweep keeps the rule it started with, which its saved state
    records (``resume["value_rows"]``; a state saved by an older skdib has
    no marker and rule 1), so the whole path uses one definition."""
    return VALUE_ROWS if resume is None else resume.get("value_rows", 1)


def counted_rows(data, rule=VALUE_ROWS):
    """``(X_val part, weights, rows)`` for :func:`discrete_channels`: the
    rows whose value frequencies a sweep under ``rule`` counts.

    Rule 2: every row once: the training and held-out rows, weighted as the
    held-out metrics weight them (``data["w_all"]``: an explicit ``X_val``
    takes no weights, so its fit counts every row unweighted); with
    ``validation_fraction=0`` the held-out rows are the training rows, so
    only those. Rule 1: the held-out rows alone.
    """
    if rule == 1:
        return data["X_val"], data["w_val"], "held_out"
    if data.get("val_in_train"):
        return data["X_val"][:0], data["w_train"], "all"
    return data["X_val"], data.get("w_all"), "all"

# A channel whose training inputs take at most this many distinct values is
# treated as a finite mixture.
MAX_DISCRETE_VALUES = 64
# ... when they also repeat: at least this many training rows per value on
# average. A continuous column of a tiny table (60 rows, 60 values) is a
# sample of a continuum: its rows as mixture atoms give the InfoNCE lower
# bound (about 0.25 bits under the encoder's information on 75-row tables),
# not an estimate; the sandwich brackets it.
MIN_ROWS_PER_DISCRETE_VALUE = 2
# Bits below log2(K) from which the InfoNCE lower bound counts as saturated.
SATURATION_MARGIN = 1.0


def discrete_channels(X_train, X_val, channels, max_values=MAX_DISCRETE_VALUES,
                      sample_weight=None, rows="all"):
    """Per channel: None, or its distinct values and their frequencies.

    A channel is discrete when its training inputs take at most
    ``max_values`` distinct values, each in at least
    :data:`MIN_ROWS_PER_DISCRETE_VALUE` rows on average, and all the rows
    (training and held-out) at most ``max_values``. Its mixture components
    are then the distinct values among all the rows, with their frequencies
    among all the rows as weights (weighted by ``sample_weight``). How often
    a value occurs is a property of the data, not of the fit, and its
    posterior does not depend on which rows carry it, so every row counts:
    the held-out rows alone miss rare values (a value of frequency 0.15
    is absent from 10 held-out rows a fifth of the time, and the channel
    then reads 0 bits). Values only the held-out rows hold are components
    too, with their counts.

    Parameters
    ----------
    X_train, X_val : ndarray of shape (n_train, n_features), (n_val, n_features)
    channels : list of list of int
    max_values : int
    sample_weight : ndarray of shape (n_train + n_val,) or None
        Weights of the rows of ``X_train`` then ``X_val`` (None: equal);
        of ``X_val`` alone with ``rows="held_out"``.
    rows : {"all", "held_out"}
        Which rows the values and frequencies are counted on: those of
        ``X_train`` and ``X_val``, or (the rule of older sweeps, see
        :data:`VALUE_ROWS`) those of ``X_val`` alone.

    Returns
    -------
    list
        Per channel None, or ``(values, weights)``: an array (V, n_columns)
        of the distinct values and their frequencies, summing to 1.
    """
    X_all = X_val if rows == "held_out" else np.concatenate([X_train, X_val])
    out = []
    for cols in channels:
        n_train_values = len(np.unique(X_train[:, cols], axis=0))
        if (n_train_values > max_values
                or n_train_values * MIN_ROWS_PER_DISCRETE_VALUE > len(X_train)):
            out.append(None)
            continue
        values, inverse = np.unique(X_all[:, cols], axis=0, return_inverse=True)
        if len(values) > max_values:  # held-out values the training set lacks
            out.append(None)
            continue
        counts = np.bincount(inverse.ravel(), weights=sample_weight,
                             minlength=len(values))
        out.append((values, counts / counts.sum()))
    return out


def effective_rows(weights, n_rows):
    """Kish's effective number of ``n_rows`` rows of ``weights`` (None:
    equal weights, ``n_rows``), as the bounds count held-out rows
    (``facade.effective_rows``)."""
    return float(n_rows) if weights is None else facade.effective_rows(weights)


def probe_rows(discrete, channels, template):
    """Input rows whose row j holds value j of every discrete channel.

    Each channel's encoder reads its own columns only, so one row serves
    every channel; a channel with fewer values repeats its first one. The
    other columns are those of ``template`` (any input row).

    Returns
    -------
    ndarray of shape (max V, n_features) or None
        None when no channel is discrete.
    """
    sizes = [len(d[0]) for d in discrete if d is not None]
    if not sizes:
        return None
    probes = np.repeat(np.asarray(template)[None, :], max(sizes), axis=0)
    for d, cols in zip(discrete, channels, strict=True):
        if d is not None:
            values = d[0]
            probes[:, cols] = values[0]
            probes[:len(values), cols] = values
    return probes


# A value needs this many training rows on average for its own table entry.
MIN_ROWS_PER_VALUE = 20  # diabetes' age: 57 values in 309 rows


def table_channels(X_train, channels, max_values=MAX_DISCRETE_VALUES):
    """Per channel: its training rows when it can have a lookup table, else None.

    A channel can when its training rows take at most ``max_values``
    distinct values, at most one per :data:`MIN_ROWS_PER_VALUE` rows (so a
    continuous column of a small table is not mistaken for a code), and its
    columns' numbers of distinct values multiply to at most
    :data:`~skdib._backend.facade.MAX_TABLE_CODES`. The same channels make
    the default recipe 'discrete' (:func:`~skdib._dib._recipe.recipe_kind`).
    """
    n = len(X_train)
    out = []
    for cols in channels:
        rows = X_train[:, cols]
        n_values = len(np.unique(rows, axis=0))
        fits = (n_values <= max_values and n_values * MIN_ROWS_PER_VALUE <= n
                and facade.table_codes(rows) <= facade.MAX_TABLE_CODES)
        out.append(rows if fits else None)
    return out


def combine_estimates(kl, estimates, discrete, batch_size, value_rows=VALUE_ROWS):
    """The path's information, bounds, saturation flags and method per channel.

    Parameters
    ----------
    kl : ndarray of shape (n_points, n_channels)
    estimates : dict of ndarray of shape (n_points, n_channels) or None
        The backend's per-checkpoint estimates; None when bounds were off.
    discrete : list
        :func:`discrete_channels` of the fit.
    batch_size : int or ndarray of shape (n_channels,)
        The evaluation batch K of the continuous bounds (one per channel
        where the channels had batches of their own).
    value_rows : int
        The sweep's value-row rule (:data:`VALUE_ROWS`): which rows a
        discrete channel's ``kl`` averages over, named in the method when
        bounds were off.
    """
    kl = np.asarray(kl, dtype=float)
    if estimates is None:
        method = tuple("value_kl" if d is not None and value_rows == 2 else "kl"
                       for d in discrete)
        return {"information": kl, "information_lower": None,
                "information_upper": None, "bounds_saturated": None,
                "information_method": method, "information_se": None,
                "information_row_influence": None}
    is_discrete = np.array([d is not None for d in discrete])
    # Estimates from finite batches can dip below 0 near zero information,
    # where 0 is the truth's own floor. The row influence measures the fall
    # of these same capped bits, in torch: change
    # skdib._backend.dib._row_influence.capped_midpoint with this rule.
    loo_upper = np.maximum(np.minimum(estimates["loo_upper"], kl), 0.0)
    nce_lower = np.clip(estimates["nce_lower"], 0.0, loo_upper)
    mix_upper = np.maximum(np.minimum(estimates["mixture_upper"],
                                      _mixture_cap(kl, estimates)), 0.0)
    mix_lower = np.clip(estimates["mixture_lower"], 0.0, mix_upper)
    upper = np.where(is_discrete, mix_upper, loo_upper)
    lower = np.where(is_discrete, mix_lower, nce_lower)
    mixture = np.clip(estimates["mixture"], mix_lower, mix_upper)
    information = np.where(is_discrete, mixture, 0.5 * (lower + upper))
    saturated = ~is_discrete & (estimates["nce_lower"]
                                >= _lower_ceiling(estimates, batch_size)
                                - SATURATION_MARGIN)
    method = tuple("mixture" if d else "sandwich" for d in is_discrete)
    sandwich_se = estimates.get("sandwich_se", np.full(kl.shape, np.nan))
    return {"information": information, "information_lower": lower,
            "information_upper": upper, "bounds_saturated": saturated,
            "information_method": method,
            "information_se": np.where(is_discrete, estimates["mixture_se"],
                                       sandwich_se),
            "information_row_influence": np.where(
                is_discrete, np.nan, _missing(estimates, "row_influence", kl.shape))}


def _missing(estimates, key, shape):
    """An estimate of the record, NaN where (or when) it predates it."""
    value = estimates.get(key)
    return np.full(shape, np.nan) if value is None else np.asarray(value, float)


def _mixture_cap(kl, estimates):
    """What caps a discrete channel's upper bound: its values' mean KL under
    the frequencies of its mixture, which bounds the information of that
    distribution (and is its ``kl``); ``kl`` for checkpoints recorded
    without it (older sweeps: the held-out rows' mean, their mixture's)."""
    cap = _missing(estimates, "mixture_kl", kl.shape)
    return np.where(np.isnan(cap), kl, cap)


def _lower_ceiling(estimates, batch_size):
    """The most the InfoNCE lower bound can reach (bits): the entropy of the
    evaluation batches' normalised row weights where the held-out rows are
    weighted, log2(K) where they are not (or the record predates it)."""
    shape = np.shape(estimates["nce_lower"])
    ceiling = _missing(estimates, "nce_ceiling", shape)
    return np.where(np.isnan(ceiling), np.log2(batch_size), ceiling)
