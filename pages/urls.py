from django.urls import path

from pages import views

app_name = "pages"

# One slug for both languages (/informations/cookies/, /en/informations/cookies/),
# so the language switcher always finds the same page in the other language.
urlpatterns = [
    path("informations/<slug:slug>/", views.detail, name="detail"),
]
