from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from common import metrics
from millet_site import views
from millet_site.sitemaps import SITEMAPS
from shop import views as shop_views

handler400 = "millet_site.views.bad_request"
handler500 = "millet_site.views.server_error"
handler403 = "millet_site.views.permission_denied"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The payment provider's events (its dashboard or `localstripe` is told this address).
    path("paiement/webhook/", shop_views.payment_webhook, name="payment_webhook"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("catalog.urls")),
    path("", include("shop.urls")),
    path("", include("heritage.urls")),
    path("", include("repairs.urls")),
    path("", include("alerts.urls")),
    path("", include("pages.urls")),
    path("compte/donnees/", views.account_data_export, name="account_data_export"),
    path("compte/", include("accounts.urls")),
    path("compte/", include("allauth.urls")),
    path(
        "admin/donnees-personnelles/",
        admin.site.admin_view(views.personal_data_export),
        name="personal_data_export",
    ),
    # Staff read it in French or under /en/; they sign in at one address,
    # /admin/login/ (millet_site.admin_site), which nginx's limit guards.
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [path("media/<path:path>", views.media, name="media")]
