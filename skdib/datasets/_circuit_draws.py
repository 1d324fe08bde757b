"""Random circuits in seed order, kept when their output carries enough."""

from numbers import Integral, Real

from skdib.datasets._boolean import make_boolean_circuit
from skdib.datasets._subsets import subset_information

__all__ = ["iter_boolean_circuits"]


def iter_boolean_circuits(start_seed=0, *, n_inputs=10, min_entropy=0.8):
    """Random circuits from consecutive seeds whose output carries ``min_entropy``.

    Seeds ``start_seed``, ``start_seed + 1``, ... each draw a circuit with
    :func:`make_boolean_circuit`; those whose output entropy H(Y) is below
    ``min_entropy`` bits (nearly constant outputs) are passed over. This is
    how the tests and benchmarks name a set of circuits: by its first seed.

    Parameters
    ----------
    start_seed : int, default=0
        The first seed tried.
    n_inputs : int, default=10
        Inputs of every circuit.
    min_entropy : float, default=0.8
        Least H(Y) in bits of a circuit that is kept.

    Yields
    ------
    seed : int
        The circuit's ``random_state``.
    circuit : Bunch
        As returned by :func:`make_boolean_circuit`.
    table : DataFrame
        Its :func:`subset_information` (``table.attrs["target_entropy"]`` is
        H(Y)).

    Examples
    --------
    >>> from itertools import islice
    >>> from skdib.datasets import iter_boolean_circuits
    >>> [seed for seed, _, _ in islice(iter_boolean_circuits(1000, n_inputs=4), 3)]
    [1001, 1002, 1004]
    """
    if not isinstance(start_seed, Integral) or start_seed < 0:
        raise ValueError(f"start_seed must be an int >= 0, got {start_seed!r}.")
    if not isinstance(min_entropy, Real) or not 0 <= min_entropy <= 1:
        raise ValueError(f"min_entropy must be in [0, 1] bits, got {min_entropy!r}.")
    seed = int(start_seed)
    while True:
        circuit = make_boolean_circuit(n_inputs, random_state=seed)
        table = subset_information(circuit.X, circuit.y)
        if table.attrs["target_entropy"] >= min_entropy:
            yield seed, circuit, table
        seed += 1
