"""`{% first_paint_rules %}`: the first screen's style rules, in a <style>."""

from django import template
from django.utils.safestring import mark_safe

from common.first_paint import RULES

register = template.Library()


@register.simple_tag
def first_paint_rules():
    # Rules from the project's own style sheet, allowed by their hash in the CSP.
    return mark_safe(f"<style>{RULES}</style>")  # noqa: S308
