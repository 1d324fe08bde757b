"""Set-valued inputs: the per-element (per-particle) Distributed IB."""
