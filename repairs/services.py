"""Writes on repair requests: creating one, moving it along, answering a quote, erasing
the shopper's details."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.mail import enqueue_on_commit
from repairs.models import RepairCounter, RepairPhoto, RepairRequest, RepairStatusChange, Status
from repairs.tasks import repair_email_send

MAX_PHOTOS = 3

TRANSITIONS = {
    Status.SUBMITTED: {Status.RECEIVED, Status.CLOSED},
    Status.RECEIVED: {Status.DIAGNOSED, Status.CLOSED},
    Status.DIAGNOSED: {Status.QUOTED, Status.IN_REPAIR, Status.SHIPPED_BACK},
    Status.QUOTED: {Status.IN_REPAIR, Status.SHIPPED_BACK},
    Status.IN_REPAIR: {Status.SHIPPED_BACK},
    Status.SHIPPED_BACK: {Status.CLOSED},
    Status.CLOSED: set(),
}


class MoveRefused(Exception):
    pass


def next_reference(year: int) -> str:
    """Take the next number of `year` under a row lock: unique even when requests race."""
    counter, _created = RepairCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"R-{year}-{counter.last:05d}"


@transaction.atomic
def repair_request_create(*, fields: dict, photos=(), language: str = "fr") -> RepairRequest:
    """Save a shopper's request with its photos and first history line; the e-mail that
    confirms it is enqueued when the request commits."""
    if len(photos) > MAX_PHOTOS:
        raise MoveRefused(_("At most %(count)s photos.") % {"count": MAX_PHOTOS})
    repair = RepairRequest(**fields, language=language)
    repair.reference = next_reference(timezone.localdate().year)
    repair.full_clean()
    repair.save()
    for upload in photos:
        photo = RepairPhoto(request=repair, image=upload)
        photo.full_clean()
        photo.save()
    change = RepairStatusChange.objects.create(request=repair, status=Status.SUBMITTED)
    enqueue_on_commit(repair_email_send, change_id=change.pk)
    return repair


@transaction.atomic
def repair_advance(*, repair: RepairRequest, to_status: str, by_user, note: str = ""):
    """Move `repair` to `to_status`, recording who and when, and e-mail the shopper.

    Impossible moves are refused: nothing leaves "closed"; "quote sent" needs a
    quote amount; repairs start after a quote only once the shopper accepted it.
    """
    repair = RepairRequest.objects.select_for_update().get(pk=repair.pk)
    if to_status not in TRANSITIONS[repair.status]:
        raise MoveRefused(
            _("Request %(reference)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "reference": repair.reference,
                "from": repair.get_status_display(),
                "to": Status(to_status).label,
            }
        )
    if to_status == Status.QUOTED and repair.quote_amount is None:
        raise MoveRefused(_("Fill in the quote amount before sending the quote."))
    if (
        repair.status == Status.QUOTED
        and to_status == Status.IN_REPAIR
        and repair.quote_decision != RepairRequest.Decision.ACCEPTED
    ):
        raise MoveRefused(_("The shopper has not accepted the quote yet."))
    repair.status = to_status
    repair.save(update_fields=["status", "updated_at"])
    change = RepairStatusChange.objects.create(
        request=repair, status=to_status, note=note, by=by_user
    )
    enqueue_on_commit(repair_email_send, change_id=change.pk)
    return repair


@transaction.atomic
def repair_quote_answer(*, repair: RepairRequest, accept: bool) -> RepairRequest:
    """Record the shopper's answer to the quote, once; refused unless a quote awaits it."""
    repair = RepairRequest.objects.select_for_update().get(pk=repair.pk)
    if repair.status != Status.QUOTED or repair.quote_decision:
        raise MoveRefused(_("There is no quote waiting for your answer."))
    repair.quote_decision = (
        RepairRequest.Decision.ACCEPTED if accept else RepairRequest.Decision.DECLINED
    )
    repair.save(update_fields=["quote_decision", "updated_at"])
    return repair


@transaction.atomic
def repair_email_resend(*, repair: RepairRequest) -> RepairStatusChange | None:
    """E-mail the shopper the latest step of their repair again (staff action)."""
    change = repair.history.order_by("-at", "-pk").first()
    if change is not None:
        RepairStatusChange.objects.filter(pk=change.pk).update(emailed_at=None)
        enqueue_on_commit(repair_email_send, change_id=change.pk)
    return change


# What identifies the shopper on a request, blanked by `repair_anonymise`.
PERSONAL_FIELDS = ["name", "email", "phone", "street", "postcode", "city", "country", "damage"]


@transaction.atomic
def repair_anonymise(*, repair: RepairRequest, even_if_open: bool = False) -> RepairRequest:
    """Erase what identifies the shopper on `repair`: contact details, return address,
    the damage as they described it, the workshop's messages to them and their photos
    (the files go once the transaction commits).

    The reference, the item, the dates, the steps and the quote stay, for the
    workshop's records. A request still in the workshop is refused unless
    `even_if_open` (the retention purge): its return address is still needed.
    """
    repair = RepairRequest.objects.select_for_update().get(pk=repair.pk)
    if repair.anonymised_at is not None:
        return repair
    if repair.status != Status.CLOSED and not even_if_open:
        raise MoveRefused(
            _("Request %(reference)s is still open: close it before erasing its details.")
            % {"reference": repair.reference}
        )
    repair.photos.all().delete()
    repair.history.update(note="")
    for field in PERSONAL_FIELDS:
        setattr(repair, field, "")
    repair.anonymised_at = timezone.now()
    repair.save(update_fields=[*PERSONAL_FIELDS, "anonymised_at", "updated_at"])
    return repair
