from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo tooling: the drawings the fixtures use and generated catalogues for benchmarks."""

    name = "demo"
    verbose_name = "Demo"
