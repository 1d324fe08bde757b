"""Small helpers shared by every layer: input checks, seeds, progress bars."""
