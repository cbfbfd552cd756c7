"""Admin for the days moved away from the package's calendar. Django admin is not mounted
yet (django.contrib.admin is not in INSTALLED_APPS), so this registration waits for it."""

from __future__ import annotations

from django.contrib import admin

from qorgau.workdays.models import DayOverride


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name_kk", "name_ru", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name_kk", "name_ru"]
    date_hierarchy = "date"
    readonly_fields = ["created_at"]
