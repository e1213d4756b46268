"""Events as CSV: one row per event, the nested participants and citations flattened into cells.

The renderer takes the same JSON the API answers (EventSerializer's), so the CSV always
carries what the JSON does, and the same filters apply to both.
"""

import csv
import io

from rest_framework.renderers import BaseRenderer

from core.text import printable

COLUMNS = [
    "slug",
    "title",
    "type",
    "date",
    "date_start",
    "date_end",
    "date_display",
    "status",
    "location",
    "summary",
    "parent",
    "related",
    "participants",
    "participant_slugs",
    "sources",
    "source_ids",
    "created_at",
    "updated_at",
]
SEPARATOR = "; "
# A cell a spreadsheet would read as a formula gets a leading apostrophe (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    # A control character stored before the models refused them would garble a spreadsheet's row.
    text = printable(str(value))
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def event_row(event):
    """One event's JSON as a flat dict of COLUMNS."""
    participants = event.get("participants", [])
    citations = event.get("citations", [])
    return {
        **{name: event.get(name) for name in COLUMNS},
        "related": SEPARATOR.join(event.get("related", [])),
        "participants": SEPARATOR.join(f"{item['name']} ({item['role']})" for item in participants),
        "participant_slugs": SEPARATOR.join(item["actor"] for item in participants),
        "sources": SEPARATOR.join(
            f"{item['title']} [{item['reliability']}{item['credibility']}]"
            + (f" <{item['url']}>" if item["url"] else "")
            for item in citations
        ),
        "source_ids": SEPARATOR.join(str(item["source"]) for item in citations),
    }


class EventCSVRenderer(BaseRenderer):
    """`?format=csv` on the events list: every event the filters select, no paging."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for event in data or []:
            writer.writerow({name: _cell(value) for name, value in event_row(event).items()})
        return buffer.getvalue().encode(self.charset)
