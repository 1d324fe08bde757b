"""A network's weights: where they live, loading snapshots, weightless copies.

Weights are always loaded outside ``torch.inference_mode()``: tensors made
or unpickled inside it (a model loaded or deep-copied there) are inference
tensors, which torch never lets anything update in place outside the mode,
so a model whose parameters were inference tensors could not be rewound
afterwards. Loading here replaces them with normal tensors.
"""

import copy

import torch

__all__ = ["deep_copy", "is_weightless", "load_state", "network_at",
           "network_device", "normal_tensors", "to_cpu", "weightless_copy"]


def network_device(net):
    """Device on which the network's parameters live."""
    return next(net.parameters()).device


def _normal(tensor):
    """``tensor``, or a normal copy of it when it is an inference tensor
    (call outside inference mode)."""
    return tensor.clone() if tensor.is_inference() else tensor


def normal_tensors(net):
    """Replace the network's parameters and buffers that are inference
    tensors by normal copies (in place; returns the network)."""
    with torch.inference_mode(False):
        for module in net.modules():
            for name, param in module._parameters.items():
                if param is not None and param.is_inference():
                    module._parameters[name] = torch.nn.Parameter(
                        param.detach().clone(), requires_grad=param.requires_grad)
            for name, buffer in module._buffers.items():
                if buffer is not None and buffer.is_inference():
                    module._buffers[name] = buffer.clone()
    return net


def load_state(net, state):
    """Load a (CPU) snapshot into the network, wherever it lives.

    A weightless network (see :func:`weightless_copy`) takes the snapshot's
    tensors as its own, on the CPU. Done outside inference mode, with
    normal tensors only (see the module's docstring), whatever mode the
    caller is in.
    """
    with torch.inference_mode(False):
        if is_weightless(net):
            net.load_state_dict({k: _normal(v) for k, v in state.items()},
                                assign=True)
            _drop_unfilled_buffers(net)
            return
        normal_tensors(net).load_state_dict(state)


def _drop_unfilled_buffers(net):
    """Remove buffers a snapshot could not fill (in place).

    A snapshot holds the state dict, so buffers outside it (non-persistent)
    stay on the meta device when a weightless copy takes its weights: the
    network could then be moved to no device. Networks built now have
    none; a pickle written before this fix holds the layers' initialisation
    bounds there (``BatchedLinear.bound``), which nothing reads after a fit.
    """
    for module in net.modules():
        for name, buffer in list(module.named_buffers(recurse=False)):
            if buffer.is_meta:
                delattr(module, name)  # nn.Module forgets it as a buffer too


def network_at(net, state):
    """A private copy of the network, on its device, holding ``state`` (a
    snapshot): the network itself is left as it is."""
    with torch.inference_mode(False):
        private = copy.deepcopy(net)
    load_state(private, state)
    return private


def deep_copy(value, memo=None):
    """``copy.deepcopy(value, memo)`` outside inference mode: tensors stay on
    their devices and come out normal tensors, wherever it is called."""
    with torch.inference_mode(False):
        return copy.deepcopy(value, memo)


def weightless_copy(net):
    """A copy of the network with shapes but no values (on the meta device).

    Pickles to a few kB; :func:`load_state` gives it weights again.
    """
    return copy.deepcopy(net).to("meta")


def is_weightless(net):
    """Whether the network is a :func:`weightless_copy` still without values."""
    return network_device(net).type == "meta"


def to_cpu(net):
    """The network moved to the CPU (used when pickling)."""
    return net.to("cpu")
