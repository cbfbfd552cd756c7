"""ASGI entry point: Django's ASGI handler, for an asynchronous server that reads slow clients'
requests without tying up a worker (docs/decisions/00NN-h4-serving-slow-clients.md)."""

import os

from django.core.asgi import get_asgi_application

from qorgau.cli import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
application = get_asgi_application()
