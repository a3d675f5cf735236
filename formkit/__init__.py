"""formkit: invitation packets out, registration records back."""

__version__ = "0.1.0"
