"""URL map: the API under /api/v1, staff pages, the public status page, language switching."""

from django.urls import include, path
from django.utils.module_loading import autodiscover_modules

from qorgau.api import api_docs, api_urls
from qorgau.audit.admin_site import site as admin_site

autodiscover_modules("admin", register_to=admin_site)  # each app's admin.py registers its tables

urlpatterns = [
    path("api/v1/docs", api_docs, name="api-docs"),
    path("api/v1/", api_urls()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("", include("qorgau.staff.urls")),
    path("", include("qorgau.agency_requests.urls")),
    path("", include("qorgau.calls.urls")),
    path("", include("qorgau.knowledge.urls")),
    path("", include("qorgau.appeals.urls")),
    path("", include("qorgau.public.urls")),
]
