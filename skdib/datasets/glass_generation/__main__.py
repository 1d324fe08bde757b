"""``python -m skdib.datasets.glass_generation``: simulate and assemble."""

from skdib.datasets.glass_generation._pipeline import main

if __name__ == "__main__":
    main()
