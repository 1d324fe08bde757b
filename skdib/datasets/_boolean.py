"""Random Boolean circuits: a binary tree of 2-input gates and its truth table."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = ["draw_boolean_circuit", "make_boolean_circuit"]

_GATE_FUNCTIONS = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "nand": lambda a, b: 1 - (a & b),
    "nor": lambda a, b: 1 - (a | b),
    "xnor": lambda a, b: 1 - (a ^ b),
}
_GATE_COLORS = {
    "and": "#9ecae1",
    "or": "#a1d99b",
    "xor": "#fdae6b",
    "nand": "#c6dbef",
    "nor": "#c7e9c0",
    "xnor": "#fdd0a2",
}
_MIN_INPUTS, _MAX_INPUTS = 2, 20


def _check_gates(gates):
    if isinstance(gates, str):
        gates = (gates,)
    try:
        gates = tuple(gates)
    except TypeError:
        raise TypeError(
            f"gates must be a sequence of gate names, got {type(gates).__name__}."
        ) from None
    if not gates:
        raise ValueError("gates is empty; give at least one gate name.")
    valid = sorted(_GATE_FUNCTIONS)
    normalised = []
    for gate in gates:
        name = gate.lower() if isinstance(gate, str) else gate
        if name not in _GATE_FUNCTIONS:
            raise ValueError(f"Unknown gate {gate!r}; valid gates are {valid}.")
        normalised.append(name)
    return tuple(normalised)


def _check_n_inputs(n_inputs, *, paper=True):
    """``n_inputs`` as an int in [2, 20]; ``paper``: whether the caller also
    takes ``"paper"`` (which it handles itself), for the messages."""
    if not paper and isinstance(n_inputs, str) and n_inputs == "paper":
        raise ValueError(
            'n_inputs="paper" is one fixed circuit, the same for every seed; '
            'use make_boolean_circuit("paper"), or give a number of inputs in '
            f"[{_MIN_INPUTS}, {_MAX_INPUTS}].")
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, Integral):
        kinds = 'an int or "paper"' if paper else "an int"
        raise TypeError(f"n_inputs must be {kinds}; got {n_inputs!r}.")
    if not _MIN_INPUTS <= n_inputs <= _MAX_INPUTS:
        raise ValueError(
            f"n_inputs must be in [{_MIN_INPUTS}, {_MAX_INPUTS}]; got {n_inputs}."
        )
    return int(n_inputs)


def _truth_table(n_inputs):
    """All 2**n rows; row r holds the binary digits of r, x0 most significant."""
    rows = np.arange(2**n_inputs)[:, None]
    shifts = np.arange(n_inputs - 1, -1, -1)
    return ((rows >> shifts) & 1).astype(np.int64)


def _random_tree(feature_names, gates, rng):
    """Merge two random nodes of the pool with a random gate until one is left."""
    pool = [feature_names[i] for i in rng.permutation(len(feature_names))]
    nodes = []
    while len(pool) > 1:
        i, j = rng.choice(len(pool), size=2, replace=False)
        left, right = pool[i], pool[j]
        for index in sorted((i, j), reverse=True):
            pool.pop(index)
        gate = {
            "id": f"g{len(nodes)}",
            "type": gates[rng.randint(len(gates))],
            "inputs": (left, right),
        }
        nodes.append(gate)
        pool.append(gate["id"])
    return nodes


# The circuit of the Boolean figure of the Distributed IB paper: inputs x0..x9,
# nodes numbered from 10 in order; the output is y = AND(n17, n16).
_PAPER_GATES = (
    ("n10", "or", ("x0", "x1")),
    ("n11", "xor", ("x8", "x7")),
    ("n12", "and", ("x4", "x3")),
    ("n13", "or", ("n11", "x5")),
    ("n14", "xor", ("x6", "n12")),
    ("n15", "xor", ("n13", "x9")),
    ("n16", "or", ("n14", "n10")),
    ("n17", "and", ("n15", "x2")),
    ("y", "and", ("n17", "n16")),
)


def _paper_tree():
    return [{"id": i, "type": t, "inputs": inputs} for i, t, inputs in _PAPER_GATES]


def _evaluate(gates, X, feature_names):
    values = {name: X[:, j] for j, name in enumerate(feature_names)}
    for gate in gates:
        a, b = (values[name] for name in gate["inputs"])
        values[gate["id"]] = _GATE_FUNCTIONS[gate["type"]](a, b)
    return values[gates[-1]["id"]]


def _expression(node, by_id):
    gate = by_id.get(node)
    if gate is None:
        return node
    left, right = (_expression(child, by_id) for child in gate["inputs"])
    return f"{gate['type']}({left}, {right})"


def _input_depth(gates, feature_names):
    """Number of gates on the route from each input to the output."""
    depth = {gates[-1]["id"]: 1}
    for gate in reversed(gates):
        for child in gate["inputs"]:
            depth[child] = depth[gate["id"]] + 1
    return np.array([depth[name] - 1 for name in feature_names])


def make_boolean_circuit(n_inputs=10, *, gates=("and", "or", "xor"),
                         random_state=None):
    """Make a random Boolean circuit and its full truth table.

    The circuit is a random binary tree of 2-input gates: starting from the
    inputs, two nodes drawn at random are joined by a gate drawn at random from
    ``gates`` until a single node, the output ``y``, is left. Every input is a
    leaf exactly once, as in the circuits of Fig. 2 of the Distributed IB paper
    and Fig. 1 / Fig. S1 of the information-decomposition paper. With a uniform
    distribution over the inputs, the truth table is the joint distribution of
    inputs and output, so subset information can be computed exactly with
    :func:`subset_information`.

    Parameters
    ----------
    n_inputs : int or "paper", default=10
        Number of binary inputs, in [2, 20]. The circuit has ``n_inputs - 1``
        gates. ``"paper"`` gives the fixed 10-input circuit of the Boolean
        figure of the Distributed IB paper (``gates`` and ``random_state`` are
        then unused): n10 = OR(x0, x1), n11 = XOR(x8, x7), n12 = AND(x4, x3),
        n13 = OR(n11, x5), n14 = XOR(x6, n12), n15 = XOR(n13, x9),
        n16 = OR(n14, n10), n17 = AND(n15, x2), y = AND(n17, n16).
    gates : sequence of str, default=("and", "or", "xor")
        Gate types to draw from, uniformly (repeat a name to weight it). Valid
        names: "and", "or", "xor", "nand", "nor", "xnor".
    random_state : int, RandomState instance or None, default=None
        Seed for the tree shape and the gate types.

    Returns
    -------
    circuit : :class:`~sklearn.utils.Bunch`
        - ``X`` (also ``data``): int ndarray of shape (2**n_inputs, n_inputs),
          the truth table. Row ``r`` holds the binary digits of ``r`` with
          ``x0`` the most significant bit (the order of
          ``itertools.product([0, 1], repeat=n_inputs)``).
        - ``y`` (also ``target``): int ndarray of shape (2**n_inputs,), 0/1.
        - ``feature_names``: list ``["x0", "x1", ...]``.
        - ``gates``: list of dicts with keys ``"id"`` (``"g0"``, ...; the
          paper's circuit keeps the paper's names ``"n10"``, ..., ``"y"``),
          ``"type"`` and ``"inputs"`` (a pair of input or gate ids), in an order
          where every gate comes after the gates it reads; the last gate is
          the output.
        - ``expression``: the nested expression of the output, such as
          ``"xor(and(x3, x7), x1)"``.
        - ``description``: the expression followed by one line per gate.
        - ``input_depth``: int ndarray of shape (n_inputs,), the number of
          gates between each input and the output.

    See Also
    --------
    draw_boolean_circuit : Draw the circuit as a tree.
    subset_information : Exact information of every subset of inputs.

    Examples
    --------
    >>> from skdib.datasets import make_boolean_circuit
    >>> circuit = make_boolean_circuit(4, gates=["xor"], random_state=0)
    >>> circuit.X.shape, circuit.y.shape
    ((16, 4), (16,))
    >>> int(circuit.y.sum())  # a 4-input parity is 1 on half the table
    8
    >>> len(circuit.gates)
    3
    >>> make_boolean_circuit("paper").expression
    'and(and(xor(or(xor(x8, x7), x5), x9), x2), or(xor(x6, and(x4, x3)), or(x0, x1)))'
    """
    if isinstance(n_inputs, str) and n_inputs == "paper":
        n_inputs, nodes = 10, _paper_tree()
        feature_names = [f"x{j}" for j in range(n_inputs)]
    else:
        n_inputs = _check_n_inputs(n_inputs)
        gates = _check_gates(gates)
        rng = check_random_state(random_state)
        feature_names = [f"x{j}" for j in range(n_inputs)]
        nodes = _random_tree(feature_names, gates, rng)
    X = _truth_table(n_inputs)
    y = _evaluate(nodes, X, feature_names).astype(np.int64)
    by_id = {gate["id"]: gate for gate in nodes}
    expression = _expression(nodes[-1]["id"], by_id)
    lines = [f"y = {expression}"]
    lines += [f"{g['id']} = {g['type']}({', '.join(g['inputs'])})" for g in nodes]
    if nodes[-1]["id"] != "y":  # the paper's circuit names its output y
        lines.append(f"y = {nodes[-1]['id']}")
    return Bunch(
        X=X,
        y=y,
        data=X,
        target=y,
        feature_names=feature_names,
        gates=nodes,
        expression=expression,
        description="\n".join(lines),
        input_depth=_input_depth(nodes, feature_names),
    )


def _tree_layout(gates, feature_names):
    """(x, level) per node: leaves left to right in tree order, gates above."""
    by_id = {gate["id"]: gate for gate in gates}
    position, level, leaves = {}, {}, []

    def place(node):
        gate = by_id.get(node)
        if gate is None:
            position[node], level[node] = float(len(leaves)), 0
            leaves.append(node)
            return
        for child in gate["inputs"]:
            place(child)
        left, right = gate["inputs"]
        position[node] = (position[left] + position[right]) / 2
        level[node] = 1 + max(level[left], level[right])

    place(gates[-1]["id"])
    missing = set(feature_names) - set(position)
    if missing:
        raise ValueError(f"The gates do not use the inputs {sorted(missing)}.")
    return position, level


def draw_boolean_circuit(circuit, ax=None):
    """Draw a Boolean circuit as a tree, inputs at the bottom, output on top.

    Parameters
    ----------
    circuit : Bunch or dict
        A circuit from :func:`make_boolean_circuit` (it needs the keys
        ``"gates"`` and ``"feature_names"``).
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    ax : matplotlib Axes
        The axes, with one text label per input, one per gate (its type in
        capitals) and one for the output ``y``: ``2 * n_inputs`` labels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdib.datasets import draw_boolean_circuit, make_boolean_circuit
    >>> ax = draw_boolean_circuit(make_boolean_circuit(5, random_state=0))
    >>> len(ax.texts)
    10
    """
    try:
        gates, feature_names = circuit["gates"], list(circuit["feature_names"])
    except (KeyError, TypeError, IndexError):  # IndexError: an array
        raise TypeError(
            "circuit must be the Bunch returned by make_boolean_circuit (with "
            "'gates' and 'feature_names')."
        ) from None
    if not gates:
        raise ValueError("The circuit has no gates.")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(max(4.0, 0.7 * len(feature_names)), 4.0))
    position, level = _tree_layout(gates, feature_names)
    for gate in gates:
        for child in gate["inputs"]:
            ax.plot([position[child], position[gate["id"]]],
                    [level[child], level[gate["id"]]], color="0.4", lw=1, zorder=1)
    root = gates[-1]["id"]
    top = level[root] + 1
    ax.plot([position[root]] * 2, [level[root], top], color="0.4", lw=1, zorder=1)
    box = {"boxstyle": "round,pad=0.3", "edgecolor": "0.3"}
    for name in feature_names:
        ax.text(position[name], 0, name, ha="center", va="center", zorder=2,
                bbox={**box, "facecolor": "white"})
    for gate in gates:
        ax.text(position[gate["id"]], level[gate["id"]], gate["type"].upper(),
                ha="center", va="center", zorder=2, fontsize="small",
                bbox={**box, "facecolor": _GATE_COLORS.get(gate["type"], "0.9")})
    ax.text(position[root], top, "y", ha="center", va="center", zorder=2,
            bbox={**box, "facecolor": "0.85"})
    ax.set_xlim(-0.7, len(feature_names) - 0.3)
    ax.set_ylim(-0.6, top + 0.6)
    ax.set_axis_off()
    return ax
