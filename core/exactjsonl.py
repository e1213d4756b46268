"""JSON Lines with every microsecond (`jsonl-exact`): the backups' format, one row a line.

A backup at size L holds many millions of rows: one JSON array (`json-exact`, the format of
earlier backups) can only be read whole, while lines are read, and written, one at a time.
Times are written as `json-exact` writes them. Registered in settings.SERIALIZATION_MODULES;
the deserializer is Django's.
"""

from django.core.serializers.jsonl import (
    Deserializer,  # noqa: F401  (the format's reader)
)
from django.core.serializers.jsonl import Serializer as JSONLSerializer

from core.exactjson import ExactJSONEncoder


class Serializer(JSONLSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder
