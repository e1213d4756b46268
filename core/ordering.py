"""Sort orders as data: a tuple of `Key`s orders a queryset and pages it by keyset.

A model states its order once as Keys; its QuerySet orders by them, and the API's cursor
paging (`core.rest.pagination`) starts each page strictly after the last row's key.
"""

import datetime
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
