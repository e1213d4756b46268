"""Reading one feed with feedparser: from its address or a local file, into plain entries.

Only within the bounds `leads.addresses` sets, checked here again for every connection
(redirects included) and every file opened; at most MAX_BYTES, within TIMEOUT_SECONDS in all.
A feed that is refused, cannot be reached, or is not a well-formed RSS or Atom document raises
FeedError with a reason a curator can act on; a half-read document gives no entries at all.
An entry's text has its control characters replaced: a lead, like every row, refuses them, and
one news item should not stop the feed from being read.
"""

import calendar
import datetime
import http.client
import io
import ipaddress
import os
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

import feedparser
from django.utils.html import strip_tags

from core.text import printable

from . import addresses

# Module constants rather than settings so that tests can shrink them; the limits hold for
# local files too, whatever the file or the server sends.
TIMEOUT_SECONDS = 30
MAX_BYTES = 10 * 1024 * 1024
# A lead's summary is a teaser for triage; one entry must not store a whole feed's worth.
MAX_SUMMARY_CHARS = 5000
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
USER_AGENT = "kzwatch-leads/1.0 (+https://github.com/kzwatch)"
REDIRECTS = (301, 302, 303, 307, 308)
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


class Deadline:
    """The moment the whole reading of one feed must end, redirects and all."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self):
        """Seconds still left; TimeoutError once there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


class DeadlineReader(io.RawIOBase):
    """A socket's incoming bytes, each read waiting only as long as the deadline leaves: a
    timeout per read alone would let a server that drips a byte at a time hold us for ever."""

    def __init__(self, sock, deadline):
        super().__init__()
        self.sock, self.deadline = sock, deadline
        # The socket's own file, so that the socket stays open for it as for any reader.
        self.raw = sock.makefile("rb", buffering=0)

    def readable(self):
        return True

    def readinto(self, buffer):
        self.sock.settimeout(self.deadline.left())
        return self.raw.readinto(buffer)

    def close(self):
        self.raw.close()
        super().close()


class DeadlineSocket:
    """What http.client uses of a connected socket (sendall, makefile, close), bound by a deadline."""

    def __init__(self, sock, deadline):
        self.sock, self.deadline = sock, deadline

    def sendall(self, data):
        self.sock.settimeout(self.deadline.left())
        self.sock.sendall(data)

    def makefile(self, mode):
        return io.BufferedReader(DeadlineReader(self.sock, self.deadline))

    def close(self):
        self.sock.close()


def connect_checked(host, port, deadline):
    """A socket connected to an address of `host` that the bounds allow, or Refused.

    Every address the name resolves to is checked, then one of them is connected to: the very
    address checked, so the name cannot resolve elsewhere in between (DNS rebinding).
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FeedError(f"unreachable: {host}: {error.strerror}") from error
    for *_, sockaddr in found:
        addresses.check_ip(ipaddress.ip_address(sockaddr[0]), host=host)
    problem = None
    for family, kind, proto, _, sockaddr in found:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.left())
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            if isinstance(error, TimeoutError):
                raise
            problem = error
        else:
            return sock
    raise FeedError(f"unreachable: {host}: {problem.strerror or problem}")


class CheckedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection whose connect() goes only to an address the bounds allow."""

    def __init__(self, host, port, *, deadline):
        super().__init__(host, port)
        self.deadline = deadline

    def connect(self):
        self.sock = DeadlineSocket(connect_checked(self.host, self.port, self.deadline), self.deadline)


class CheckedHTTPSConnection(CheckedHTTPConnection):
    """The same over TLS; the certificate is checked against the name in the address (also sent
    as SNI and in the Host header), whatever address it resolved to."""

    default_port = http.client.HTTPS_PORT

    def connect(self):
        sock = connect_checked(self.host, self.port, self.deadline)
        try:
            sock.settimeout(self.deadline.left())
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = DeadlineSocket(sock, self.deadline)


def _get(url, deadline):
    """The body of the answer at `url` after at most MAX_REDIRECTS redirects, each checked."""
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port = addresses.check_remote(url)
        parts = urllib.parse.urlsplit(url)
        connection_class = CheckedHTTPSConnection if scheme == "https" else CheckedHTTPConnection
        connection = connection_class(host, port, deadline=deadline)
        try:
            connection.request(
                "GET",
                urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")),
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            )
            with connection.getresponse() as response:
                if response.status in REDIRECTS and response.getheader("Location"):
                    url = urllib.parse.urljoin(url, response.getheader("Location"))
                    continue
                if response.status != 200:
                    raise FeedError(f"the server answered {response.status} {response.reason}")
                return _read_limited(response)
        finally:
            connection.close()
    raise FeedError(f"more than {MAX_REDIRECTS} redirects")


def _read_limited(stream):
    """At most MAX_BYTES of `stream`, read in chunks; FeedError if there is more."""
    chunks, size = [], 0
    while chunk := stream.read1(min(CHUNK_BYTES, MAX_BYTES + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise FeedError(f"refused: the feed is larger than {MAX_BYTES:,} bytes")
    return b"".join(chunks)


def _download(url):
    deadline = Deadline(TIMEOUT_SECONDS)
    try:
        return _get(url, deadline)
    except addresses.Refused as error:
        raise FeedError(str(error)) from error
    except TimeoutError as error:
        raise FeedError(f"took longer than {deadline.seconds} s") from error
    except ssl.SSLError as error:
        raise FeedError(f"unreachable: TLS: {error.reason or error}") from error
    except (http.client.HTTPException, OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else None
        raise FeedError(f"unreachable: {reason or error}") from error


def _read_file(path):
    try:
        real = addresses.local_path(path)
    except addresses.Refused as error:
        raise FeedError(str(error)) from error
    try:
        # Not following a symlink put in place since the check, nor waiting on a fifo to open.
        descriptor = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise FeedError(f"cannot read the file: {error.strerror or error}") from error
    with open(descriptor, "rb") as file:
        try:
            addresses.check_regular_file(os.fstat(file.fileno()).st_mode, path)
            return _read_limited(file)
        except addresses.Refused as error:
            raise FeedError(str(error)) from error
        except OSError as error:
            raise FeedError(f"cannot read the file: {error.strerror or error}") from error


def _published(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)


def read_feed(url):
    """The entries of the feed at `url` (an address or a file path within the bounds of
    `leads.addresses`), or FeedError."""
    content = _download(url) if addresses.is_remote(url) else _read_file(url)
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
                summary=printable(strip_tags(item.get("summary") or "")).strip()[:MAX_SUMMARY_CHARS],
            )
        )
    return entries
