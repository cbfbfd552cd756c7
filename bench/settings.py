"""Settings of the servers and processes the benchmarks start: the product's settings plus the
floor app (bench/floor) and bench.urls, which mounts the floor next to the product's URLs.
Production never installs or migrates the floor: only DJANGO_SETTINGS_MODULE=bench.settings
does, and the benchmarks set it themselves (bench/harness/setup.py)."""

from qorgau.settings import *  # noqa: F403
from qorgau.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]
ROOT_URLCONF = "bench.urls"
