"""Static files for production: hashed, compressed names once `collectstatic` has run, plain before."""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's manifest storage that falls back to plain names while there is no manifest.

    Without `collectstatic`, the manifest storage raises on every `{% static %}` and a page
    answers 500; here it answers the plain name, which whitenoise serves from the apps' own
    folders (settings.WHITENOISE_USE_FINDERS). `make serve` always collects first.
    """

    def url(self, name, force=False):
        if not self.hashed_files:
            return StaticFilesStorage.url(self, name)
        return super().url(name, force)
