"""The administrator's pages (Django admin at /admin/): only the administrator role, with the
second factor verified in this session (rule 5), may enter, and every change made there is
audited. Apps register their editable tables on `site`. Signing in is the product's own sign-in
page (throttled), never the admin's form."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.core.roles import Perm, has_perm


def _is_administrator(request: HttpRequest) -> bool:
    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    return bool(has_perm(user, Perm.ADMIN_SITE) and verified)


class AdministratorSite(admin.AdminSite):
    site_header = "Qorgau · 111"
    site_title = "Qorgau"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """The product's sign-in page, with its throttle and second factor."""
        return redirect_to_login(request.GET.get("next", "/admin/"), "appeals:login")

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        """The administrator's own new password, audited like every change made here."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                actor=request.user,
                action=AuditEvent.ADMIN_CHANGE,
                object_type="staff.user",
                object_ref=str(request.user.pk),
                reason="administration",
                details={"fields": ["password"]},
            )
        return response


class AdministratorOnly:
    """Everything allowed to the administrator role, nothing to anyone else."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)


class AdministratorInline(AdministratorOnly, admin.TabularInline):
    extra = 0


class AuditedAdmin(AdministratorOnly, admin.ModelAdmin):
    """A table the administrator edits; every add, change and delete is audited."""

    def _audit(
        self, request: HttpRequest, obj: Model, action: AuditEvent, fields: list[str] | None = None
    ) -> None:
        audit_record(
            actor=request.user,
            action=action,
            object_type=obj._meta.label_lower,
            object_ref=str(obj.pk),
            reason="administration",
            details={"fields": fields} if fields else None,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Rows edited inline (contacts, an agency's heads) are audited like the page's own."""
        for deleted in formset.deleted_forms:  # audited first: deleting clears the pk
            if deleted.instance.pk:
                self._audit(request, deleted.instance, AuditEvent.ADMIN_DELETE)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._audit(request, obj, AuditEvent.ADMIN_ADD)
        for obj, fields in formset.changed_objects:
            self._audit(request, obj, AuditEvent.ADMIN_CHANGE, list(fields))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(request, obj, AuditEvent.ADMIN_CHANGE if change else AuditEvent.ADMIN_ADD)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, obj, AuditEvent.ADMIN_DELETE)
        super().delete_model(request, obj)


site = AdministratorSite(name="qorgau_admin")
