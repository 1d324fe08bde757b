"""Torch backend of skdib: the only code that imports torch.

Everything outside this package talks to it through :mod:`skdib._backend.facade`
(numpy in, numpy out). No scikit-learn objects live here. The OpenMP wait
policy torch starts with is set in :mod:`skdib` (see ``skdib._quiet_openmp_waits``).
"""
