from allauth.account.apps import AccountConfig
from allauth.mfa.apps import MFAConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # The one Django picks for "accounts": this module also holds allauth's apps' configs.
    default = True
    name = "accounts"
    verbose_name = _("Shopper accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import signals  # noqa: F401


class SignInConfig(AccountConfig):
    """allauth's accounts app, named for staff: the shoppers' verified addresses."""

    verbose_name = _("Shoppers' sign-in")


class SecondFactorConfig(MFAConfig):
    """allauth's MFA app, named for staff: the authenticator apps of shoppers and staff."""

    verbose_name = _("Second factors")
