"""The administrator edits the disclosure policy (rule 15)."""

from __future__ import annotations

from qorgau.agency_requests.models import DisclosureRule
from qorgau.audit.admin_site import AuditedAdmin, site


class DisclosureRuleAdmin(AuditedAdmin):
    list_display = ["direction", "agency_kind", "fields"]
    list_filter = ["agency_kind"]


site.register(DisclosureRule, DisclosureRuleAdmin)
