"""The benchmark floor: the cheapest authenticated write, installed only by bench.settings."""
