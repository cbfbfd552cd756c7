"""The administrator edits the days that ministry orders move each year (rule 14)."""

from __future__ import annotations

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.workdays.models import DayOverride


class DayOverrideAdmin(AuditedAdmin):
    list_display = ["date", "kind", "name_kk", "name_ru", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name_kk", "name_ru"]
    date_hierarchy = "date"
    readonly_fields = ["created_at"]


site.register(DayOverride, DayOverrideAdmin)
