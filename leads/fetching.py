"""Reading one feed with feedparser: from its address or a local file, into plain entries.

A feed that cannot be reached, or that is not a well-formed RSS or Atom document, raises
FeedError with a reason a curator can act on; a half-read document gives no entries at all.
An entry's text has its control characters replaced: a lead, like every row, refuses them, and
one news item should not stop the feed from being read.
"""

import calendar
import datetime
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import feedparser
from django.utils.html import strip_tags

from core.text import printable

TIMEOUT_SECONDS = 30
MAX_BYTES = 10 * 1024 * 1024
USER_AGENT = "kzwatch-leads/1.0 (+https://github.com/kzwatch)"
# feedparser reports these on documents it read in full: a charset it had to guess, a server
# that called the feed text/html. Anything else means the XML itself is broken.
HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedError(Exception):
    """The feed could not be read; the message says why."""


@dataclass
class Entry:
    entry_id: str
    title: str
    link: str
    published: datetime.datetime | None
    summary: str


def _download(url):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read(MAX_BYTES)
    except urllib.error.HTTPError as error:
        raise FeedError(f"the server answered {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise FeedError(f"unreachable: {getattr(error, 'reason', error)}") from error


def _read_file(path):
    try:
        return Path(path).read_bytes()[:MAX_BYTES]
    except OSError as error:
        raise FeedError(f"cannot read the file: {error.strerror or error}") from error


def _published(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)


def read_feed(url):
    """The entries of the feed at `url` (http(s) address or file path), or FeedError."""
    content = _download(url) if url.startswith(("http://", "https://")) else _read_file(url)
    parsed = feedparser.parse(content)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, HARMLESS):
        raise FeedError(f"malformed feed: {problem}")
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed")
    entries = []
    for item in parsed.entries:
        link = printable(item.get("link") or "").strip()
        title = printable(strip_tags(item.get("title") or "")).strip()
        entry_id = printable(item.get("id") or link or title).strip()
        if not entry_id:
            continue
        entries.append(
            Entry(
                entry_id=entry_id[:500],
                title=title[:500] or "(no title)",
                link=link,
                published=_published(item),
                summary=printable(strip_tags(item.get("summary") or "")).strip(),
            )
        )
    return entries
