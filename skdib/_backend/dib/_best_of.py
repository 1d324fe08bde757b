"""Best of R sweeps per checkpoint: one path assembled from replicates.

R sweeps of one network (different seeds, the same rows and β schedule)
each record a path. At every checkpoint the composite keeps the replicate
whose held-out loss (of the estimator's prediction, as the default
point's rule reads it) is lowest there: its metrics, information estimates and
snapshot. Neighbouring checkpoints may thus come from different networks, so
the snapshots cannot be delta-coded along the composite; instead
:class:`CompositeSnapshots` keeps each replicate's own coded sequence (up to
the last checkpoint that uses it) and looks the chosen one up. A rewound
model therefore has exactly the weights its checkpoint was scored with.

A replicate that stopped early (it diverged) brings the checkpoints it
reached; later ones are chosen among the others.
"""

import numpy as np

from skdib._backend.dib._checkpoint_information import ESTIMATE_KEYS
from skdib._backend.dib._snapshots import SnapshotSequence, checked_index
from skdib._backend.dib._train import _RECORDED

__all__ = ["CompositeSnapshots", "best_of_replicates", "replicate_choice",
           "replicate_losses"]


class CompositeSnapshots:
    """Snapshot ``k`` is snapshot ``k`` of sequence ``choice[k]``.

    Parameters
    ----------
    sequences : list of SnapshotSequence or None
        One per replicate; None for a replicate that is never chosen.
    choice : ndarray of int
        The replicate of each checkpoint.
    """

    def __init__(self, sequences, choice):
        self.choice = np.asarray(choice, dtype=int)
        self.sequences = list(sequences)

    def __len__(self):
        return len(self.choice)

    def __getitem__(self, index):
        index = checked_index(index, len(self.choice))
        return self.sequences[self.choice[index]][index]

    @property
    def nbytes(self):
        """Bytes held by the replicates' coded snapshots (approximate)."""
        return sum(s.nbytes for s in self.sequences if s is not None)


def replicate_choice(losses):
    """The replicate with the lowest loss at each checkpoint.

    Parameters
    ----------
    losses : ndarray of shape (n_replicates, n_points)
        Held-out losses; NaN where a replicate has no such checkpoint.

    Returns
    -------
    choice : ndarray of int, shape (n_points,)
        Ties go to the lower replicate index.
    """
    filled = np.where(np.isnan(losses), np.inf, losses)
    return np.argmin(filled, axis=0)


def _n_points(rec):
    """Checkpoints a replicate reached (0 for None: stopped before any)."""
    return 0 if rec is None else len(rec["step"])


def _held_out_loss(rec, weights):
    """Per checkpoint, the held-out loss of the estimator's prediction (the
    loss the default point is chosen by), else the training objective's."""
    rows = np.asarray(rec["prediction_loss_rows"], dtype=float)
    if rows.size == 0:
        return np.asarray(rec["loss_val"], dtype=float)
    w = np.ones(rows.shape[1]) if weights is None else np.asarray(weights, float)
    return rows @ (w / w.sum())


def _loss_table(records, n_points, weights):
    """(n_replicates, n_points) held-out losses, NaN past a replicate's end."""
    table = np.full((len(records), n_points), np.nan)
    for r, rec in enumerate(records):
        if _n_points(rec):
            table[r, :_n_points(rec)] = _held_out_loss(rec, weights)
    return table


def _pick(arrays, choice):
    """Row ``k`` of ``arrays[choice[k]]`` for every checkpoint ``k``."""
    return np.stack([np.asarray(arrays[r])[k] for k, r in enumerate(choice)])


def _snapshots(records, choice):
    """The composite's snapshots (an empty sequence when they were not kept)."""
    used = {r: int(np.flatnonzero(choice == r)[-1]) for r in np.unique(choice)}
    if not all(len(records[r]["snapshots"]) for r in used):
        return SnapshotSequence([])
    # each replicate's chain up to the last checkpoint that uses it
    return CompositeSnapshots(
        [SnapshotSequence(rec["snapshots"].entries[:used[r] + 1]) if r in used
         else None for r, rec in enumerate(records)], choice)


def best_of_replicates(records, weights=None):
    """Assemble one record from R replicate records (see the module docstring).

    Parameters
    ----------
    records : list of dict or None
        Records of :func:`skdib._backend.dib._train.train`, complete or cut
        short by a divergence (None: stopped before its first checkpoint);
        at least one has a checkpoint.
    weights : ndarray of shape (n_val,), optional
        Weights of the held-out rows (the mean loss is weighted by them).

    Returns
    -------
    record : dict
        In the same format, over as many checkpoints as the longest replicate,
        plus ``"replicate"`` (the chosen replicate of each checkpoint, an index
        into ``records``) and ``"replicate_loss_val"`` (the losses the choice
        was made from, NaN where a replicate had stopped).
    """
    n_points = max(_n_points(rec) for rec in records)
    if n_points == 0:
        raise ValueError("No replicate reached a checkpoint.")
    losses = _loss_table(records, n_points, weights)
    choice = replicate_choice(losses)
    out = {key: _pick([None if rec is None else rec[key] for rec in records],
                      choice) for key in _RECORDED}
    used = [records[r] for r in np.unique(choice)]
    out["estimates"] = (
        None if any(rec["estimates"] is None for rec in used)
        else {key: _pick([None if rec is None or rec["estimates"] is None
                          else rec["estimates"][key] for rec in records], choice)
              for key in ESTIMATE_KEYS})
    out["snapshots"] = _snapshots(records, choice)
    out["final_state"] = records[choice[-1]]["final_state"]
    out["replicate"] = choice
    out["replicate_loss_val"] = losses
    return out


def replicate_losses(record, weights=None):
    """The held-out losses behind a record's choice of replicates.

    Returns
    -------
    losses : ndarray of shape (n_replicates, n_points)
        One row for a record of a single sweep.
    """
    if "replicate_loss_val" in record:
        return record["replicate_loss_val"]
    return _loss_table([record], len(record["step"]), weights)
