"""The image task (position -> colour) and the binary images of Appendix B."""

import numpy as np
import pytest

from skdib.datasets import load_image_task, make_binary_image

SHAPE = (12, 18)


@pytest.fixture(scope="module")
def xy_task():
    return load_image_task("china", shape=SHAPE)


def test_image_task_shapes_and_ranges(xy_task):
    n_pixels = SHAPE[0] * SHAPE[1]
    assert xy_task.data.shape == (n_pixels, 2)
    assert xy_task.target.shape == (n_pixels, 3)
    assert xy_task.positions.shape == (n_pixels, 2)
    assert xy_task.image.shape == (*SHAPE, 3)
    assert xy_task.image_shape == SHAPE
    assert 0 <= xy_task.target.min() and xy_task.target.max() <= 1
    np.testing.assert_array_equal(xy_task.image.reshape(-1, 3), xy_task.target)
    assert xy_task.target.std() > 0.05  # a real picture, not a constant


def test_positions_are_centred_and_keep_aspect(xy_task):
    pos = xy_task.positions
    np.testing.assert_allclose(pos.mean(axis=0), 0, atol=1e-12)
    height, width = SHAPE
    # the longer side spans [-1, 1]: pixel centres sit half a pixel inside
    assert pos[:, 0].max() == pytest.approx(1 - 1 / width)
    span = pos.max(axis=0) - pos.min(axis=0)
    assert span[0] / span[1] == pytest.approx((width - 1) / (height - 1))
    # row-major from the top left: x grows along a row, y decreases down rows
    assert pos[1, 0] > pos[0, 0] and pos[1, 1] == pos[0, 1]
    assert pos[width, 1] < pos[0, 1]


def test_feature_groups_partition_columns(xy_task):
    for task in (xy_task,
                 load_image_task("flower", shape=SHAPE, decomposition="projections"),
                 load_image_task("flower", shape=SHAPE, decomposition="distances"),
                 load_image_task("flower", shape=SHAPE, decomposition="none")):
        columns = sorted(c for group in task.feature_groups for c in group)
        assert columns == list(range(task.data.shape[1]))
        assert len(task.feature_names) == task.data.shape[1]
        assert len(task.group_names) == len(task.feature_groups)


def test_xy_groups_reproduce_positions(xy_task):
    assert xy_task.feature_groups == [[0], [1]]
    np.testing.assert_array_equal(xy_task.data[:, xy_task.feature_groups[0]],
                                  xy_task.positions[:, [0]])
    np.testing.assert_array_equal(xy_task.data[:, xy_task.feature_groups[1]],
                                  xy_task.positions[:, [1]])
    none = load_image_task("china", shape=SHAPE, decomposition="none")
    assert none.feature_groups == [[0, 1]]
    np.testing.assert_array_equal(none.data, xy_task.positions)


@pytest.mark.parametrize("m", [1, 3, 6])
def test_projections_equal_dot_with_unit_vectors(xy_task, m):
    task = load_image_task("china", shape=SHAPE, decomposition="projections",
                           n_components=m)
    assert task.data.shape == (SHAPE[0] * SHAPE[1], m)
    assert task.feature_groups == [[k] for k in range(m)]
    for k in range(m):
        angle = np.pi * k / m
        unit = np.array([np.cos(angle), np.sin(angle)])
        np.testing.assert_allclose(task.data[:, k], task.positions @ unit,
                                   atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(task.axes, axis=1), 1.0)


@pytest.mark.parametrize("anchors", ["circle", "random",
                                     [[0.0, 0.0], [0.5, -0.2], [-1.0, 1.0]]])
def test_distances_are_euclidean(xy_task, anchors):
    m = 3
    task = load_image_task("china", shape=SHAPE, decomposition="distances",
                           n_components=m, anchors=anchors, random_state=0)
    assert task.anchors.shape == (m, 2)
    for k, (ax, ay) in enumerate(task.anchors):
        expected = [np.hypot(x - ax, y - ay) for x, y in task.positions]
        np.testing.assert_allclose(task.data[:, k], expected, atol=1e-12)
    if anchors == "circle":
        np.testing.assert_allclose(np.linalg.norm(task.anchors, axis=1), 1.0)
    if anchors == "random":
        again = load_image_task("china", shape=SHAPE, decomposition="distances",
                                n_components=m, anchors="random", random_state=0)
        np.testing.assert_array_equal(task.anchors, again.anchors)
        lo, hi = task.positions.min(axis=0), task.positions.max(axis=0)
        assert np.all((task.anchors >= lo) & (task.anchors <= hi))


def test_area_downscale_averages_blocks():
    rng = np.random.default_rng(0)
    image = rng.random((6, 9, 3))
    task = load_image_task(image, shape=(2, 3))
    blocks = image.reshape(2, 3, 3, 3, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(task.image, blocks, atol=1e-12)
    constant = load_image_task(np.full((7, 5, 3), 200, dtype=np.uint8),
                               shape=(3, 4))
    np.testing.assert_allclose(constant.target, 200 / 255)
    full = load_image_task(image, shape=None)
    np.testing.assert_array_equal(full.image, image)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"name": "mona_lisa"}, ValueError, "bundled images"),
    ({"decomposition": "polar"}, ValueError, "valid ones"),
    ({"decomposition": "xy", "n_components": 3}, ValueError, "None or 2"),
    ({"decomposition": "projections", "n_components": 0}, ValueError, ">= 1"),
    ({"shape": (10,)}, ValueError, "height, width"),
    ({"shape": (0, 5)}, ValueError, "positive"),
    ({"name": np.zeros((4, 4))}, ValueError, "RGB"),
    ({"name": np.full((4, 4, 3), 2.0)}, ValueError, r"\[0, 1\]"),
    ({"name": np.full((4, 4, 3), 1000, dtype=np.uint16)}, ValueError,
     r"0\.\.255.*got 1000\.\.1000"),
    ({"decomposition": "distances", "anchors": np.zeros((4, 3))}, ValueError,
     "shape"),
    ({"decomposition": "distances", "anchors": "grid"}, ValueError, "anchors"),
])
def test_image_task_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_image_task(**{"name": "china", "shape": (4, 6), **kwargs})


def _parity(u, n):
    return np.floor(n * (u + 1) / 2).astype(int) % 2


@pytest.mark.parametrize("kind", ["stripes", "checkerboard", "warped_checkerboard"])
def test_cell_images_are_balanced(kind):
    task = make_binary_image(kind, resolution=32, n_cells=4)
    assert task.image.shape == (32, 32)
    assert set(np.unique(task.target)) == {0, 1}
    assert task.target.mean() == 0.5
    np.testing.assert_array_equal(task.image.ravel(), task.target)
    assert task.data.shape == (32 * 32, 2)
    assert np.abs(task.data).max() < 1


def test_checkerboard_parity_of_cells():
    task = make_binary_image("checkerboard", resolution=24, n_cells=6)
    x, y = task.data.T
    np.testing.assert_array_equal(task.target, _parity(x, 6) ^ _parity(y, 6))
    sampled = make_binary_image("checkerboard", n_cells=6, n_samples=500,
                                random_state=0)
    x, y = sampled.data.T
    np.testing.assert_array_equal(sampled.target, _parity(x, 6) ^ _parity(y, 6))
    assert abs(sampled.target.mean() - 0.5) < 0.1


def test_stripes_depend_on_horizontal_only():
    task = make_binary_image("stripes", resolution=20, n_cells=2)
    assert (task.image == task.image[0]).all()  # every row is the same
    assert len(np.unique(task.image[0])) == 2
    x = task.data[:, 0]
    for value in np.unique(x):
        assert len(np.unique(task.target[x == value])) == 1


def test_warped_checkerboard_is_a_warped_checkerboard():
    flat = make_binary_image("checkerboard", resolution=32)
    straight = make_binary_image("warped_checkerboard", resolution=32, warp=0)
    warped = make_binary_image("warped_checkerboard", resolution=32)
    np.testing.assert_array_equal(straight.image, flat.image)
    disagree = (warped.image != flat.image).mean()
    assert 0 < disagree < 0.3


def test_circle_is_radially_symmetric():
    task = make_binary_image("circle", resolution=40, extent=0.5)
    image = task.image
    for same in (np.rot90(image), image.T, image[::-1], image[:, ::-1]):
        np.testing.assert_array_equal(same, image)
    radius = np.linalg.norm(task.data, axis=1)
    assert radius[task.target == 1].max() < radius[task.target == 0].min()
    assert abs(task.target.mean() - 0.5) < 0.03
    assert np.abs(task.data).max() < 0.5


def test_slant_is_a_half_plane():
    task = make_binary_image("slant", resolution=30, angle=60)
    normal = np.array([-np.sin(np.pi / 3), np.cos(np.pi / 3)])
    np.testing.assert_array_equal(task.target, (task.data @ normal > 0).astype(int))
    assert abs(task.target.mean() - 0.5) < 0.03
    vertical = make_binary_image("slant", resolution=10, angle=90)
    assert (vertical.image == vertical.image[0]).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "spiral"}, "valid kinds"),
    ({"n_cells": 3}, "even"),
    ({"resolution": 0}, "resolution"),
    ({"extent": 0.0}, "extent"),
    ({"n_samples": 0}, "n_samples"),
    ({"angle": float("nan")}, "angle"),
])
def test_binary_image_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_binary_image(**{"kind": "checkerboard", **kwargs})
