from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from common.page_cache import anonymous_page, depends_on
from pages.models import Page


@require_safe
@anonymous_page
def detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    depends_on(request, "pages")
    return render(request, "pages/page.html", {"page": page})
