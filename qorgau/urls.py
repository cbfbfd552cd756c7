"""URL map: the API under /api/v1, staff pages, the public status page, language switching."""

from django.urls import include, path

from qorgau.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("qorgau.interaction.urls")),
    path("", include("qorgau.appeals.urls")),
]
