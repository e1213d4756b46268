from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """What crosses the border: the record in other tools' formats (CSV, Popolo) and events
    read in from files (the JSON and CSV import, its bulk path). Above `events` and `actors`,
    which never import it."""

    name = "exchange"
    verbose_name = "Exchange formats"
