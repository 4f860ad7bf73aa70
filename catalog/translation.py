"""The catalogue's texts in French and English (django-modeltranslation).

Each field named here gets a column per language (`name_fr`, `name_en`…);
`product.name` reads the active language's and falls back to French. French
is required, English optional. Sizes and colours are translated too, but
filters and pictures know them by their French name (`colour_fr`), the same
key in both languages, as slugs are.
"""

from modeltranslation.translator import TranslationOptions, register

from catalog.models import Activity, Category, Product, ProductImage, SizeGuide, Variant


class FrenchRequired(TranslationOptions):
    required_languages = ("fr",)


@register(Category)
class CategoryTranslationOptions(FrenchRequired):
    fields = ("name", "description")


@register(Activity)
class ActivityTranslationOptions(FrenchRequired):
    fields = ("name",)


@register(Product)
class ProductTranslationOptions(FrenchRequired):
    fields = (
        "name",
        "summary",
        "description",
        "repairability",
        "workshop",
        "country_of_manufacture",
    )


@register(Variant)
class VariantTranslationOptions(TranslationOptions):
    fields = ("size", "colour")


@register(ProductImage)
class ProductImageTranslationOptions(FrenchRequired):
    fields = ("alt_text", "colour")


@register(SizeGuide)
class SizeGuideTranslationOptions(FrenchRequired):
    fields = ("title", "table", "advice")
