from django.conf import settings

from shop.cart import SESSION_KEY, Cart


def cart(request):
    """The number of items in the cart, for the header; no query unless a session exists."""
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"cart_count": 0}
    if SESSION_KEY not in session:
        return {"cart_count": 0}
    return {"cart_count": len(Cart(session))}
