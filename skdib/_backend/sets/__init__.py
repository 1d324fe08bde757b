"""Torch code of the set-valued Distributed IB (one shared encoder per
element type, a permutation-invariant decoder, probes of the encoders)."""
