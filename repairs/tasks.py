"""Background work of the repair service, run by the task worker."""

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from common.mail import render_email, send_or_retry
from repairs.models import RepairStatusChange, Status


@task
def repair_email_send(*, change_id: int, attempt: int = 1) -> str:
    """E-mail the shopper one step of their repair: received, or a later status.

    The step is marked e-mailed once the relay takes it; a retry after that
    sends nothing more.
    """
    change = RepairStatusChange.objects.select_related("request").filter(pk=change_id).first()
    if change is None:
        return "request deleted"
    if change.emailed_at is not None:
        return "already sent"
    repair = change.request
    if repair.anonymised_at is not None:
        return "details erased: nothing sent"
    with translation.override(repair.language):
        tracking_url = settings.SITE_URL + reverse("repairs:tracking")
    template = "received" if change.status == Status.SUBMITTED else "status"
    message = render_email(
        subject=_("Your Millet repair %(reference)s"),
        subject_values={"reference": repair.reference},
        template=f"repairs/emails/{template}",
        context={"repair": repair, "change": change, "tracking_url": tracking_url},
        to=[repair.email],
        language=repair.language,
    )
    send_or_retry(message, task=repair_email_send, attempt=attempt, change_id=change_id)
    RepairStatusChange.objects.filter(pk=change.pk).update(emailed_at=timezone.now())
    return "sent"
