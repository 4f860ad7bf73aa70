"""The accounts' e-mails (address verification, password reset, notices), sent by the worker."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task

from common.mail import send_or_retry


@task
def account_email_send(
    *, subject: str, body: str, html: str, to: list[str], attempt: int = 1
) -> str:
    """Send an e-mail allauth wrote (already rendered in the shopper's language).

    Its arguments hold a one-time link: they are kept with the task's result,
    which only superusers may read."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    send_or_retry(
        message,
        task=account_email_send,
        attempt=attempt,
        subject=subject,
        body=body,
        html=html,
        to=to,
    )
    return "sent"
