from common.http import mark_private


class PrivateAccountPagesMiddleware:
    """allauth's pages (sign-in, e-mail, password, second factor) show or take one
    person's details: no cache keeps them, no search engine indexes them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and (match.url_name or "").startswith(("account_", "mfa_")):
            mark_private(response)
        return response
