"""Reference lists with names in kk / ru / en, loaded by migrations (see data.py)."""

from __future__ import annotations

from django.db import models

from qorgau.core.i18n import NamedInThreeLanguages


class ReferenceItem(NamedInThreeLanguages, models.Model):
    code = models.CharField(max_length=40, unique=True)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]


class Direction(ReferenceItem):
    """One of the 13 directions of interaction of rule 10; `code` is its number."""

    class Meta(ReferenceItem.Meta):
        pass


class Region(ReferenceItem):
    """The 17 oblasts and the three cities of republican significance."""

    class Meta(ReferenceItem.Meta):
        pass


class Channel(ReferenceItem):
    """How an appeal arrived (rule 2(7), rule 6(f))."""

    class Meta(ReferenceItem.Meta):
        pass


class HelpKind(ReferenceItem):
    """Information and reference, psychological or organisational help (rule 6(b))."""

    class Meta(ReferenceItem.Meta):
        pass


class Outcome(ReferenceItem):
    """How an appeal ended: consultation, referral, 1414 (rule 6(n)), out of competence (6(o))."""

    class Meta(ReferenceItem.Meta):
        pass
