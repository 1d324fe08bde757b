"""Sphinx configuration of the skdib documentation.

Build with ``make -C docs html`` (warnings are errors). Environment switches:

- ``SKDIB_DOCS_NO_GALLERY=1``: do not run the gallery examples (quick build).
- ``SKDIB_EXAMPLES_FAST`` is set to ``1`` here, so examples shrink themselves.
"""

import importlib
import os
from pathlib import Path

import skdib

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"

# Examples read this to use small sizes; set before sphinx-gallery runs them.
os.environ["SKDIB_EXAMPLES_FAST"] = "1"
# One torch thread per process (see the user guide on threads).
os.environ.setdefault("OMP_NUM_THREADS", "1")

project = "skdib"
author = "the skdib developers"
copyright = "the skdib developers"
version = release = skdib.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "README.md", "**.ipynb_checkpoints",
                    "sg_execution_times.rst"]
nitpicky = False

# -- API reference ------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

# Docstrings that write absolute values as |x| (skdib/compare/_methods.py) read
# as reST substitutions; define them to print literally. Harmless once the
# docstrings escape the bars.
rst_epilog = "\n".join(
    f".. |{word}| replace:: \\|{word}\\|" for word in ("coefficient", "SHAP value"))

# No network at build time: no intersphinx inventories are downloaded.
intersphinx_mapping = {}

# Optional API pages (docs/api/<name>.rst): each is built only when what it
# documents imports, so the docs build while those parts are still in progress.
OPTIONAL_API = {
    "plotting": ["skdib.plotting"],
    "compare": ["skdib.compare"],
    "featurizers": ["skdib.featurizers"],
    "selection": ["skdib:DistributedIBSelector",
                  "skdib:InformationImbalanceSelector",
                  "skdib:information_imbalance"],
}


def _available(target):
    module, _, name = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return False
    return not name or hasattr(mod, name)


MISSING_API = sorted(page for page, targets in OPTIONAL_API.items()
                     if not all(map(_available, targets)))
exclude_patterns += [f"api/{page}.rst" for page in MISSING_API]


def _skip_foreign_member(app, what, name, obj, skip, options):
    """Document only members defined in skdib, not inherited scikit-learn ones."""
    if skip or what != "class":
        return None
    func = getattr(obj, "fget", obj)
    module = getattr(func, "__module__", None) or ""
    if module and not module.startswith("skdib"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_member)


# -- Gallery -------------------------------------------------------------------
HAS_GALLERY_HEADER = any(
    (EXAMPLES / f"{stem}.{ext}").is_file()
    for stem in ("GALLERY_HEADER", "README") for ext in ("rst", "txt"))

if HAS_GALLERY_HEADER:
    extensions.append("sphinx_gallery.gen_gallery")
    sphinx_gallery_conf = {
        "examples_dirs": ["../examples"],
        "gallery_dirs": ["auto_examples"],
        "filename_pattern": r"/plot_",
        "backreferences_dir": "gen_modules/backreferences",
        "doc_module": ("skdib",),
        "reference_url": {"skdib": None},
        "download_all_examples": False,
        "remove_config_comments": True,
        "within_subsection_order": "FileNameSortKey",
        # no sg_execution_times.rst in the (tracked) source folder
        "write_computation_times": False,
    }
    if os.environ.get("SKDIB_DOCS_NO_GALLERY") == "1":
        sphinx_gallery_conf["plot_gallery"] = False
else:
    # No examples/GALLERY_HEADER.rst (or README.txt) yet: a placeholder page in
    # the git-ignored output folder keeps the toctree valid.
    (HERE / "auto_examples").mkdir(exist_ok=True)
    (HERE / "auto_examples" / "index.rst").write_text(
        "Gallery\n=======\n\nThe example gallery is built from ``examples/`` "
        "once it has a ``GALLERY_HEADER.rst``.\n")

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skdib {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
