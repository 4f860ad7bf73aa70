"""Response helpers shared by the site's views."""

from django.views.decorators.cache import cache_control

# Pages that show one person's data (an order, a repair, a cart): no proxy or
# browser cache may keep them, nor show them to the next person at a shared
# computer.
private_page = cache_control(private=True, no_store=True)
