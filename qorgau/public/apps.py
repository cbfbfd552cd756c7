"""Public: what anyone may do without signing in (rule 6(l)) — today the applicant's status
look-up, composed from the appeal's status history and the agencies' replies. It sits above
appeals and agency requests, so neither of them reaches up to the other for it."""

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "qorgau.public"
    label = "public"
