"""The administrator keeps the referral directory (rule 6(o)): the bodies competent for what the
centre does not handle, what each handles and how to reach it."""

from __future__ import annotations

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.calls.models import ReferralBody


class ReferralBodyAdmin(AuditedAdmin):
    list_display = ["name_kk", "name_ru", "active"]
    list_filter = ["active"]
    search_fields = ["name_kk", "name_ru", "handles"]


site.register(ReferralBody, ReferralBodyAdmin)
