"""Boolean circuits, exact subset information and the path subset score."""

import itertools
import math
import re
from collections import Counter
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

from skdib.datasets import (
    _subsets,
    draw_boolean_circuit,
    information_frontier,
    iter_boolean_circuits,
    make_boolean_circuit,
    path_subset_score,
    subset_information,
)

matplotlib.use("Agg")

GATE_OPS = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "nand": lambda a, b: 1 - (a & b),
    "nor": lambda a, b: 1 - (a | b),
    "xnor": lambda a, b: 1 - (a ^ b),
}


def entropy(values):
    counts = Counter(values)
    n = sum(counts.values())
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def brute_information(X, y, subset):
    """H(Y) + H(X_S) - H(X_S, Y) with plain Python counting."""
    rows = [tuple(row[j] for j in subset) for row in X.tolist()]
    return entropy(list(y)) + entropy(rows) - entropy(list(zip(rows, y, strict=True)))


def evaluate_gates(circuit):
    values = {name: circuit.X[:, j] for j, name in enumerate(circuit.feature_names)}
    for gate in circuit.gates:
        a, b = (values[name] for name in gate["inputs"])
        values[gate["id"]] = GATE_OPS[gate["type"]](a, b)
    return values[circuit.gates[-1]["id"]]


def evaluate_expression(expression, X):
    python = re.sub(r"\b(and|or|xor|nand|nor|xnor)\(", r"op_\1(", expression)
    scope = {f"op_{name}": op for name, op in GATE_OPS.items()}
    scope.update({f"x{j}": X[:, j] for j in range(X.shape[1])})
    return eval(python, {"__builtins__": {}}, scope)


@pytest.fixture(scope="module")
def circuit10():
    return make_boolean_circuit(10, random_state=3)


@pytest.fixture(scope="module")
def table10(circuit10):
    return subset_information(circuit10.X, circuit10.y)


@pytest.mark.parametrize("n_inputs, seed", [(3, 0), (4, 1), (5, 2), (6, 3), (6, 4)])
def test_subset_information_matches_brute_force(n_inputs, seed):
    circuit = make_boolean_circuit(n_inputs, random_state=seed)
    table = subset_information(circuit.X, circuit.y)
    assert len(table) == 2**n_inputs
    for row in table.itertuples():
        expected = brute_information(circuit.X, circuit.y, row.subset)
        assert row.information == pytest.approx(expected, abs=1e-12)
        assert row.size == len(row.subset)
        assert row.mask == sum(1 << j for j in row.subset)


def test_subset_information_non_binary_table():
    rng = np.random.default_rng(0)
    X = np.column_stack([
        rng.integers(0, 3, 150), rng.integers(0, 4, 150),
        rng.integers(0, 2, 150), rng.integers(5, 10, 150),
    ])
    noise = rng.integers(0, 3, 150)
    y = np.where(rng.random(150) < 0.8, (X[:, 0] + X[:, 1]) % 3, noise)
    table = subset_information(X, y)
    for row in table.itertuples():
        assert row.information == pytest.approx(
            brute_information(X, y, row.subset), abs=1e-10
        )
    assert table.attrs["target_entropy"] == pytest.approx(entropy(list(y)))


def test_subset_information_string_columns_and_names():
    frame = pd.DataFrame({"colour": ["r", "g", "b", "r", "g", "b"],
                          "size": [1, 1, 2, 2, 1, 2]})
    y = np.array(["a", "b", "b", "a", "b", "b"])
    table = subset_information(frame, y)
    assert table.loc[1, "features"] == ("colour",)
    assert table.loc[3, "features"] == ("colour", "size")
    assert table.loc[1, "information"] == pytest.approx(
        brute_information(frame.to_numpy(), y, (0,))
    )


def test_subset_information_chunks_agree(monkeypatch):
    circuit = make_boolean_circuit(7, random_state=5)
    whole = subset_information(circuit.X, circuit.y)["information"].to_numpy()
    monkeypatch.setattr(_subsets, "_CHUNK_ELEMENTS", 3 * 2**7)
    chunked = subset_information(circuit.X, circuit.y)["information"].to_numpy()
    np.testing.assert_allclose(chunked, whole, atol=1e-12)


def test_xor_of_two_inputs():
    circuit = make_boolean_circuit(2, gates=["xor"], random_state=0)
    table = subset_information(circuit.X, circuit.y)
    info = dict(zip(table["subset"], table["information"], strict=True))
    assert info[(0,)] == pytest.approx(0.0, abs=1e-12)
    assert info[(1,)] == pytest.approx(0.0, abs=1e-12)
    assert info[(0, 1)] == pytest.approx(1.0)


def test_full_subset_carries_entropy_of_y(circuit10, table10):
    p = circuit10.y.mean()
    h_y = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    full = table10.loc[table10["size"] == 10, "information"].item()
    assert full == pytest.approx(h_y, abs=1e-12)
    assert table10.loc[0, "information"] == 0.0


def test_frontier_is_monotone_and_attained(table10):
    frontier = information_frontier(table10)
    assert list(frontier.index) == list(range(11))
    assert np.all(np.diff(frontier["information"].to_numpy()) >= -1e-12)
    for size, row in frontier.iterrows():
        same_size = table10[table10["size"] == size]
        assert row["information"] == pytest.approx(same_size["information"].max())
        best = same_size[same_size["information"] >= row["information"] - 1e-9]
        assert set(row["subsets"]) == set(best["subset"])
        assert row["n_subsets"] == len(best) == len(row["masks"])


def test_truth_table_rows(circuit10):
    X = circuit10.X
    assert X.shape == (1024, 10)
    assert set(np.unique(X)) == {0, 1}
    assert len({tuple(row) for row in X.tolist()}) == 1024
    np.testing.assert_array_equal(
        X, np.array(list(itertools.product([0, 1], repeat=10)))
    )
    assert circuit10.feature_names == [f"x{j}" for j in range(10)]


def test_circuit_structure_and_evaluation(circuit10):
    gates = circuit10.gates
    assert len(gates) == 9
    leaves = [name for g in gates for name in g["inputs"] if name.startswith("x")]
    assert sorted(leaves) == sorted(circuit10.feature_names)
    assert {g["type"] for g in gates} <= {"and", "or", "xor"}
    np.testing.assert_array_equal(evaluate_gates(circuit10), circuit10.y)
    np.testing.assert_array_equal(
        evaluate_expression(circuit10.expression, circuit10.X), circuit10.y
    )
    assert circuit10.description.splitlines()[0] == f"y = {circuit10.expression}"
    assert len(circuit10.description.splitlines()) == len(gates) + 2


def test_input_depth_counts_gates_to_output(circuit10):
    parent = {c: g["id"] for g in circuit10.gates for c in g["inputs"]}
    for j, name in enumerate(circuit10.feature_names):
        n_gates, node = 0, name
        while node in parent:
            node, n_gates = parent[node], n_gates + 1
        assert circuit10.input_depth[j] == n_gates


def test_negated_gates_evaluate():
    circuit = make_boolean_circuit(6, gates=("nand", "nor", "xnor"), random_state=2)
    assert {g["type"] for g in circuit.gates} <= {"nand", "nor", "xnor"}
    np.testing.assert_array_equal(evaluate_gates(circuit), circuit.y)


def test_same_seed_same_circuit():
    a = make_boolean_circuit(8, random_state=11)
    b = make_boolean_circuit(8, random_state=11)
    assert a.gates == b.gates
    np.testing.assert_array_equal(a.y, b.y)
    others = [make_boolean_circuit(8, random_state=s).expression for s in range(5)]
    assert len(set(others)) > 1


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_inputs": 1}, ValueError, r"\[2, 20\]"),
    ({"n_inputs": 21}, ValueError, r"\[2, 20\]"),
    ({"n_inputs": 3.0}, TypeError, "int"),
    ({"gates": ("and", "maybe")}, ValueError, "valid gates are .*'nand'"),
    ({"gates": ()}, ValueError, "empty"),
])
def test_make_boolean_circuit_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_boolean_circuit(**{"n_inputs": 4, **kwargs})


def test_subset_information_bad_input():
    with pytest.raises(ValueError, match="1 to 20 features"):
        subset_information(np.zeros((4, 21), dtype=int), np.zeros(4))
    with pytest.raises(ValueError, match="2-D"):
        subset_information(np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="same"):
        subset_information(np.zeros((4, 2)), np.zeros(3))


def _frontier_path(table, frontier, sizes):
    n_features = table.attrs["n_features"]
    rows = []
    for size in sizes:
        row = np.zeros(n_features)
        row[list(frontier.loc[size, "subsets"][0])] = 0.9
        rows.append(row)
    return np.array(rows)


def test_path_of_frontier_subsets_scores_one(table10):
    frontier = information_frontier(table10)
    bits = _frontier_path(table10, frontier, range(10, -1, -1))
    bits = np.vstack([bits, bits[:2], np.full((1, 10), 0.01)])  # repeats, idle
    path = SimpleNamespace(information=bits)
    assert path_subset_score(path, table10) == 1.0
    score, details = path_subset_score(path, table10, return_details=True)
    assert score == 1.0
    assert len(details) == 10  # distinct non-empty subsets
    assert details["on_frontier"].all()
    assert list(details["size"]) == list(range(10, 0, -1))
    assert details["proper"].tolist() == [False] + [True] * 9
    assert details.attrs["outcome"] == "scored"


def test_only_proper_subsets_count(table10):
    frontier = information_frontier(table10)
    full = np.ones((1, 10))
    worse = table10[(table10["size"] == 3) & (
        table10["information"] < frontier.loc[3, "information"] - 1e-6)]
    miss = np.zeros((1, 10))
    miss[0, list(worse["subset"].iloc[0])] = 0.5
    # all inputs, then a sub-optimal triple: the full set does not lift it
    score, details = path_subset_score(np.vstack([full, miss]), table10,
                                       return_details=True)
    assert score == 0.0 and details.attrs["outcome"] == "scored"
    # all inputs, then none: no proper subset, which is not a miss
    score, details = path_subset_score(np.vstack([full, np.zeros((1, 10))]),
                                       table10, return_details=True)
    assert np.isnan(score)
    assert details.attrs["outcome"] == "no proper subset"
    assert details["proper"].tolist() == [False]


def test_path_with_wrong_subsets_gives_fraction(table10):
    frontier = information_frontier(table10)
    good = _frontier_path(table10, frontier, [1, 2, 3])
    worse = table10[
        table10["information"]
        < table10["size"].map(frontier["information"]) - 1e-6
    ]
    bad = np.zeros((2, 10))
    for row, subset in zip(bad, worse["subset"].iloc[:2], strict=True):
        row[list(subset)] = 0.5
    score, details = path_subset_score(np.vstack([good, bad]), table10,
                                       return_details=True)
    assert score == pytest.approx(3 / 5)
    assert details["on_frontier"].tolist() == [True] * 3 + [False] * 2
    assert (details["information"] <= details["max_information"]).all()


def test_path_threshold_and_errors(table10):
    bits = np.zeros((3, 10))
    bits[:, 0] = 0.2
    with pytest.warns(UserWarning, match="NaN"):
        assert np.isnan(path_subset_score(bits, table10, threshold=0.3))
    assert path_subset_score(bits, table10, threshold=0.1) == pytest.approx(
        float(table10.loc[1, "information"]
              >= information_frontier(table10).loc[1, "information"] - 1e-9)
    )
    with pytest.raises(ValueError, match="10 features"):
        path_subset_score(np.zeros((3, 4)), table10)
    with pytest.raises(ValueError, match="2-D"):
        path_subset_score(np.zeros(10), table10)
    for bad in (-1, True):  # True is a bool, not a number of bits
        with pytest.raises(ValueError, match="threshold"):
            path_subset_score(bits, table10, threshold=bad)
    with pytest.raises(TypeError, match="subset_information"):
        path_subset_score(bits, table10[["mask", "information"]])


def test_draw_boolean_circuit_labels(circuit10):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    returned = draw_boolean_circuit(circuit10, ax=ax)
    assert returned is ax
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 2 * 10
    expected = (circuit10.feature_names
                + [g["type"].upper() for g in circuit10.gates] + ["y"])
    assert sorted(labels) == sorted(expected)
    plt.close(fig)
    new_ax = draw_boolean_circuit(make_boolean_circuit(3, random_state=0))
    assert len(new_ax.texts) == 6
    plt.close(new_ax.figure)
    with pytest.raises(TypeError, match="make_boolean_circuit"):
        draw_boolean_circuit({"X": 1})


@pytest.mark.parametrize("circuit", [np.zeros(3), np.zeros((2, 2))])
def test_draw_boolean_circuit_refuses_what_is_no_circuit(circuit):
    # an array was answered with numpy's IndexError about indices
    with pytest.raises(TypeError, match="Bunch returned by make_boolean_circuit"):
        draw_boolean_circuit(circuit)


def test_paper_circuit_matches_its_gates_written_out():
    circuit = make_boolean_circuit("paper")
    x = [circuit.X[:, i] for i in range(10)]
    n10, n11, n12 = x[0] | x[1], x[8] ^ x[7], x[4] & x[3]
    n13, n14 = n11 | x[5], x[6] ^ n12
    n15, n16 = n13 ^ x[9], n14 | n10
    n17 = n15 & x[2]
    np.testing.assert_array_equal(circuit.y, n17 & n16)
    assert circuit.X.shape == (1024, 10)
    assert circuit.input_depth.tolist() == [3, 3, 2, 4, 4, 4, 3, 5, 5, 3]
    # one line for the expression, one per gate (the last one defines y)
    lines = circuit.description.splitlines()
    assert len(lines) == 1 + 9 and lines[-1] == "y = and(n17, n16)"
    import matplotlib.pyplot as plt

    ax = draw_boolean_circuit(circuit)
    assert len(ax.texts) >= 19  # 10 inputs and 9 gates
    plt.close(ax.figure)


def test_circuits_in_seed_order_skip_the_nearly_constant_ones():
    from itertools import islice

    from skdib.datasets import iter_boolean_circuits

    drawn = list(islice(iter_boolean_circuits(1000, n_inputs=4,
                                              min_entropy=0.9), 4))
    seeds = [seed for seed, _, _ in drawn]
    assert seeds == sorted(seeds) and len(set(seeds)) == 4
    for seed in range(seeds[0], seeds[-1] + 1):  # every seed tried, in order
        circuit = make_boolean_circuit(4, random_state=seed)
        entropy = subset_information(circuit.X, circuit.y).attrs["target_entropy"]
        assert (seed in seeds) == (entropy >= 0.9), (seed, entropy)
    seed, circuit, table = drawn[0]
    np.testing.assert_array_equal(
        circuit.y, make_boolean_circuit(4, random_state=seed).y)
    assert table.attrs["target_entropy"] >= 0.9


def test_iter_boolean_circuits_tables_only_the_circuits_kept(monkeypatch):
    from itertools import islice

    from skdib.datasets import _circuit_draws, iter_boolean_circuits

    # the straightforward loop: a table for every seed, H(Y) read from it
    expected, seed = [], 1000
    while len(expected) < 4:
        circuit = make_boolean_circuit(5, random_state=seed)
        table = subset_information(circuit.X, circuit.y)
        if table.attrs["target_entropy"] >= 0.95:
            expected.append((seed, circuit, table))
        seed += 1
    n_tried = seed - 1000
    assert n_tried > 4  # some seeds were passed over
    tabled = []

    def counted(X, y):
        tabled.append(len(y))
        return subset_information(X, y)

    monkeypatch.setattr(_circuit_draws, "subset_information", counted)
    drawn = list(islice(iter_boolean_circuits(1000, n_inputs=5,
                                              min_entropy=0.95), 4))
    assert [s for s, _, _ in drawn] == [s for s, _, _ in expected]
    for (_, circuit, table), (_, circuit0, table0) in zip(drawn, expected,
                                                           strict=True):
        np.testing.assert_array_equal(circuit.y, circuit0.y)
        pd.testing.assert_frame_equal(table, table0)
        assert table.attrs == table0.attrs
    assert len(tabled) == 4  # not one per seed tried (n_tried)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"start_seed": -1}, ValueError, "start_seed must be at least 0"),
    ({"start_seed": True}, TypeError, "start_seed must be an integer"),
    ({"start_seed": 1.0}, TypeError, "start_seed must be an integer"),
    ({"start_seed": 2**32}, ValueError, r"start_seed must be below 2\*\*32"),
    ({"min_entropy": True}, TypeError, "min_entropy must be a number"),
    ({"min_entropy": 2.0}, ValueError, r"min_entropy must be in \[0, 1\]"),
    ({"min_entropy": -0.1}, ValueError, "min_entropy must be a finite number"),
    ({"min_entropy": float("nan")}, ValueError, "min_entropy"),
    # one fixed circuit, below the default min_entropy: the loop never ended
    ({"n_inputs": "paper"}, ValueError, r'make_boolean_circuit\("paper"\)'),
    ({"n_inputs": 1}, ValueError, r"n_inputs must be in \[2, 20\]"),
    ({"n_inputs": 21}, ValueError, r"n_inputs must be in \[2, 20\]"),
    ({"n_inputs": True}, TypeError, "n_inputs must be an int; got True"),
])
def test_iter_boolean_circuits_checks_its_arguments_at_the_call(
        kwargs, error, match):
    from skdib.datasets import iter_boolean_circuits

    with pytest.raises(error, match=match):
        iter_boolean_circuits(**kwargs)  # no next(): refused at the call


def test_the_draws_stop_where_numpy_seeds_end():
    """The last seeds are drawn; past 2**32 - 1 the generator stops instead
    of failing with numpy's seed error."""
    seeds = [seed for seed, _, _ in iter_boolean_circuits(
        2**32 - 3, n_inputs=3, min_entropy=0)]
    assert seeds == [2**32 - 3, 2**32 - 2, 2**32 - 1]
