from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.images import photo_reencode
from catalog.models import Product
from common.forms import TOO_LONG, FrenchPostcodeField, PhoneField, shop_errors
from common.visible_text import VisibleTextForm
from repairs.models import Status
from repairs.services import MAX_PHOTOS, TRANSITIONS


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos, each checked by Pillow; cleaned to metadata-free JPEG copies."""

    widget = MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(count)s photos, please."), params={"count": MAX_PHOTOS}
            )
        errors, copies = [], []
        for upload in files:
            try:
                copies.append(photo_reencode(upload))
            except ValidationError as error:
                errors.extend(f"{upload.name} : {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return copies


class RepairRequestForm(VisibleTextForm):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages=shop_errors(_("Give your first and last name.")),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,  # RepairRequest.email's
        error_messages=shop_errors(
            _("Give your e-mail address: we send the quote and news of the repair there."),
            invalid=_("Enter a valid e-mail address, such as anne@example.org."),
        ),
    )
    phone = PhoneField(required=False)
    product = forms.CharField(
        label=_("Product from our catalogue"),
        max_length=120,
        required=False,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Start typing its name and pick it from the suggestions."),
        widget=forms.TextInput(attrs={"list": "catalogue-products", "autocomplete": "off"}),
    )
    product_description = forms.CharField(
        label=_("Or describe the item"),
        max_length=200,
        required=False,
        error_messages={"max_length": TOO_LONG},
        help_text=_("For older gear, e.g. “Red Millet pack from the 1990s”."),
    )
    purchase_year = forms.IntegerField(
        label=_("Year of purchase"),
        required=False,
        min_value=1921,
        error_messages={
            "invalid": _("Enter the year in four digits, e.g. 2015."),
            "min_value": _("Millet was founded in 1921: enter a year from 1921 on."),
        },
    )
    damage = forms.CharField(
        label=_("What is damaged?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=shop_errors(_("Describe the damage so that we can quote the repair.")),
        help_text=_("Where, how big, since when: the more we know, the better the quote."),
    )
    photos = PhotosField(
        label=_("Photos (up to 3)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, 10 MB each at most."),
    )
    street = forms.CharField(
        label=_("Street and number"),
        max_length=200,
        error_messages=shop_errors(_("Give your street and number: we send the item back there.")),
    )
    postcode = FrenchPostcodeField()
    city = forms.CharField(
        label=_("City"), max_length=100, error_messages=shop_errors(_("Give your city."))
    )

    def clean_product(self):
        """The product whose name was typed or picked, or None when the field is empty."""
        name = self.cleaned_data["product"].strip()
        if not name:
            return None
        product = Product.objects.published().filter(name__iexact=name).first()
        if product is None:
            raise ValidationError(
                _("“%(name)s” is not in our catalogue: describe the item below instead."),
                params={"name": name},
            )
        return product

    def clean_purchase_year(self):
        year = self.cleaned_data["purchase_year"]
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("The year of purchase cannot be in the future."))
        return year

    def clean(self):
        data = super().clean()
        named = data.get("product") or data.get("product_description")
        if not named and "product" not in self.errors:
            self.add_error(
                "product_description", _("Choose the product in the list or describe the item.")
            )
        return data


class TrackingForm(VisibleTextForm):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        error_messages=shop_errors(_("Give the reference of your request, e.g. R-2026-00042.")),
    )
    email = forms.EmailField(
        label=_("E-mail used for the request"),
        error_messages=shop_errors(
            _("Give the e-mail address of your request."),
            invalid=_("Enter a valid e-mail address, such as anne@example.org."),
        ),
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class RepairMoveForm(VisibleTextForm):
    """Staff: the next step of a repair and what the shopper reads about it (admin)."""

    to_status = forms.ChoiceField(label=_("Next step"))
    note = forms.CharField(
        label=_("Message to the shopper"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Shown on the tracking page and in the e-mail the shopper receives."),
    )

    def __init__(self, *args, repair, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[repair.status]
        self.fields["to_status"].choices = [
            (status.value, status.label) for status in Status if status in allowed
        ]
