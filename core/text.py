"""Text a curator or a client may store: no control characters beyond tab and line breaks; and
whole numbers a client types.

Control characters render as nothing or garble exports (CSV, Atom XML refuses most of them).
Every project model refuses them in its text fields (core.models.PlainTextModel, through
`no_control_characters`), so the admin, the import, the services and the API all do; the API's
parser also refuses them anywhere in a JSON body (core.rest.parsers). Text from elsewhere (news
feeds) and text stored before the rule are passed through `printable` where they are written out.
"""

import re

from django.core.exceptions import ValidationError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = "Control characters (such as U+{code:04X}) are not allowed in text."
WHOLE_NUMBER = re.compile(r"[0-9]+")


def whole_number(text):
    """The number `text` spells in ASCII digits only, or None.

    `str.isdigit()` also holds for "²", which `int()` refuses (a 500 where a 400 was meant), and
    `int()` reads "٣", " 3" and "1_0" too: one address, many spellings.
    """
    if isinstance(text, str) and WHOLE_NUMBER.fullmatch(text):
        return int(text)
    return None


def _problem(text):
    """The message for the first control character in `text`, or None."""
    match = CONTROL_CHARACTERS.search(text)
    return MESSAGE.format(code=ord(match.group())) if match else None


def no_control_characters(value):
    """A field validator: refuses text holding a control character."""
    message = _problem(value) if isinstance(value, str) else None
    if message:
        raise ValidationError(message, code="control_character")


def printable(text):
    """`text` with each control character replaced by a space: vertical tabs and form feeds,
    the ones pasted text brings, separate words, and XML 1.0 admits none of them."""
    return CONTROL_CHARACTERS.sub(" ", text)


def control_character_errors(data, path=""):
    """{"field.sub.0": message} for every string in `data` (JSON-like) holding a control character."""
    errors = {}
    if isinstance(data, str):
        message = _problem(data)
        if message:
            errors[path or "non_field_errors"] = [message]
    elif isinstance(data, dict):
        for key, value in data.items():
            errors.update(control_character_errors(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            errors.update(control_character_errors(value, f"{path}.{index}" if path else str(index)))
    return errors
