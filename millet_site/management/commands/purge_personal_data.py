from django.conf import settings
from django.core.management.base import BaseCommand

from common.progress import show_progress
from millet_site.personal_data import ALERT_SPENT_DAYS, ALERT_UNCONFIRMED_DAYS, past_retention
from repairs.services import repair_anonymise
from shop.services import order_anonymise


class Command(BaseCommand):
    help = (
        "Erase the shoppers' details on orders older than ORDER_RETENTION_DAYS and on repair "
        "requests untouched for REPAIR_RETENTION_DAYS (amounts, lines and steps stay), and "
        "delete back-in-stock alerts left unconfirmed or spent and expired sessions. Run it "
        "daily; --dry-run lists what it would do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is past its period; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        due = past_retention()
        orders = list(due.orders.only("pk", "number", "created_at"))
        repairs = list(due.repairs.only("pk", "reference", "updated_at"))
        alerts = due.stock_alerts.count()
        sessions = due.expired_sessions.count()
        verb = "Would erase" if dry_run else "Erasing"

        self.stdout.write(
            f"{verb} the shopper's details on {len(orders)} order(s) placed more than "
            f"{settings.ORDER_RETENTION_DAYS} days ago:"
        )
        for order in orders:
            self.stdout.write(f"  order {order.number}, placed {order.created_at:%Y-%m-%d}")
        self.stdout.write(
            f"{verb} the shopper's details and photos on {len(repairs)} repair request(s) "
            f"untouched for more than {settings.REPAIR_RETENTION_DAYS} days:"
        )
        for repair in repairs:
            self.stdout.write(
                f"  repair {repair.reference}, last changed {repair.updated_at:%Y-%m-%d}"
            )
        self.stdout.write(
            f"{'Would delete' if dry_run else 'Deleting'} {alerts} back-in-stock alert(s) left "
            f"unconfirmed for {ALERT_UNCONFIRMED_DAYS} days or spent for {ALERT_SPENT_DAYS} days."
        )
        self.stdout.write(
            f"{'Would delete' if dry_run else 'Deleting'} {sessions} expired session(s)."
        )
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing changed."))
            return

        work = [(order_anonymise, "order", order) for order in orders]
        work += [(repair_anonymise, "repair", repair) for repair in repairs]
        for done, (anonymise, kind, record) in enumerate(work, start=1):
            anonymise(**{kind: record, "even_if_open": True})
            show_progress(self.stdout, done, len(work))
        if work:
            self.stdout.write("")
        alerts_deleted, _ = due.stock_alerts.delete()
        deleted, _ = due.expired_sessions.delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased the details on {len(orders)} order(s) and {len(repairs)} repair "
                f"request(s); deleted {deleted} expired session(s) and {alerts_deleted} "
                "back-in-stock alert(s)."
            )
        )
