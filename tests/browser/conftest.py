"""Browser journeys: Playwright drives Debian's Chromium against a live server.

Every page a journey visits is checked with axe-core, and any console error
or Content Security Policy violation fails the test.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A dead proxy: Chromium's calls home go nowhere; localhost still passes.
    "--proxy-server=http://127.0.0.1:9",
]
SERIOUS = {"serious", "critical"}

# Collects CSP violations reported by the page itself.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Journey:
    """A browser tab that checks every page it lands on."""

    def __init__(self, page, axe, base_url):
        self.page = page
        self.axe = axe
        self.base_url = base_url
        self.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.add_init_script(CSP_LISTENER)

    def visit(self, path):
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def sign_in_to_admin(self, username, password):
        """Sign in through the admin's own form, as staff do: the password, then the
        code of their authenticator app (set up here if they have none yet)."""
        from django.contrib.auth.models import User

        from tests.factories import staff_second_factor, totp_code

        secret = staff_second_factor(User.objects.get(username=username))
        page = self.visit("/admin/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Connexion").click()
        page.wait_for_url("**/admin/deuxieme-facteur/**")
        self.check()
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Vérifier").click()
        page.wait_for_url("**/admin/")
        self.check()
        return page

    def check(self):
        """Fail on console errors, CSP violations and serious axe violations."""
        page = self.page
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations || []")
        assert violations == [], f"CSP violations on {page.url}: {violations}"
        assert self.console_errors == [], f"console errors on {page.url}: {self.console_errors}"
        results = self.axe.run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert serious == [], f"accessibility violations on {page.url}:\n" + "\n".join(serious)


@pytest.fixture
def journey(browser, axe, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Journey(page, axe, live_server.url)
    context.close()
