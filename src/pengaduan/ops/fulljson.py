"""Django's JSON serialization, but keeping times to the microsecond.

Django's JSON encoder cuts times to milliseconds and its XML loader strips whitespace around texts; a backup
must give back exactly what it took, so backups use this format ("jsonfull").
"""

from datetime import datetime, time

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime, time)):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = FullPrecisionEncoder


Deserializer = django_json.Deserializer
