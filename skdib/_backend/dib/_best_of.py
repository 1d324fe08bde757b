"""Best of R sweeps per checkpoint: one path assembled from replicates.

R sweeps of one network (different seeds, the same rows and β schedule)
each record a path. At every checkpoint the composite keeps the replicate
the estimator chose there (the one with the lowest held-out loss; the rule
is :func:`skdib._dib._replicate_sweeps.composite_record`): its metrics,
information estimates and snapshot. Neighbouring checkpoints may thus come
from different networks, so the snapshots cannot be delta-coded along the
composite; instead :class:`CompositeSnapshots` keeps each replicate's own
coded sequence (up to the last checkpoint that uses it) and looks the chosen
one up. A rewound
model therefore has exactly the weights its checkpoint was scored with.

A replicate that stopped early (it diverged) brings the checkpoints it
reached; later ones are chosen among the others.
"""

import numpy as np

from skdib._backend.dib._checkpoint_information import ESTIMATE_KEYS
from skdib._backend.dib._settling import with_drift
from skdib._backend.dib._snapshots import SnapshotSequence, checked_index
from skdib._backend.dib._train import _RECORDED

__all__ = ["CompositeSnapshots", "best_of_replicates"]


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


def _pick(arrays, choice):
    """Row ``k`` of ``arrays[choice[k]]`` for every checkpoint ``k``."""
    return np.stack([np.asarray(arrays[r])[k] for k, r in enumerate(choice)])


def _estimate(record, key):
    """One estimate of a finished record; NaN where the record predates it."""
    values = record["estimates"]
    return values.get(key, np.full(np.shape(values["nce_lower"]), np.nan))


def _snapshots(records, choice):
    """The composite's snapshots (an empty sequence when they were not kept)."""
    used = {r: int(np.flatnonzero(choice == r)[-1]) for r in np.unique(choice)}
    if not all(len(records[r]["snapshots"]) for r in used):
        return SnapshotSequence([])
    # each replicate's chain up to the last checkpoint that uses it
    return CompositeSnapshots(
        [SnapshotSequence(rec["snapshots"].entries[:used[r] + 1]) if r in used
         else None for r, rec in enumerate(records)], choice)


def best_of_replicates(records, choice):
    """Assemble one record from R replicate records (see the module docstring).

    Parameters
    ----------
    records : list of dict or None
        Records of :func:`skdib._backend.dib._train.train`, complete or cut
        short by a divergence (None: stopped before its first checkpoint).
    choice : ndarray of int, shape (n_points,)
        The replicate (an index into ``records``) whose checkpoint ``k`` the
        composite keeps; each chosen replicate must have reached ``k``.

    Returns
    -------
    record : dict
        In the same format, over ``len(choice)`` checkpoints.
    """
    choice = np.asarray(choice, dtype=int)
    if any(records[r] is None or len(records[r]["step"]) <= k
           for k, r in enumerate(choice)):
        raise ValueError("A chosen replicate has no such checkpoint.")
    records = [with_drift(rec) for rec in records]
    out = {key: _pick([None if rec is None else rec[key] for rec in records],
                      choice) for key in _RECORDED}
    used = [records[r] for r in np.unique(choice)]
    out["estimates"] = (
        None if any(rec["estimates"] is None for rec in used)
        else {key: _pick([None if rec is None or rec["estimates"] is None
                          else _estimate(rec, key) for rec in records], choice)
              for key in ESTIMATE_KEYS})
    out["snapshots"] = _snapshots(records, choice)
    out["final_state"] = records[choice[-1]]["final_state"]
    return out
