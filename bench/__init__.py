"""Qorgau's benchmarks. Each is one command run from the project folder,
`.venv/bin/python -m bench.<name>` (bench/README.md), and is its own workload on the shared
harness in bench/harness. bench/settings.py, bench/urls.py and bench/floor are the benchmark
servers' settings, URL map and floor app: the product never installs them."""
