"""Random circuits in seed order, kept when their output carries enough."""

from skdib._utils._validation import check_number, check_positive_int
from skdib.datasets._boolean import _check_n_inputs, make_boolean_circuit
from skdib.datasets._codes import target_entropy
from skdib.datasets._subsets import subset_information

__all__ = ["iter_boolean_circuits"]

_SEED_LIMIT = 2**32


def iter_boolean_circuits(start_seed=0, *, n_inputs=10, min_entropy=0.8):
    """Random circuits from consecutive seeds whose output carries ``min_entropy``.

    Seeds ``start_seed``, ``start_seed + 1``, ... each draw a circuit with
    :func:`make_boolean_circuit`; those whose output entropy H(Y) is below
    ``min_entropy`` bits (nearly constant outputs) are passed over. This is
    how the tests and benchmarks name a set of circuits: by its first seed.

    Parameters
    ----------
    start_seed : int, default=0
        The first seed tried, in [0, 2**32) (numpy's seeds).
    n_inputs : int, default=10
        Inputs of every circuit, in [2, 20] (not ``"paper"``: that circuit
        is one, whatever the seed).
    min_entropy : float, default=0.8
        Least H(Y) in bits of a circuit that is kept, in [0, 1].

    Returns
    -------
    circuits : generator of (seed, circuit, table)
        One triple per seed kept, until the seeds run out at 2**32 (then
        it stops). The arguments are checked at the call; the circuits are
        drawn as the generator is read.

        - ``seed``: int, the circuit's ``random_state``;
        - ``circuit``: Bunch, as returned by :func:`make_boolean_circuit`;
        - ``table``: DataFrame, its :func:`subset_information`
          (``table.attrs["target_entropy"]`` is H(Y)).

    Examples
    --------
    >>> from itertools import islice
    >>> from skdib.datasets import iter_boolean_circuits
    >>> [seed for seed, _, _ in islice(iter_boolean_circuits(1000, n_inputs=4), 3)]
    [1001, 1002, 1004]
    """
    start_seed = check_positive_int(start_seed, "start_seed", minimum=0)
    if start_seed >= _SEED_LIMIT:
        raise ValueError(f"start_seed must be below 2**32 (numpy's seeds); got "
                         f"{start_seed}.")
    n_inputs = _check_n_inputs(n_inputs, paper=False)
    min_entropy = check_number(min_entropy, "min_entropy", positive=False,
                               unit=" bits")
    if min_entropy > 1:
        raise ValueError("min_entropy must be in [0, 1] bits (the most a 0/1 "
                         f"output carries); got {min_entropy!r}.")
    return _kept_circuits(start_seed, n_inputs, min_entropy)


def _kept_circuits(seed, n_inputs, min_entropy):
    """The generator of :func:`iter_boolean_circuits`, arguments checked.
    H(Y) alone decides; the subset table (2**n_inputs subsets) is computed
    only for the circuits kept."""
    while seed < _SEED_LIMIT:
        circuit = make_boolean_circuit(n_inputs, random_state=seed)
        if target_entropy(circuit.y) >= min_entropy:
            yield seed, circuit, subset_information(circuit.X, circuit.y)
        seed += 1
