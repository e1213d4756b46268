"""A JSON serialization format (`json-exact`) for backups that keeps every microsecond.

Django's own JSON serializer cuts date-times to milliseconds, so a restored database would
differ from the backed-up one in every `updated_at` and tombstone time (and in any cursor
built on them). Registered in settings.SERIALIZATION_MODULES; the deserializer is Django's.
"""

import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401  (the format's reader)
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as JSONSerializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder
