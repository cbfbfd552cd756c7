"""An article's key made from its title when the editor leaves the key empty: the Kazakh or
Russian title spelled in Latin letters as a slug, with a number added while the key is taken."""

from __future__ import annotations

from itertools import chain, count

from django.utils.text import slugify

from qorgau.knowledge.models import Article

MAX_KEY = 120
# Russian letters much as passports spell them in Latin; the Kazakh ones as the Latin alphabet of
# 2021 does, with "ng" for its ñ
LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziiklmnoprstufye", strict=True)),
        **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
        **{"ю": "iu", "я": "ia", "ъ": "", "ь": ""},
        **dict(zip("әғқөұүһі", "agqouuhi", strict=True)),
        "ң": "ng",
    }
)


def slug_from_title(title: str) -> str:
    """ "Баланың құқықтары" → "balanyng-quqyqtary"; a title with no letter at all → "article"."""
    return slugify(title.lower().translate(LATIN))[:MAX_KEY].strip("-") or "article"


def key_from_title(title: str) -> str:
    """A key no article has yet: the title's slug, else the slug with -2, -3, …"""
    base = slug_from_title(title)
    taken = set(Article.objects.filter(key__startswith=base).values_list("key", flat=True))
    numbered = (f"{base[: MAX_KEY - 1 - len(str(n))].rstrip('-')}-{n}" for n in count(2))
    return next(key for key in chain([base], numbered) if key not in taken)
