"""Pickles that say which skdib wrote them and load on any machine.

:class:`PersistenceMixin` gives an estimator a ``__getstate__`` that

* records the skdib version and :data:`PICKLE_FORMAT` (the layout of the
  fitted state), and
* moves the network and every tensor (snapshots, resume state) to the CPU, so
  a model fitted on a GPU unpickles on a machine without one;

a ``__deepcopy__`` that copies the model where it is instead (a copy in the
process has the same devices at hand);

and a ``__setstate__`` that refuses, with a message saying what to do, a
pickle whose format this version cannot read. No torch here: the network is
moved through the facade and other tensors by duck typing (``.device`` and
``.to``).
"""

import copy
import inspect

from skdib._backend import facade
from skdib.exceptions import IncompatiblePickleError

__all__ = ["FIT_RULES", "MIN_PICKLE_FORMAT", "PICKLE_FORMAT",
           "IncompatiblePickleError", "PersistenceMixin", "check_pickle_format",
           "portable_state"]

# The layout of the pickled state. Raise it when a fitted attribute changes
# meaning or shape so that old pickles would mislead; MIN_PICKLE_FORMAT is the
# oldest layout this version still reads. Format 2 (0.2): snapshots coded
# compactly and the network pickled without weights (taken from the snapshot
# of ``path_point_`` on load); format 1 pickles still load.
PICKLE_FORMAT = 2
MIN_PICKLE_FORMAT = 1
# The rules by which a fit turns a call (settings, data, weights) into
# numbers. Raise it whenever a change makes an identical call give other
# numbers (another path, other predictions), so that nothing fitted under the
# old rules is taken for a result of the new ones: the key of a sweep stored
# under ``memory=`` holds it (a sweep stored under other rules is refitted),
# and so does the state of a stopped sweep (``continue_fit`` refuses to go on
# with one started under other rules). 1: skdib before the number existed
# (its stored sweeps and stopped sweeps carry none); 2: class_weight=
# 'balanced' counts the classes by the rows' sample weights.
FIT_RULES = 2
VERSION_KEY = "_skdib_version"
FORMAT_KEY = "_skdib_pickle_format"


def _skdib_version():
    import skdib  # the package is fully imported by the time anything pickles

    return skdib.__version__


def _off_cpu(value):
    """Whether ``value`` is a tensor (anything with ``.device``) off the CPU."""
    device = getattr(value, "device", None)
    return device is not None and getattr(device, "type", "cpu") != "cpu" and (
        hasattr(value, "to"))


def _to_cpu(value):
    """``value`` with every off-CPU tensor in it (nested containers) copied.

    Containers are rebuilt only where something moved, so objects without
    tensors come back as they were.
    """
    if _off_cpu(value):
        return value.to("cpu")
    if isinstance(value, dict):
        moved = {k: _to_cpu(v) for k, v in value.items()}
        if all(moved[k] is v for k, v in value.items()):
            return value
        out = copy.copy(value)
        out.update(moved)
        return out
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        moved = [_to_cpu(v) for v in value]
        if all(a is b for a, b in zip(moved, value, strict=True)):
            return value
        return type(value)(moved)
    return value


def portable_state(state):
    """A copy of ``state`` whose network and tensors all live on the CPU.

    The estimator itself is left on its device: the network is deep-copied
    before it moves, other tensors are copied by ``.to("cpu")``.
    """
    state = dict(state)
    net = state.get("network_")
    if net is not None and (state.get("_snapshots")
                            or state.get("_final_state") is not None):
        # its weights are those of snapshot path_point_ (or, without
        # snapshots, the final state): stored once, there
        state["network_"] = facade.weightless_copy(net)
    elif net is not None and facade.network_device(net).type != "cpu":
        state["network_"] = facade.to_cpu(copy.deepcopy(net))
    for name, value in state.items():
        if name != "network_":
            state[name] = _to_cpu(value)
    return state


def check_pickle_format(estimator_name, pickle_format, version):
    """Raise :class:`IncompatiblePickleError` unless the format is readable.

    Parameters
    ----------
    estimator_name : str
    pickle_format : int or None
        The format recorded in the pickle; None for pickles written before
        formats were recorded (the layout of format 1).
    version : str or None
        The skdib version that wrote it.
    """
    if pickle_format is None:
        return
    current = _skdib_version()
    origin = f"skdib {version}" if version else "an unknown skdib"
    if isinstance(pickle_format, bool) or not isinstance(pickle_format, int):
        raise IncompatiblePickleError(
            f"This {estimator_name} pickle records pickle format "
            f"{pickle_format!r}, which is not a format skdib writes; the file "
            "may be damaged. Refit the model.")
    if pickle_format > PICKLE_FORMAT:
        raise IncompatiblePickleError(
            f"This {estimator_name} was pickled by {origin} in pickle format "
            f"{pickle_format}, but skdib {current} reads formats "
            f"{MIN_PICKLE_FORMAT}-{PICKLE_FORMAT}. Upgrade skdib "
            + (f"(pip install 'skdib>={version}') " if version else "")
            + "to load it, or refit it with this version.")
    if pickle_format < MIN_PICKLE_FORMAT:
        raise IncompatiblePickleError(
            f"This {estimator_name} was pickled by {origin} in pickle format "
            f"{pickle_format}, which skdib {current} no longer reads (formats "
            f"{MIN_PICKLE_FORMAT}-{PICKLE_FORMAT}). Load it with skdib "
            f"{version or '(the version that wrote it)'} and refit, or refit it "
            "with this version.")


class PersistenceMixin:
    """Versioned, device-independent pickling for skdib estimators.

    Put it before :class:`~sklearn.base.BaseEstimator` in the bases. The
    pickled state carries ``_skdib_version`` and ``_skdib_pickle_format``;
    both are removed again when it is loaded.
    """

    def __getstate__(self):
        state = portable_state(super().__getstate__())
        state[VERSION_KEY] = _skdib_version()
        state[FORMAT_KEY] = PICKLE_FORMAT
        return state

    def __deepcopy__(self, memo):
        """A copy where the model is: its network on the device it is on.

        Not through :meth:`__getstate__`, which moves everything to the CPU
        for a pickle: ``copy.deepcopy`` of a model on a GPU gives a model on
        that GPU (whose ``device_`` says so), with normal tensors also when
        copied inside ``torch.inference_mode()``.
        """
        copied = type(self).__new__(type(self))
        memo[id(self)] = copied
        copied.__dict__.update(facade.deep_copy(self.__dict__, memo))
        return copied

    def __copy__(self):
        """A shallow copy sharing the attributes (the network too), where the
        model is: not through the pickle, which moves it to the CPU."""
        copied = type(self).__new__(type(self))
        copied.__dict__.update(self.__dict__)
        return copied

    def __setstate__(self, state):
        state = dict(state)
        version = state.pop(VERSION_KEY, None)
        check_pickle_format(type(self).__name__, state.pop(FORMAT_KEY, None),
                            version)
        super().__setstate__(state)
        self._fill_new_parameters()
        net = self.__dict__.get("network_")
        if net is not None and facade.is_weightless(net):
            facade.load_state(net, self._stored_weights(self.path_point_))

    def _fill_new_parameters(self):
        """Give parameters added since the pickle was written their defaults.

        A pickle of an older skdib lacks the attributes of parameters that
        did not exist yet (e.g. ``categorical_features``); without them
        ``get_params`` and the methods that read them would fail. A class
        may name, in ``_BEFORE_PARAMETER``, the value that reproduces what
        its models did before a parameter existed, where that differs from
        the new default.
        """
        before = getattr(type(self), "_BEFORE_PARAMETER", {})
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if (name != "self" and param.default is not param.empty
                    and name not in self.__dict__):
                setattr(self, name, before.get(name, param.default))
