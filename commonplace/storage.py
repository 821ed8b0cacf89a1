from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Fingerprinted, compressed static files once collected (make serve collects them);
    before that (tests, runserver) a file is named as it is instead of failing the page."""

    manifest_strict = False
    # The reader's ES modules import each other by name: point each import at the
    # fingerprinted file, so that a browser never mixes old and new modules.
    support_js_module_import_aggregation = True

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # not collected yet
            return name
