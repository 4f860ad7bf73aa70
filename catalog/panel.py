"""What the listing shows of its filters: the filter panel's fieldsets with their
counts, the removable chips of the active filters, and the links that drop one."""

from django.utils.translation import gettext_lazy as _

from catalog.facets import SIZE_KINDS, size_kind
from catalog.filters import FACETS, FACETS_BY_PARAM

# The fieldsets flags share (Facet.panel).
PANELS = {"available": _("Availability")}
SUMMARY = _("%(group)s: %(chosen)s")


def without(query, name, value=None):
    """The query string `query` (a QueryDict) minus one value of `name`, or all of it, and page."""
    remaining = query.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
    encoded = remaining.urlencode()
    return f"?{encoded}" if encoded else "?"


def summary(legend, chosen):
    """A folded group's line: its legend and what is chosen in it ("Size: M, L")."""
    if not chosen:
        return str(legend)
    return SUMMARY % {"group": legend, "chosen": ", ".join(str(label) for label in chosen)}


def facet_groups(product_filter, facets, activities):
    """The filter panel's fieldsets, in FACETS order, each of a kind the template draws:
    "options" (checkboxes with counts, those with no product hidden unless chosen)
    or "range" (from and to). Flags share the fieldset their facet names. Each has a
    `key` (its name and, for sizes, their kind) and a `summary` of what is chosen in it,
    for the line that folds it."""
    data = product_filter.cleaned_data
    labels = facets.get("labels", {})
    groups, panels = [], {}

    def option(facet, value, label, count):
        chosen = data.get(facet.param)
        checked = bool(chosen) if facet.kind == "flag" else value in (chosen or [])
        return {
            "name": facet.param,
            "value": value,
            "label": label,
            "count": count,
            "checked": checked,
        }

    def options_group(name, legend, options, key=None):
        options = [o for o in options if o["count"] or o["checked"]]
        if options:
            groups.append(
                {
                    "kind": "options",
                    "name": name,
                    "key": key or name,
                    "legend": legend,
                    "options": options,
                }
            )

    for facet in FACETS:
        counts = facets.get(facet.param, {})
        if facet.kind == "flag":
            if facet.panel not in panels:
                panels[facet.panel] = {
                    "kind": "options",
                    "name": facet.panel,
                    "key": facet.panel,
                    "legend": PANELS[facet.panel],
                    "options": [],
                }
                groups.append(panels[facet.panel])
            panels[facet.panel]["options"].append(
                option(facet, "true", facet.label, counts.get("1", 0))
            )
        elif facet.kind == "range":
            values = [data.get(param) for param in facet.params]
            in_use = any(value is not None for value in values)
            if facet.only_where_measured and not (facets["applies"].get(facet.param) or in_use):
                continue
            chosen = [
                str(chip) % {"value": value}
                for chip, value in zip(facet.chips, values, strict=True)
                if value is not None
            ]
            groups.append(
                {
                    "kind": "range",
                    "name": facet.param,
                    "key": facet.param,
                    "legend": facet.label,
                    "summary": summary(facet.label, chosen),
                    "inputs": [
                        {"name": param, "label": label, "value": "" if value is None else value}
                        for param, label, value in zip(
                            facet.params, (_("From"), _("to")), values, strict=True
                        )
                    ],
                    "attrs": facet.attrs,
                }
            )
        elif facet.source == "variant" and facet.footwear is False:
            # Sizes other than shoe sizes: letters, children's, trousers apart.
            sizes_by_kind = {}
            for size in counts:
                label = labels.get(facet.param, {}).get(size, size)
                sizes_by_kind.setdefault(size_kind(size), []).append(
                    option(facet, size, label, counts[size])
                )
            for kind, legend in SIZE_KINDS:
                options_group(
                    facet.param, legend, sizes_by_kind.get(kind, []), f"{facet.param}-{kind}"
                )
        else:
            if facet.source == "activity":
                choices = [(a.slug, a.name) for a in activities]
            elif facet.source == "variant":
                names = labels.get(facet.param, {})
                choices = [(value, names.get(value, value)) for value in counts]
            else:
                choices = facet.choices
            options_group(
                facet.param,
                facet.label,
                [option(facet, value, label, counts.get(value, 0)) for value, label in choices],
            )
    for group in groups:
        if group["kind"] == "options":
            chosen = [o["label"] for o in group["options"] if o["checked"]]
            group["summary"] = summary(group["legend"], chosen)
    return groups


def active_chips(request_query, product_filter, facets=None):
    """One removable chip per active filter value, in the order the shopper chose them."""
    data = product_filter.cleaned_data
    labels = {
        "activite": dict(product_filter.activity_choices),
        **{facet.param: dict(facet.choices) for facet in FACETS if facet.choices},
        **((facets or {}).get("labels") or {}),
    }
    chips = []
    seen = set()
    for name in request_query:
        if name in ("page", "tri") or name not in data or name in seen:
            continue
        seen.add(name)
        cleaned = data[name]
        if cleaned in (None, "", [], False):
            continue
        if isinstance(cleaned, list):
            for value in cleaned:
                label = labels.get(name, {}).get(value, value)
                chips.append({"label": label, "url": without(request_query, name, value)})
            continue
        if name == "q":
            label = str(_("“%(value)s”")) % {"value": cleaned}
        else:
            facet = FACETS_BY_PARAM[name]
            if facet.kind == "flag":
                label = str(facet.chip)
            else:
                chip = facet.chips[facet.params.index(name)]
                label = str(chip) % {"value": cleaned}
        chips.append({"label": label, "url": without(request_query, name)})
    return chips
