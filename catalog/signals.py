"""What the catalogue announces to the apps that build on it (it imports none of them)."""

from django.dispatch import Signal

# Stock moved on these products, inside the transaction that moved it. Arguments:
# `product_ids`, the products whose stock changed; `in_stock`, those of them with a
# variant in stock now; `moved`, those whose stock flags changed (sold out, back in
# stock, a size or a colour gone or back), which listings count and show.
# Receivers that act on it defer their work to the commit.
stock_changed = Signal()

# Catalogue rows changed without a model's save() or delete() (the admin's bulk
# actions, generated catalogues, an index rebuilt): `product_ids`, the products
# concerned, or None for any of them.
catalogue_changed = Signal()
