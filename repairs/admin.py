from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_tools import ErasedFilter, erase_action
from repairs.forms import RepairMoveForm
from repairs.models import RepairPhoto, RepairRequest, RepairStatusChange, Status
from repairs.services import (
    PERSONAL_FIELDS,
    MoveRefused,
    repair_advance,
    repair_anonymise,
    repair_email_resend,
)
from repairs.views import photo_response

PREVIEW_WIDTH = 240


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
    fields = ["preview", "width", "height"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request")

    @admin.display(description=_("photo"))
    def preview(self, photo):
        """A thumbnail linking to the full photo, both served by the staff-only view."""
        url = reverse(
            "admin:repairs_repairrequest_photo",
            kwargs={"request_id": photo.request_id, "photo_id": photo.pk},
        )
        height = round(photo.height * PREVIEW_WIDTH / photo.width) if photo.width else None
        return format_html(
            '<a href="{}"><img src="{}" width="{}" height="{}" alt="{}"></a>',
            url,
            url,
            PREVIEW_WIDTH,
            height or PREVIEW_WIDTH,
            _("Photo sent with %(reference)s, open at full size")
            % {"reference": photo.request.reference},
        )


def _move_label(status):
    return _("Move to: %(status)s") % {"status": status.label}


# Formatted when the list is shown, in the language of whoever reads it.
move_label = lazy(_move_label, str)


def advance_action(status):
    @admin.action(description=move_label(status), permissions=["change"])
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


anonymise = erase_action(
    erase=lambda repair: repair_anonymise(repair=repair),
    refused=MoveRefused,
    description=_("Erase the shopper's details and photos (closed requests)"),
    log_message=_("Shopper's details and photos erased."),
    done_message=lambda count: (
        ngettext(
            "%(count)s request no longer holds the shopper's details.",
            "%(count)s requests no longer hold the shopper's details.",
            count,
        )
        % {"count": count}
    ),
)


@admin.register(RepairRequest)
class RepairRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "created_at", "name", "email", "item", "status", "quote_amount"]
    list_filter = ["status", AgeFilter, "quote_decision", ErasedFilter]
    list_select_related = ["product"]
    search_fields = ["reference", "email", "name", "product__name", "product_description"]
    readonly_fields = [
        "reference",
        "status",
        "quote_decision",
        "created_at",
        "updated_at",
        "anonymised_at",
    ]
    autocomplete_fields = ["product"]
    inlines = [PhotoInline, HistoryInline]
    actions = [
        resend_latest_email,
        anonymise,
        *(advance_action(status) for status in Status if status != Status.SUBMITTED),
    ]

    @admin.display(description=_("item"))
    def item(self, repair):
        return repair.item

    def has_add_permission(self, request):
        return False  # requests come from shoppers

    def has_delete_permission(self, request, obj=None):
        return False  # a repair's history stays, even erased

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.anonymised_at is not None:
            return [*self.readonly_fields, *PERSONAL_FIELDS]
        return self.readonly_fields

    def get_urls(self):
        photo = path(
            "<int:request_id>/photo/<int:photo_id>/",
            self.photo_view,
            name="repairs_repairrequest_photo",
        )
        move = path(
            "<int:request_id>/move/",
            self.admin_site.admin_view(self.move_view),
            name="repairs_repairrequest_move",
        )
        return [photo, move, *super().get_urls()]

    def move_view(self, request, request_id):
        """Staff who may change repair requests move one to its next step with a message
        for the shopper, through `repair_advance` (which e-mails them); a move it refuses
        is shown with its reason and nothing changes."""
        repair = get_object_or_404(RepairRequest, pk=request_id)
        if not self.has_change_permission(request, repair):
            raise PermissionDenied
        form = RepairMoveForm(request.POST or None, repair=repair)
        if request.method == "POST" and form.is_valid():
            to_status = Status(form.cleaned_data["to_status"])
            try:
                repair_advance(
                    repair=repair,
                    to_status=to_status,
                    by_user=request.user,
                    note=form.cleaned_data["note"],
                )
            except MoveRefused as reason:
                form.add_error(None, str(reason))
            else:
                self.log_change(request, repair, _("Moved to: %s") % to_status.label)
                self.message_user(
                    request,
                    _("%(reference)s is now “%(status)s”; the shopper is e-mailed within a minute.")
                    % {"reference": repair.reference, "status": to_status.label},
                    messages.SUCCESS,
                )
                return redirect("admin:repairs_repairrequest_change", repair.pk)
        # What the workshop decides from: the damage as described, and the photos.
        photo_inline = PhotoInline(self.model, self.admin_site)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Move %(reference)s to its next step") % {"reference": repair.reference},
            "opts": self.opts,
            "original": repair,
            "form": form,
            "photos": [
                photo_inline.preview(photo) for photo in repair.photos.select_related("request")
            ],
        }
        return TemplateResponse(request, "admin/repairs/repairrequest/move.html", context)

    def photo_view(self, request, request_id, photo_id):
        """A shopper's photo, for staff allowed to view repair requests; 404 for anyone else,
        so the address says nothing to them (not even that a sign-in page exists)."""
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_permission(request)):
            raise Http404("Not found")
        return photo_response(get_object_or_404(RepairPhoto, pk=photo_id, request_id=request_id))
