"""The administrator's staff pages (rule 5). Accounts: create one with its role and what it is
bound to (an officer's agency, a commissioner's region, a consultant's extension), change it,
deactivate it, and set a new password. API tokens: see every token by user, with its expiry,
and revoke them; a token is issued by `qorgau token` only and shown once, when it is made.

A forgotten password is replaced by one the administrator types on the account's password page
(Django's own form, with the password validators), then tells the person in person or by
phone: the product sends staff no e-mail, and a one-time link would need one. Signing in still
asks for the second factor where the role needs one, so the password alone opens nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.audit.events import AuditEvent
from qorgau.staff.actions import token_revoke, user_deactivate
from qorgau.staff.models import ApiToken, User

BINDING = ("role", "agency", "is_agency_head", "region", "extension")


@admin.action(description=_("Revoke the selected tokens"))
def revoke(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    for token in queryset:
        token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]


@admin.action(description=_("Deactivate the selected accounts"))
def deactivate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]) -> None:
    for user in queryset:
        user_deactivate(actor=request.user, user=user)  # type: ignore[arg-type]


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", *BINDING)
        field_classes = {"username": UsernameField}


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}


class StaffUserAdmin(AuditedAdmin, UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "first_name", "last_name", "role", "agency", "region", "is_active"]
    list_filter = ["role", "is_active", "region"]
    search_fields = ["username", "first_name", "last_name", "extension"]
    ordering = ["username"]
    actions = [deactivate]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password", "is_active")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": BINDING}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        (_("Role"), {"fields": BINDING}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # audit rows and appeals name accounts: deactivate one instead

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's set-a-new-password page; a password set there is audited like any change."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            assert user is not None  # the page above answered 404 otherwise
            self._audit(request, user, AuditEvent.ADMIN_CHANGE, ["password"])
        return response


class ApiTokenAdmin(AuditedAdmin):
    list_display = ["user", "label", "created_at", "expires_at", "revoked_at"]
    list_filter = ["user", "revoked_at"]
    search_fields = ["user__username", "label"]
    ordering = ["user__username", "-created_at"]
    fields = ("user", "label", "created_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(User, StaffUserAdmin)
site.register(ApiToken, ApiTokenAdmin)
