"""The Distributed IB network in torch: layers, model, heads, training, bounds."""
