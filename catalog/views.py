from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from catalog.models import Category, Product

PAGE_SIZE = 24


@require_GET
def product_list(request, category=None):
    products = Product.objects.for_listing()
    current_category = None
    if category is not None:
        current_category = get_object_or_404(Category, slug=category)
        products = products.filter(
            category__in=[current_category, *current_category.children.all()]
        )
    page = Paginator(products.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "products": page.object_list, "category": current_category}
    return render(request, "catalog/product_list.html", context)


@require_GET
def product_detail(request, slug):
    product = get_object_or_404(Product.objects.for_detail(), slug=slug)
    return render(request, "catalog/product_detail.html", {"product": product})
