"""Torch backend of skdib: no scikit-learn objects live here."""
