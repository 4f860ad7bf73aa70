"""Tools of the libraries kept off the admin's home and menu, where their English names
("AXES", "Tasks Database Backend") meant nothing to staff: django-axes' sign-in lockouts
and the task worker's results. Their pages stay where they were; the home page's
"Maintenance" box (templates/admin/index.html) links to them, in the shop's words, for
whoever may view them (superusers: no staff group has the right)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_tasks_db.models import DBTaskResult


class OffTheMenu:
    def has_module_permission(self, request):
        return False


for model in (AccessAttempt, AccessLog, AccessFailureLog, DBTaskResult):
    if admin.site.is_registered(model):
        model_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, type(model_admin.__name__, (OffTheMenu, model_admin), {}))
