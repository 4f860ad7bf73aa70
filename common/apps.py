from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Code every app may use and that uses no app: mail, caching, HTTP helpers, the
    client's address, form fields, admin tools, metrics and template tags."""

    name = "common"
    verbose_name = "Common"
