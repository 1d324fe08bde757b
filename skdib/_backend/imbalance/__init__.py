"""Information imbalance in torch: chunked distances, ranks, greedy selection."""
