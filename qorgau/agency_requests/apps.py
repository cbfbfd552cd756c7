"""Agency requests: requests to agencies, their delivery, replies, letters, outbound calls and
deadlines (chapter 3). The app label stays `interaction`, its first name, so that tables,
migrations and content types are unchanged."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyRequestsConfig(AppConfig):
    name = "qorgau.agency_requests"
    label = "interaction"
    verbose_name = _("Requests to agencies")

    def ready(self) -> None:
        from qorgau.agency_requests.merging import open_requests_block_merge
        from qorgau.core.signals import appeal_merge_blockers

        appeal_merge_blockers.connect(
            open_requests_block_merge, dispatch_uid="agency_requests.merge_blockers"
        )
