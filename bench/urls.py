"""The benchmark servers' URL map: the product's URLs as they are, then the floor."""

from django.urls import path

from bench.floor.api import api as floor_api
from qorgau.urls import urlpatterns as product_urlpatterns

urlpatterns = [*product_urlpatterns, path("api/v1/bench/", floor_api.urls)]
