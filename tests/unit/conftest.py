"""Hypothesis profiles for the unit tier's property tests: `thorough` where the whole suite runs
(`python3 dev.py test`, as CI does, sets HYPOTHESIS_PROFILE=thorough), `quick` (a third of the examples)
for a bare `pytest tests/unit` while working. An example that ever failed is replayed first in both."""
import os

from hypothesis import settings

settings.register_profile("thorough", max_examples=150)
settings.register_profile("quick", max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
