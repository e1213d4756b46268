from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The analyst's pages: timeline, details, indexes, board and feed. They read `events` and
    `actors`; nothing imports them."""

    name = "pages"
    verbose_name = "Analyst pages"
