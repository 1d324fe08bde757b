"""
Approximating an image one bit at a time
========================================

Fig. 3 of the Distributed IB paper: the colour of a pixel is predicted from
its position, and the position is broken into components, each compressed by
its own channel. Sweeping β gives a sequence of ever coarser approximations
of the image, and the decomposition decides what the coarse versions look
like: with the horizontal and vertical coordinates ("xy") they are made of
rectangles; with projections on three axes at 0, 60 and 120 degrees they are
made of triangles and hexagons.

The colour is three-dimensional, so the relevance term is the InfoNCE loss
(``head='infonce'``): colours and positions are embedded in a shared space and
each pixel is reconstructed as the codebook colour closest to its position's
embedding, as in Appendix A of the paper. The image is one of
scikit-learn's bundled sample images, shrunk to a few thousand pixels.

Set ``SKDIB_EXAMPLES_FAST=1`` to run a tiny version (a few seconds).
"""

# %%
# The task
# --------
import os

import matplotlib.pyplot as plt
import numpy as np

from skdib import DistributedIBRegressor
from skdib.datasets import load_image_task
from skdib.plotting import plot_information_plane

FAST = os.environ.get("SKDIB_EXAMPLES_FAST") == "1"
shape = (12, 18) if FAST else (40, 60)
decompositions = {"xy": None, "projections": 3}
settings = dict(
    # network encoders for the coordinates: at 40 x 60 pixels they have few
    # enough values for 'auto' to give them lookup tables, which would
    # ignore the Fourier features and keep every pixel apart
    head="infonce", discrete_encoder="mlp", fourier_frequencies=4,
    encoder_hidden=(64, 64),
    embedding_dim=8, decoder_hidden=(128, 128), beta_start=1e-3, beta_end=1.0,
    n_pretrain_steps=20 if FAST else 300, n_steps=100 if FAST else 2000,
    n_checkpoints=6 if FAST else 20, learning_rate=2e-3, validation_fraction=0.1,
    random_state=0,
)

# %%
# Fit one path per decomposition
# ------------------------------
# ``load_image_task`` returns the derived columns and the matching
# ``feature_groups`` (one channel per component).
fits, tasks = {}, {}
for name, n_components in decompositions.items():
    task = load_image_task("china", shape=shape, decomposition=name,
                           n_components=n_components)
    est = DistributedIBRegressor(feature_groups=task.feature_groups, **settings)
    fits[name], tasks[name] = est.fit(task.data, task.target), task
    print(f"{name:>12}: {len(task.feature_groups)} channels, "
          f"fit in {est.fit_time_:.1f} s")

# %%
# The information planes
# ----------------------
# The InfoNCE loss on the validation pixels along the β sweep, with the bits
# of each component (a log scale in β). At the smallest β the estimates run
# above log2(2400) ≈ 11.2 bits, more than a pixel's position holds: there the
# InfoNCE lower bound saturates (``bounds_saturated``), the shaded interval
# runs up to the KL, and its midpoint, the plotted estimate, says only that
# the channel keeps at least the lower bound. On a bits axis those points
# would crush the rest. The training loss is left out: an InfoNCE loss grows
# with the log of the number of rows scored together, and the training loss
# is scored on more rows. At full settings the xy fit ends with a
# ``BetaRangeWarning`` (its channels still carry about 0.14 bits at
# ``beta_end``): the path stops just before the last bits drop out, which
# matters for ranking channels but not here, where the approximations shown
# go down to 2 bits.
fig, axes = plt.subplots(1, len(fits), figsize=(11, 3.8))
for ax, (name, est) in zip(axes, fits.items(), strict=True):
    plot_information_plane(est, ax=ax, x="beta")
    ax.set_title(name)
fig.tight_layout()

# %%
# The approximations along the path
# ---------------------------------
# Four path points per decomposition, from nearly all the information to a
# few bits in total. The titles give the bits kept from each component; where
# the estimate's interval is saturated they give its lower bound ("≥").
n_shown = 4


def bits_title(path, point):
    """Bits per channel; where the interval is saturated, its lower bound."""
    mid = path.information[point]
    low = mid if path.information_lower is None else path.information_lower[point]
    saturated = (np.zeros(len(mid), bool) if path.bounds_saturated is None
                 else path.bounds_saturated[point])
    return " + ".join(f"≥ {lo:.1f}" if sat else f"{m:.1f}"
                      for m, lo, sat in zip(mid, low, saturated, strict=True)) + " bits"


fig, axes = plt.subplots(len(fits), n_shown + 1,
                         figsize=(2.4 * (n_shown + 1), 1.9 * len(fits)))
for row, (name, est) in enumerate(fits.items()):
    task = tasks[name]
    axes[row, 0].imshow(task.image)
    axes[row, 0].set_ylabel(name)
    axes[row, 0].set_title("original", fontsize="small")
    path = est.information_path_
    targets = np.geomspace(path.total_information.max(), 2.0, n_shown)
    for col, total in enumerate(targets, start=1):
        est.set_path_point(total_information=total)
        image = est.predict(task.data).reshape(*task.image_shape, 3)
        point = est.path_point_
        axes[row, col].imshow(np.clip(image, 0, 1))
        axes[row, col].set_title(bits_title(path, point), fontsize="small")
    est.set_path_point()
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()
