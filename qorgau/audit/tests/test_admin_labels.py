"""The administrator's pages speak Kazakh and Russian: every table and every field shown there
has a label in both, and so do the admin's own words Django leaves untranslated in Kazakh."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.utils import flatten_fieldsets
from django.utils import translation

from qorgau.audit.admin_site import site
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


def _shown() -> list[tuple[Any, list[str]]]:
    """Each table the admin shows (registered or inline) with the fields it shows."""
    import qorgau.urls  # noqa: F401 - registers each app's tables on the site

    tables: list[tuple[Any, list[str]]] = []
    for model, model_admin in site._registry.items():
        fieldsets = [*model_admin.get_fieldsets(_AdminRequest()), *(model_admin.fieldsets or ())]
        tables.append((model, flatten_fieldsets(fieldsets)))
        for inline in model_admin.inlines:
            names = inline.fields or inline.form._meta.fields or []
            tables.append((inline.model, list(names)))
    return tables


def _labels(language: str) -> dict[str, str]:
    """Every label the admin shows for its tables and their fields, in `language`."""
    labels: dict[str, str] = {}
    with translation.override(language):
        for model, names in _shown():
            opts: Any = model._meta
            labels[opts.label] = str(opts.verbose_name)
            labels[opts.label + "+"] = str(opts.verbose_name_plural)
            fields = {f.name: f for f in opts.get_fields() if hasattr(f, "verbose_name")}
            for name in names:
                if name in fields:
                    labels[f"{opts.label}.{name}"] = str(fields[name].verbose_name)
    return labels


class _AdminRequest:
    """Enough of a request for `get_fieldsets` (which reads none of it for these admins)."""

    user = None
    GET: dict[str, str] = {}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_table_and_field_in_the_admin_is_translated(language):
    english, translated = _labels("en"), _labels(language)
    untranslated = sorted(k for k, v in translated.items() if v == english[k])
    assert not untranslated
    assert {"staff.User.extension", "agencies.AgencyContact+", "workdays.DayOverride.kind"} <= set(
        translated
    )


def test_the_admin_pages_show_no_english_in_kazakh(personas):
    admin = signed_in(personas["admin"], "kk")
    index = admin.get("/admin/").content.decode()
    for english in ("Recent actions", "My actions", "View site", "Accounts", "API tokens"):
        assert english not in index
    assert "Соңғы әрекеттер" in index and "Тіркелгілер" in index
    form = admin.get("/admin/staff/user/add/").content.decode()
    assert "Password-based authentication" not in form and "Рөлі" in form
    assert "After you" not in form and "Your password must" not in form
