"""What the benchmarks share, so that each benchmark module is only its own workload:

- setup: logging, signals, the product's environment, the database, Django, the `qorgau`
  command, JSON output;
- machine: CPU and memory from /proc, and CPU shares during a measurement;
- postgres: row counts and what the PostgreSQL backends are doing, sampled;
- server: the product's server started as `qorgau serve` starts it, waited for and stopped;
- http: a minimal HTTP/1.1 client and closed-loop clients over asyncio;
- report: percentiles, number format, tables;
- versus_floor: a benchmark that loads one product endpoint and then the floor on one server
  (bench/intake.py, bench/cti.py).
"""
