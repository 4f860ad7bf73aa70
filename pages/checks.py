"""`manage.py check --deploy --database default`: a shop open to the public names the
company that runs it, in full, and never a made-up one.

Like Django's own checks that read a database, these run only for the databases
the command names (`--database`); a database not migrated yet has nothing to say.
"""

from django.core import checks
from django.db import DatabaseError

from pages.models import DEMO_VALUE_MARKERS, TO_COMPLETE_MARKERS, DemoData, Page


@checks.register(checks.Tags.security, deploy=True)
def legal_pages(app_configs, databases=None, **kwargs):
    problems = []
    for alias in databases or ():
        pages = Page.objects.using(alias)
        try:
            unfinished = list(pages.holding(TO_COMPLETE_MARKERS).values_list("slug", flat=True))
            made_up = list(pages.holding(DEMO_VALUE_MARKERS).values_list("slug", flat=True))
            demo = list(DemoData.objects.using(alias).values_list("fixture", flat=True))
        except DatabaseError:  # not migrated yet (OperationalError, ProgrammingError)
            continue
        if unfinished:
            problems.append(
                checks.Error(
                    f"Information pages still to complete: {', '.join(unfinished)}.",
                    hint="Replace every [À COMPLÉTER : …] and [TO COMPLETE: …] in the admin "
                    "(Information pages, column 'left to complete').",
                    id="pages.E001",
                )
            )
        if made_up:
            problems.append(
                checks.Error(
                    f"Information pages hold the demo's made-up details: {', '.join(made_up)}.",
                    hint="Write the company's real name, address, registration and contacts "
                    "in place of those marked 'fictif' or 'fictitious'.",
                    id="pages.E002",
                )
            )
        if demo:
            problems.append(
                checks.Warning(
                    f"The demo data is loaded ({', '.join(demo)}): every page says the shop "
                    "is a demonstration.",
                    hint="Once real products, stores and pages replace the demo's, delete the "
                    "demo data rows in the admin (Information pages › Demo data).",
                    id="pages.W001",
                )
            )
    return problems
