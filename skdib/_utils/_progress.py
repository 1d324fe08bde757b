"""A tqdm progress bar for the β sweep."""

from tqdm.auto import tqdm


class SweepProgress:
    """Callable progress reporter: shows β, loss and total bits."""

    def __init__(self, total, desc):
        self.bar = tqdm(total=total, desc=desc, unit="step", leave=True,
                        dynamic_ncols=True)
        self.last = 0
        self.offset = 0  # steps of the sweeps run before this one
        self.per_step = 1  # sweeps that one step advances (batched: R)

    def __call__(self, step, beta, loss, bits):
        done = self.offset + (step + 1) * self.per_step
        self.bar.update(done - self.last)
        self.last = done
        self.bar.set_postfix(beta=f"{beta:.2e}", loss=f"{loss:.3f}",
                             bits=f"{bits:.2f}", refresh=False)

    def close(self):
        self.bar.close()
