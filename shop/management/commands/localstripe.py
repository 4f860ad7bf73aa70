"""Serve localstripe, the local stand-in for the payment provider, and tell it where
the shop's webhook is: `make run` starts it beside the site when no Stripe keys are set."""

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


def localstripe_start(port: int) -> subprocess.Popen:
    """Start localstripe on 127.0.0.1:`port` with an empty store; return once it answers."""
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1).close()  # noqa: S310
            return server
        except (urllib.error.URLError, ConnectionError) as error:
            if server.poll() is not None:
                raise CommandError(
                    f"localstripe stopped at once (exit code {server.returncode})"
                ) from error
            time.sleep(0.05)
    server.terminate()
    raise CommandError(f"localstripe did not answer on {base}")


def localstripe_webhook(base: str, site_url: str, secret: str) -> None:
    """Tell the localstripe at `base` to send its events to the shop at `site_url`."""
    data = urllib.parse.urlencode(
        {"url": site_url.rstrip("/") + reverse("payment_webhook"), "secret": secret}
    ).encode()
    urllib.request.urlopen(f"{base}/_config/webhooks/millet", data, timeout=5).close()  # noqa: S310


class Command(BaseCommand):
    help = "Serve localstripe (the local payment server) and send its webhooks to the site."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8420)

    def handle(self, *args, port, **options):
        server = localstripe_start(port)
        localstripe_webhook(
            f"http://127.0.0.1:{port}", settings.SITE_URL, settings.STRIPE_WEBHOOK_SECRET
        )
        self.stdout.write(
            f"localstripe on http://127.0.0.1:{port}, webhooks to {settings.SITE_URL}"
        )
        try:
            server.wait()
        except KeyboardInterrupt:
            server.terminate()
