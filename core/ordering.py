"""Sort orders as data: a tuple of `Key`s orders a queryset and pages it by keyset.

A model states its order once as Keys; its QuerySet orders by them, and the API's cursor
paging (`core.rest.pagination`) starts each page strictly after the last row's key.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.db.models import F, Q

BIGINT_MAX = 2**63 - 1


@dataclass(frozen=True)
class Key:
    """One column of a keyset sort: its name, type, direction and where its NULLs go."""

    field: str
    kind: str = "str"  # "str", "int", "date" or "datetime": how the cursor stores the value
    descending: bool = False
    nulls_first: bool = False

    def order_expression(self):
        # Always say where NULLs go: PostgreSQL and SQLite disagree when it is left unsaid.
        nulls = {"nulls_first": True} if self.nulls_first else {"nulls_last": True}
        return F(self.field).desc(**nulls) if self.descending else F(self.field).asc(**nulls)

    def equal(self, value):
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})

    def after(self, value):
        """Rows that sort strictly after `value` in this column."""
        if value is None:
            # After NULL come the values only when NULLs sort first; otherwise nothing does.
            return Q(**{f"{self.field}__isnull": False}) if self.nulls_first else Q(pk__in=[])
        beyond = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        return beyond if self.nulls_first else beyond | Q(**{f"{self.field}__isnull": True})

    def dump(self, value):
        if value is None or self.kind in ("str", "int"):
            return value
        return value.isoformat()

    def load(self, value):
        """The cursor's value back as a Python value; ValueError when it is not one."""
        if value is None:
            if self.field == "pk":
                raise ValueError("a primary key is never null")
            return None
        if self.kind == "int":
            if type(value) is not int or not -BIGINT_MAX <= value <= BIGINT_MAX:
                raise ValueError("not a 64-bit integer")
            return value
        if not isinstance(value, str) or len(value) > 1000:
            raise ValueError("not a string")
        if self.kind == "date":
            return datetime.date.fromisoformat(value)
        if self.kind == "datetime":
            return datetime.datetime.fromisoformat(value)
        return value


def keyset(*keys):
    """A total order: the given keys, then the primary key in the direction of the last one."""
    descending = keys[-1].descending if keys else False
    return (*keys, Key("pk", kind="int", descending=descending))


def order_by_keys(queryset, keys):
    """`queryset` sorted by `keys`, NULLs placed as each key says."""
    return queryset.order_by(*(key.order_expression() for key in keys))


def after_position(keys, position):
    """Rows that sort strictly after `position` (one value per key) in the order `keys` give."""
    condition = Q(pk__in=[])
    for index, key in enumerate(keys):
        branch = key.after(position[index])
        for earlier, value in zip(keys[:index], position[:index], strict=True):
            branch &= earlier.equal(value)
        condition |= branch
    return condition


def encode_position(keys, row):
    """`row`'s place in the order `keys` give, as an opaque URL-safe cursor."""
    values = [key.dump(getattr(row, key.field)) for key in keys]
    return base64.urlsafe_b64encode(json.dumps(values).encode("utf-8")).decode("ascii")


def decode_position(raw, keys):
    """A cursor from `encode_position` back as one value per key; ValueError when it is not one."""
    try:
        values = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")).decode("utf-8"))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong length")
        return [key.load(value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, UnicodeError, binascii.Error, OverflowError) as error:
        raise ValueError("invalid cursor") from error


def page_after(queryset, keys, raw_cursor, size):
    """One page of `queryset` in the order `keys` give, starting after `raw_cursor` (or at the top).

    Returns the rows and the cursor of the next page (None on the last); ValueError for a bad cursor.
    """
    queryset = order_by_keys(queryset, keys)
    if raw_cursor:
        queryset = queryset.filter(after_position(keys, decode_position(raw_cursor, keys)))
    rows = list(queryset[: size + 1])
    next_cursor = encode_position(keys, rows[size - 1]) if len(rows) > size else None
    return rows[:size], next_cursor
