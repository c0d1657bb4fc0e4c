"""Settings for the servers the benchmarks start: production's (`marketplace.settings`, from the
same environment), with the benchmarks' own urlconf, which adds their baseline views. Nothing
of this reaches a deployment."""

from marketplace.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
