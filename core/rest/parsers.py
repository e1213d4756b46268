"""The API's JSON parser: a body holding a control character in any string is a 400 naming where."""

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from core.text import control_character_errors


class TextJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        errors = control_character_errors(data)
        if errors:
            raise exceptions.ValidationError(errors)
        return data
