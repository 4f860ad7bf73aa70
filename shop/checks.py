"""`manage.py check --deploy`: a shop served with debug off takes real money, so it must
talk to Stripe with live keys and check the webhook's signatures."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def payment_keys(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    if settings.STRIPE_LOCAL:
        return [
            checks.Warning(
                "No STRIPE_SECRET_KEY: card payments go to localstripe, the local stand-in.",
                hint="Set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET "
                "from the Stripe dashboard (README, 'Card payment').",
                id="shop.W001",
            )
        ]
    problems = []
    if not settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_")) or not (
        settings.STRIPE_PUBLISHABLE_KEY.startswith("pk_live_")
    ):
        problems.append(
            checks.Warning(
                "The Stripe keys are test keys (or missing): no real card is charged.",
                hint="Use the live keys (sk_live_…, pk_live_…) in production.",
                id="shop.W002",
            )
        )
    if not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            checks.Warning(
                "No STRIPE_WEBHOOK_SECRET: every webhook from Stripe is refused.",
                hint="Copy the signing secret (whsec_…) of the endpoint /paiement/webhook/.",
                id="shop.W003",
            )
        )
    return problems
