"""Review of the records recognition was unsure of: a local web page, corrections kept beside the readings."""

from formkit.review.corrections import Decision, ReviewError, apply_decision
from formkit.review.server import ReviewServer

__all__ = ["Decision", "ReviewError", "ReviewServer", "apply_decision"]
