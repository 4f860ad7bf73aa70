"""The site's one way of sending e-mail: rendered from templates, sent by the task worker.

No page waits on the mail relay. A service records what to send and enqueues
a task when its transaction commits; the worker (`manage.py db_worker`) sends
it. When the relay refuses or cannot be reached, the task enqueues itself
again after a growing delay (MAIL_RETRY_DELAYS) and fails, so the failed try
stays listed for staff under "Task results"; after the last delay the e-mail
waits for staff to send it again from the order or the repair request.
"""

import datetime
import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# What a relay that is down, refusing or misconfigured raises.
RELAY_ERRORS = (OSError, smtplib.SMTPException)


def enqueue_on_commit(task, **kwargs) -> None:
    """Enqueue `task` once the current transaction commits (at once outside one).

    A failure to enqueue is logged and never undoes or hides the committed
    work: the record stays marked "not sent" for staff to see and resend.
    """
    transaction.on_commit(partial(task.enqueue, **kwargs), robust=True)


def render_email(
    *,
    subject: str,
    template: str,
    context: dict,
    to: list[str],
    language: str,
    subject_values: dict | None = None,
) -> EmailMultiAlternatives:
    """A text + HTML e-mail from `<template>.txt` and `<template>.html`, in `language`.

    `subject` is a lazy translation, filled with `subject_values` once `language` is
    active (a string formatted before would stay in the language of the worker)."""
    with translation.override(language):
        message = EmailMultiAlternatives(
            subject=str(subject) % (subject_values or {}),
            body=render_to_string(f"{template}.txt", context),
            to=to,
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_or_retry(message: EmailMultiAlternatives, *, task, attempt: int, **kwargs) -> None:
    """Send `message`; if the relay fails, enqueue `task` again with `attempt + 1`
    after the next delay, then re-raise so this try is recorded as failed."""
    try:
        message.send()
    except RELAY_ERRORS:
        delays = settings.MAIL_RETRY_DELAYS
        if attempt <= len(delays):
            run_after = timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
            task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
            logger.warning(
                "Mail relay failed (try %s); next try at %s", attempt, run_after.isoformat()
            )
        else:
            logger.error("Mail relay failed %s times; left for staff to resend", attempt)
        raise
