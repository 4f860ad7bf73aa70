"""Which e-mail addresses a signed-in shopper has proved are theirs.

An order, a repair request or an alert is the shopper's once the address it
was made with is verified on their account (allauth's EmailAddress): a guest
history joins the account then, never before.
"""

from allauth.account.models import EmailAddress


def verified_emails(user) -> list[str]:
    """The verified addresses of `user`, in lower case; none for an anonymous visitor."""
    if not user.is_authenticated:
        return []
    return [
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
