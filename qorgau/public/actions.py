"""Changes to the public site's information pages: only a role with `site.edit`, each save
audited, and a save over someone else's newer version refused (nothing is overwritten)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.audit.actions import AuditedKind
from qorgau.audit.events import AuditEvent
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors
from qorgau.core.roles import Perm
from qorgau.public.models import InfoPage
from qorgau.staff.models import User

audit_site_page = AuditedKind("site_page")  # ref: the page's slug
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TITLE_MAX, BODY_MAX = 200, 20_000


@dataclass(frozen=True)
class InfoPageData:
    slug: str
    title_kk: str
    title_ru: str
    body_kk: str
    body_ru: str
    published: bool = True
    position: int = 0


def _clean(data: InfoPageData) -> InfoPageData:
    errors: dict[str, str] = {}
    if not SLUG.match(data.slug) or len(data.slug) > 60:
        errors["slug"] = _("Use small Latin letters, digits and hyphens, e.g. how-we-help.")
    for name in ("title_kk", "title_ru"):
        value = getattr(data, name).strip()
        if not value or len(value) > TITLE_MAX:
            errors[name] = _("Write a title of up to %(n)d characters.") % {"n": TITLE_MAX}
    for name in ("body_kk", "body_ru"):
        value = getattr(data, name).strip()
        if not value or len(value) > BODY_MAX:
            errors[name] = _("Write the text, up to %(n)d characters.") % {"n": BODY_MAX}
    if errors:
        raise FieldErrors(fields=errors)
    return InfoPageData(
        slug=data.slug,
        title_kk=data.title_kk.strip(),
        title_ru=data.title_ru.strip(),
        body_kk=data.body_kk.strip(),
        body_ru=data.body_ru.strip(),
        published=data.published,
        position=data.position,
    )


def info_page_save(*, actor: User, data: InfoPageData, version: int | None) -> InfoPage:
    """Create the page (`version` None) or update it from the version the editor started with."""
    require(actor, Perm.SITE_EDIT)
    clean = _clean(data)
    with transaction.atomic():
        page = InfoPage.objects.select_for_update().filter(slug=clean.slug).first()
        if page is None and version is not None:
            raise Conflict(_("This page no longer exists."), code="page_gone")
        if page is not None and page.version != version:
            raise Conflict(
                _("Someone else has changed this page. Open it again to see their version."),
                code="page_changed",
            )
        page = page or InfoPage(slug=clean.slug, version=0)
        for name in ("title_kk", "title_ru", "body_kk", "body_ru", "published", "position"):
            setattr(page, name, getattr(clean, name))
        page.version += 1
        page.updated_at, page.updated_by = timezone.now(), actor
        page.save()
        audit_site_page(actor=actor, event=AuditEvent.SITE_PAGE_SAVE, ref=page.slug)
    return page
