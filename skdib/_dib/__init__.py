"""The Distributed IB estimators and their information path (no torch here).

Public names are re-exported from :mod:`skdib`; import them from there.
"""
