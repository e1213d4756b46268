"""Text a curator or a client may store: no control characters beyond tab and line breaks; and
whole numbers a client types.

Control characters render as nothing or garble exports (CSV, Atom XML refuses most of them);
they are refused with a message naming the field, in the API (core.rest.parsers) and the admin
(core.admin.StaleEditForm).
"""

import re

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


def control_character_errors(data, path=""):
    """{"field.sub.0": message} for every string in `data` (JSON-like) holding a control character."""
    errors = {}
    if isinstance(data, str):
        match = CONTROL_CHARACTERS.search(data)
        if match:
            errors[path or "non_field_errors"] = [MESSAGE.format(code=ord(match.group()))]
    elif isinstance(data, dict):
        for key, value in data.items():
            errors.update(control_character_errors(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            errors.update(control_character_errors(value, f"{path}.{index}" if path else str(index)))
    return errors
