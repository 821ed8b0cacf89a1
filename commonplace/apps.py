from django.apps import AppConfig


class CommonplaceConfig(AppConfig):
    """The composition layer: the lower layers learn here who follows their changes."""

    name = "commonplace"
    verbose_name = "Commonplace"

    def ready(self):
        from commonplace import wiring

        wiring.connect()
