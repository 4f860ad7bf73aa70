from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairs.models import RepairPhoto, RepairRequest, RepairStatusChange, Status
from repairs.services import MoveRefused, repair_advance, repair_email_resend


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("week", _("Less than 7 days")),
            ("month", _("7 to 30 days")),
            ("older", _("More than 30 days")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "week":
                return queryset.filter(created_at__gte=now - timedelta(days=7))
            case "month":
                return queryset.filter(
                    created_at__lt=now - timedelta(days=7), created_at__gte=now - timedelta(days=30)
                )
            case "older":
                return queryset.filter(created_at__lt=now - timedelta(days=30))
        return queryset


class HistoryInline(admin.TabularInline):
    model = RepairStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "status", "note", "by", "emailed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = RepairPhoto
    extra = 0
    can_delete = False
    fields = ["image", "width", "height"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def advance_action(status):
    @admin.action(
        description=_("Move to: %(status)s") % {"status": status.label}, permissions=["change"]
    )
    def action(modeladmin, request, queryset):
        for repair in queryset:
            try:
                repair_advance(repair=repair, to_status=status, by_user=request.user)
                modeladmin.message_user(
                    request, f"{repair.reference} → {status.label}", messages.SUCCESS
                )
            except MoveRefused as reason:
                modeladmin.message_user(request, str(reason), messages.ERROR)

    action.__name__ = f"move_to_{status.value}"
    return action


@admin.action(description=_("E-mail the latest step again"), permissions=["change"])
def resend_latest_email(modeladmin, request, queryset):
    for repair in queryset:
        change = repair_email_resend(repair=repair)
        if change is not None:
            modeladmin.log_change(request, repair, _("Latest e-mail queued again."))
            modeladmin.message_user(
                request,
                _("%(reference)s: “%(status)s” will be e-mailed again within a minute.")
                % {"reference": repair.reference, "status": change.get_status_display()},
                messages.SUCCESS,
            )


@admin.register(RepairRequest)
class RepairRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "created_at", "name", "email", "item", "status", "quote_amount"]
    list_filter = ["status", AgeFilter, "quote_decision"]
    list_select_related = ["product"]
    search_fields = ["reference", "email", "name", "product__name", "product_description"]
    readonly_fields = ["reference", "status", "quote_decision", "created_at", "updated_at"]
    autocomplete_fields = ["product"]
    inlines = [PhotoInline, HistoryInline]
    actions = [
        resend_latest_email,
        *(advance_action(status) for status in Status if status != Status.SUBMITTED),
    ]

    @admin.display(description=_("item"))
    def item(self, repair):
        return repair.item

    def has_add_permission(self, request):
        return False  # requests come from shoppers
