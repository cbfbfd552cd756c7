"""Agency requests: requests to agencies, their delivery, replies, letters, outbound calls and
deadlines (chapter 3). The app label stays `interaction`, its first name, so that tables,
migrations and content types are unchanged."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyRequestsConfig(AppConfig):
    name = "qorgau.agency_requests"
    label = "interaction"
    verbose_name = _("Requests to agencies")
