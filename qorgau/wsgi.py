"""WSGI entry point for gunicorn (`qorgau serve` and production)."""

import os

from django.core.wsgi import get_wsgi_application

from qorgau.cli import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
application = get_wsgi_application()
