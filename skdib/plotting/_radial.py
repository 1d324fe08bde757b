"""Information kept from radial structure functions, drawn against radius."""

import numpy as np

from skdib.plotting._common import as_path, text_label, tick_positions

__all__ = ["plot_radial_allocation"]


def _rdf_curves(rdf, n_types):
    if rdf is None:
        return None
    r, g = (rdf.r, rdf.g) if hasattr(rdf, "g") else rdf
    r = np.asarray(r, dtype=float)
    g = np.atleast_2d(np.asarray(g, dtype=float))
    if g.shape != (n_types, len(r)):
        raise ValueError(
            f"rdf must give one g(r) per type: expected g of shape "
            f"({n_types}, {len(r)}), got {g.shape}.")
    return r, g


def plot_radial_allocation(est_or_path, radii, rdf=None, *, type_names=("A", "B"),
                           center_type="A", cmap="viridis", norm=None,
                           figure=None):
    """Bits kept from each radial structure function, by radius and β.

    One row of panels per neighbour type. Left: a heatmap with the radius on
    the vertical axis and the path's points (β increasing) on the horizontal
    one, so the radii that keep their information longest stand out as the
    bands reaching furthest to the right. Right, sharing the radius axis:
    the partial radial distribution function g(r) of that type, the view of
    Fig. 4 (b, c, e, f) of the Distributed IB paper, where the informative
    radii sit in the troughs of g(r).

    Parameters
    ----------
    est_or_path : fitted estimator or InformationPath
        Fitted on the output of :class:`~skdib.featurizers.RadialStructureFunctions`
        (one channel per structure function, type by type, radius by radius).
    radii : array-like of shape (n_radii,)
        The radii of the structure functions (``RadialStructureFunctions.radii_``).
    rdf : Bunch, tuple (r, g) or None, default=None
        Result of :func:`~skdib.featurizers.radial_distribution`, or a pair of
        ``r`` (n,) and ``g`` (n_types, n). None draws no g(r) panels.
    type_names : sequence of str, default=("A", "B")
        Names of the neighbour types, in channel order.
    center_type : str, default="A"
        Type of the centre particles, for the g(r) labels (g_AA, g_AB, ...).
    cmap : str or Colormap, default="viridis"
    norm : matplotlib Normalize, default=None
        Colour scaling of the bits, shared by all panels; None is linear from
        0 to the largest value. ``matplotlib.colors.PowerNorm(0.5)`` brings out
        the few bits left late in the sweep next to the many early on.
    figure : matplotlib Figure, default=None
        Figure to draw into; a new one is made when None.

    Returns
    -------
    fig : matplotlib Figure
        ``fig.axes[0].images[0]`` holds the first type's (n_radii, n_points)
        array of bits.

    Examples
    --------
    Two types at two radii, so four channels, recorded at two values of β:

    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> from skdib.plotting import plot_radial_allocation
    >>> bits = np.array([[1.0, 0.5, 0.2, 0.0], [0.4, 0.0, 0.1, 0.0]])
    >>> zeros = np.zeros(2)
    >>> path = InformationPath(beta=np.array([1e-3, 1e-1]), kl=bits,
    ...                        information=bits, loss_train=zeros,
    ...                        loss_val=zeros, score_val=zeros,
    ...                        feature_names=("A1", "A2", "B1", "B2"))
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = plot_radial_allocation(path, radii=[1.0, 2.0])
    >>> fig.axes[0].images[0].get_array().tolist()  # type A: radius x point
    [[1.0, 0.4], [0.5, 0.0]]
    """
    import matplotlib.pyplot as plt

    path, _ = as_path(est_or_path)
    radii = np.asarray(radii, dtype=float).ravel()
    info = np.asarray(path.information, dtype=float)
    n_types = len(type_names)
    if info.shape[1] != n_types * len(radii):
        raise ValueError(
            f"The path has {info.shape[1]} channels, but {n_types} types x "
            f"{len(radii)} radii = {n_types * len(radii)} structure functions.")
    curves = _rdf_curves(rdf, n_types)
    blocks = info.T.reshape(n_types, len(radii), -1)
    if figure is None:
        figure = plt.figure(figsize=(8.0 if curves else 6.0, 3.0 * n_types),
                            layout="constrained")
    ncols = 2 if curves else 1
    axes = figure.subplots(n_types, ncols, squeeze=False, sharey=True,
                           gridspec_kw={"width_ratios": [3, 1][:ncols]})
    step = (radii[1] - radii[0]) if len(radii) > 1 else 1.0
    extent = (-0.5, info.shape[0] - 0.5, radii[0] - step / 2, radii[-1] + step / 2)
    if norm is not None:
        # its open ends set by every panel's bits (in place, as matplotlib
        # would), not by the first image drawn with it
        norm.autoscale_None(np.asarray(info, dtype=float))
    scale = ({"norm": norm} if norm is not None
             else {"vmin": 0, "vmax": max(float(np.nanmax(info)), 0.05)})
    ticks = tick_positions(info.shape[0], 6)
    for t, name in enumerate(type_names):
        ax = axes[t, 0]
        image = ax.imshow(blocks[t], aspect="auto", origin="lower", cmap=cmap,
                          interpolation="nearest", extent=extent, **scale)
        ax.set_ylabel(f"radius r of G_{text_label(name)}")
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{path.beta[i]:.0e}" for i in ticks], fontsize="small")
        ax.set_xlabel("β" if t == n_types - 1 else "")
        figure.colorbar(image, ax=ax, pad=0.01, label="bits")
        if curves:
            r, g = curves
            keep = (r >= extent[2]) & (r <= extent[3])
            axes[t, 1].plot(g[t, keep], r[keep], color="black")
            axes[t, 1].axvline(1.0, color="grey", lw=0.8, ls=":")
            axes[t, 1].set_xlabel(text_label(f"g_{center_type}{name}(r)"))
    return figure
