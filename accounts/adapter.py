"""allauth, fitted to the shop: its e-mails go through the task worker, its limits count
the client's real address."""

import secrets

from allauth.account.adapter import DefaultAccountAdapter

from common.client import client_ip
from common.mail import enqueue_on_commit


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Rendered now, in the shopper's language; sent by the worker, so no page
        waits on (or fails with) the mail relay."""
        from accounts.tasks import account_email_send

        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, kind in getattr(message, "alternatives", [])
                if kind == "text/html"
            ),
            "",
        )
        enqueue_on_commit(
            account_email_send,
            subject=message.subject,
            body=message.body,
            html=html,
            to=list(message.to),
        )

    def populate_username(self, request, user):
        """Shoppers sign in with their e-mail address: their user name, which staff lists
        and sign-in logs show, says nothing about them."""
        user.username = f"client-{secrets.token_hex(6)}"

    def get_client_ip(self, request):
        # Behind nginx, the address nginx saw (the same rule as every other limit).
        return client_ip(request)
