"""A shopper's account: what it holds, and its deletion by the shopper."""

import logging
from dataclasses import dataclass
from functools import reduce
from operator import or_

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from alerts.models import StockAlert
from common.shoppers import verified_emails
from repairs.models import RepairRequest, Status
from repairs.services import repair_anonymise
from shop.models import Order, Return
from shop.services import TRANSITIONS, order_anonymise

logger = logging.getLogger(__name__)


def _any_email(emails, field="email"):
    """Rows whose `field` is one of `emails`, in any case (nothing for no address)."""
    if not emails:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__iexact": email}) for email in emails))


@dataclass(frozen=True)
class Records:
    """What the shop holds for the addresses an account has verified."""

    orders: object
    returns: object
    repairs: object
    alerts: object


def records_for(user) -> Records:
    """The shopper's orders, returns, repair requests and alerts: those made with an
    address their account has verified, as a guest or signed in."""
    emails = verified_emails(user)
    orders = Order.objects.filter(_any_email(emails), anonymised_at=None)
    return Records(
        orders=orders.select_related("store").order_by("-created_at"),
        returns=Return.objects.filter(order__in=orders)
        .select_related("order")
        .order_by("-created_at"),
        repairs=RepairRequest.objects.filter(_any_email(emails), anonymised_at=None).order_by(
            "-created_at"
        ),
        alerts=StockAlert.objects.filter(_any_email(emails))
        .select_related("variant__product")
        .order_by("-created_at"),
    )


class DeletionRefused(Exception):
    """Something under way still needs the shopper's details."""


def account_delete(*, request, user) -> None:
    """Delete `user`'s account as they asked: orders and repair requests kept anonymised
    for the accounts, alerts deleted, the account, its addresses and second factors
    deleted, its sessions ended. Refused while an order or a repair is under way: the
    shop still needs the address to deliver or send back."""
    emails = verified_emails(user)
    with transaction.atomic():
        records = records_for(user)
        orders = list(records.orders.select_for_update(of=("self",)))
        repairs = list(records.repairs.select_for_update())
        open_orders = [order.number for order in orders if TRANSITIONS[order.status]]
        open_repairs = [repair.reference for repair in repairs if repair.status != Status.CLOSED]
        if open_orders or open_repairs:
            raise DeletionRefused(
                _(
                    "Your account can be deleted once these are finished: %(items)s. "
                    "Until then the shop needs your address."
                )
                % {"items": ", ".join(open_orders + open_repairs)}
            )
        for order in orders:
            order_anonymise(order=order)
        for repair in repairs:
            repair_anonymise(repair=repair)
        records.alerts.delete()
        _forget_account_emails(emails)
        # django-axes logged the sign-ins under the account's user name.
        AccessLog.objects.filter(username=user.get_username()).delete()
        AccessAttempt.objects.filter(username=user.get_username()).delete()
        user_id = user.pk
        # Other sessions of the account end with it: their user no longer exists.
        logout(request)
        user.delete()
    logger.info(
        "Account %s deleted by its owner: %s orders and %s repair requests anonymised",
        user_id,
        len(orders),
        len(repairs),
    )


def _forget_account_emails(emails):
    """The account e-mails already sent (verification, reset) keep their recipient and
    text with the task's result: they go too."""
    lowered = set(emails)
    for result in DBTaskResult.objects.filter(task_path="accounts.tasks.account_email_send"):
        recipients = result.args_kwargs.get("kwargs", {}).get("to", [])
        if lowered & {address.lower() for address in recipients}:
            result.delete()
