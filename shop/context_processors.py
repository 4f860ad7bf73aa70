from django.conf import settings

from shop.cart import DELIVERY_FEE, FREE_DELIVERY_FROM, SESSION_KEY, Cart


def cart(request):
    """The number of items in the cart, for the header (no query unless a session
    exists), and the delivery terms the product pages state under their button."""
    terms = {"delivery_fee": DELIVERY_FEE, "free_delivery_from": FREE_DELIVERY_FROM}
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"cart_count": 0, **terms}
    if SESSION_KEY not in session:
        return {"cart_count": 0, **terms}
    return {"cart_count": len(Cart(session)), **terms}
