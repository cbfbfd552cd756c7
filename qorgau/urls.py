"""URL map: the API under /api/v1, staff pages, the public status page, language switching, the
icon browsers ask for. The error pages are templates/403.html, 404.html and 500.html."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.module_loading import autodiscover_modules
from django.views.generic import RedirectView

from qorgau.api import api_docs, api_urls
from qorgau.audit.admin_site import site as admin_site

autodiscover_modules("admin", register_to=admin_site)  # each app's admin.py registers its tables

urlpatterns = [
    # browsers ask for /favicon.ico whatever the page's <link rel="icon"> says
    path("favicon.ico", RedirectView.as_view(url=static("qorgau/favicon.svg"), permanent=True)),
    path("api/v1/docs", api_docs, name="api-docs"),
    path("api/v1/", api_urls()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("", include("qorgau.public.urls")),  # first: "/" is the public site's home
    path("", include("qorgau.staff.urls")),
    path("", include("qorgau.agency_requests.urls")),
    path("", include("qorgau.calls.urls")),
    path("", include("qorgau.knowledge.urls")),
    path("", include("qorgau.casework.urls")),
    path("", include("qorgau.conversations.urls")),
    path("", include("qorgau.outreach.urls")),
    path("", include("qorgau.triage.urls")),
    path("", include("qorgau.appeals.urls")),
]
