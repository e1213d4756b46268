"""A curator's feed address cannot turn the server against itself: local files only inside
FEEDS_DIR, remote feeds only from public addresses (or FEEDS_ALLOWED_NETWORKS), within a size and
a time limit; refused when saved and again when read, the reason kept as the feed's last error.

Nothing here connects beyond 127.0.0.1: a test that would is stopped before it connects."""

import ipaddress
import os
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from leads import fetching
from leads.addresses import validate_feed_address
from leads.fetching import FeedError, read_feed
from leads.models import Feed, Lead
from leads.services import leads_fetch
from tests.factories import ActorFactory, FeedFactory

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Steppe Wire</title>'
    b"<link>https://news.example/</link><description>News</description>"
    b"<item><title>Karim Massimov sentenced</title><link>https://news.example/1</link><guid>wire-1</guid></item>"
    b"</channel></rss>"
)
LOOPBACK = ["127.0.0.0/8"]


@pytest.fixture(autouse=True)
def only_loopback_connections(monkeypatch):
    """Any connection beyond this machine fails the test: refusals must come before connecting."""
    connect = socket.socket.connect

    def guarded(sock, address):
        assert ipaddress.ip_address(address[0]).is_loopback, f"tried to connect to {address}"
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def feeds_dir(settings, tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "wire.rss").write_bytes(RSS)
    (tmp_path / "outside.rss").write_bytes(RSS)
    settings.FEEDS_DIR = folder
    return folder


@pytest.fixture
def resolving(monkeypatch):
    """Make-believe names: `resolving["intranet.example"] = "10.0.0.5"`; other names as usual."""
    names = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (names[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


class FeedServer(BaseHTTPRequestHandler):
    """/feed.rss, /redirect?<address>, /loop, /big, /missing, and two that drip a byte at a time."""

    def do_GET(self):
        self.server.seen.append((self.path, self.headers["Host"]))
        path, _, query = self.path.partition("?")
        if path == "/feed.rss":
            self.answer(200, RSS)
        elif path in ("/redirect", "/loop"):
            self.send_response(302)
            self.send_header("Location", urllib.parse.unquote(query) if path == "/redirect" else "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/big":
            self.answer(200, RSS + b" " * 5000)
        elif path == "/drip-body":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.drip(RSS)
        elif path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.drip(b"X-Slow: " + b"z" * 1000)
        else:
            self.answer(404, b"no such feed")

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def drip(self, content):
        """One byte every 50 ms, never pausing long enough for a per-read timeout to fire."""
        try:
            for byte in content[:100]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the reader gave up, as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    httpd.daemon_threads = True
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    httpd.address = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def refused_on_save_and_on_reading(url, reason):
    """Saving `url` is a validation error and reading it a FeedError, both saying `reason`."""
    with pytest.raises(ValidationError) as on_save:
        validate_feed_address(url)
    assert reason in on_save.value.message
    with pytest.raises(FeedError) as on_reading:
        read_feed(url)
    assert reason in str(on_reading.value)


# Local files


def test_a_file_inside_feeds_dir_is_read_by_its_path_or_its_name(feeds_dir):
    validate_feed_address(str(feeds_dir / "wire.rss"))

    assert [entry.entry_id for entry in read_feed(str(feeds_dir / "wire.rss"))] == ["wire-1"]
    assert [entry.entry_id for entry in read_feed("wire.rss")] == ["wire-1"]


def test_every_local_path_is_refused_while_feeds_dir_is_unset(settings, tmp_path):
    settings.FEEDS_DIR = None
    (tmp_path / "wire.rss").write_bytes(RSS)

    refused_on_save_and_on_reading(
        str(tmp_path / "wire.rss"), "refused: local feed files are read only from the folder FEEDS_DIR names"
    )
    refused_on_save_and_on_reading("wire.rss", "FEEDS_DIR names, and it is not set")


def test_a_device_is_refused_without_being_read(settings):
    settings.FEEDS_DIR = "/dev"

    refused_on_save_and_on_reading("/dev/zero", "/dev/zero is not a regular file")


def test_a_symlink_to_a_device_is_refused(feeds_dir):
    (feeds_dir / "zero.rss").symlink_to("/dev/zero")

    refused_on_save_and_on_reading(str(feeds_dir / "zero.rss"), "leads to /dev/zero, which is outside FEEDS_DIR")


def test_a_fifo_or_a_folder_inside_feeds_dir_is_refused_without_waiting(feeds_dir):
    os.mkfifo(feeds_dir / "pipe.rss")
    (feeds_dir / "folder.rss").mkdir()

    refused_on_save_and_on_reading(str(feeds_dir / "pipe.rss"), "pipe.rss is not a regular file")
    refused_on_save_and_on_reading(str(feeds_dir / "folder.rss"), "folder.rss is not a regular file")


def test_a_path_outside_feeds_dir_is_refused(feeds_dir):
    refused_on_save_and_on_reading("/etc/passwd", f"refused: /etc/passwd is outside FEEDS_DIR ({feeds_dir})")
    refused_on_save_and_on_reading(str(feeds_dir.parent / "outside.rss"), "is outside FEEDS_DIR")


def test_a_symlink_out_of_feeds_dir_is_refused(feeds_dir):
    (feeds_dir / "sneaky.rss").symlink_to(feeds_dir.parent / "outside.rss")

    refused_on_save_and_on_reading(str(feeds_dir / "sneaky.rss"), "outside.rss, which is outside FEEDS_DIR")


def test_dot_dot_out_of_feeds_dir_is_refused(feeds_dir):
    refused_on_save_and_on_reading(f"{feeds_dir}/../outside.rss", "outside.rss, which is outside FEEDS_DIR")
    refused_on_save_and_on_reading("../outside.rss", "is outside FEEDS_DIR")


def test_an_oversized_file_is_refused(feeds_dir, monkeypatch):
    monkeypatch.setattr(fetching, "MAX_BYTES", len(RSS) - 1)

    with pytest.raises(FeedError, match=f"refused: the feed is larger than {len(RSS) - 1:,} bytes$"):
        read_feed("wire.rss")


# Remote addresses


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("file:///etc/passwd", "file"), ("ftp://news.example/feed.xml", "ftp"), ("gopher://127.0.0.1/", "gopher")],
)
def test_addresses_other_than_http_are_refused(url, scheme):
    refused_on_save_and_on_reading(url, f"refused: {scheme}: addresses are not read, only http:// and https://")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/feed", "127.0.0.1 is a loopback address"),
        ("http://127.1/feed", "127.1 resolves to 127.0.0.1, a loopback address"),
        ("http://localhost/feed", "localhost resolves to 127.0.0.1, a loopback address"),
        ("http://[::1]/feed", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/feed", "::ffff:127.0.0.1 is a loopback address"),
        ("https://10.1.2.3/feed", "10.1.2.3 is a private address"),
        ("http://192.168.0.1/feed", "192.168.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/feed", "fe80::1 is a link-local address"),
        ("http://224.0.0.1/feed", "224.0.0.1 is a multicast address"),
        ("http://[ff02::1]/feed", "ff02::1 is a multicast address"),
        ("http://0.0.0.0/feed", "0.0.0.0 is an unspecified address"),
        ("http://240.0.0.1/feed", "240.0.0.1 is a reserved address"),
    ],
)
def test_addresses_that_are_not_public_are_refused_before_any_connection(url, reason):
    refused_on_save_and_on_reading(url, f"refused: {reason}; FEEDS_ALLOWED_NETWORKS can allow it")


def test_a_name_that_resolves_to_a_private_address_is_refused_when_read(resolving):
    resolving["intranet.example"] = "10.0.0.5"

    validate_feed_address("https://intranet.example/feed")  # saving looks nothing up
    with pytest.raises(FeedError, match=r"intranet\.example resolves to 10\.0\.0\.5, a private address"):
        read_feed("https://intranet.example/feed")


def test_a_loopback_server_is_read_when_feeds_allowed_networks_lists_it(settings, server):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK

    validate_feed_address(f"{server.address}/feed.rss")
    assert [entry.entry_id for entry in read_feed(f"{server.address}/feed.rss")] == ["wire-1"]


def test_the_address_checked_is_the_one_connected_to_and_the_name_is_kept(settings, server, resolving):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK
    resolving["feeds.newsroom.example"] = "127.0.0.1"
    port = server.server_address[1]

    assert read_feed(f"http://feeds.newsroom.example:{port}/feed.rss")
    assert server.seen == [("/feed.rss", f"feeds.newsroom.example:{port}")]


def test_a_redirect_within_the_bounds_is_followed(settings, server):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK

    assert read_feed(f"{server.address}/redirect?/feed.rss")
    assert [path for path, _ in server.seen] == ["/redirect?/feed.rss", "/feed.rss"]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://10.1.2.3/feed.rss", "10.1.2.3 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("file:///etc/passwd", "file: addresses are not read"),
    ],
)
def test_a_redirect_from_an_allowed_server_to_a_refused_address_is_refused(settings, server, target, reason):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK

    with pytest.raises(FeedError) as refused:
        read_feed(f"{server.address}/redirect?{urllib.parse.quote(target)}")
    assert str(refused.value).startswith(f"refused: {reason}")


def test_endless_redirects_are_given_up(settings, server):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK

    with pytest.raises(FeedError, match="more than 5 redirects"):
        read_feed(f"{server.address}/loop")


def test_an_oversized_answer_is_refused(settings, server, monkeypatch):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK
    monkeypatch.setattr(fetching, "MAX_BYTES", 1000)

    with pytest.raises(FeedError, match="larger than 1,000 bytes"):
        read_feed(f"{server.address}/big")


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_server_that_drips_is_given_up_at_the_time_limit(settings, server, monkeypatch, path):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK
    monkeypatch.setattr(fetching, "TIMEOUT_SECONDS", 1)
    started = time.monotonic()

    with pytest.raises(FeedError, match="took longer than 1 s"):
        read_feed(f"{server.address}{path}")
    assert time.monotonic() - started < 2


def test_an_error_answer_is_reported_with_its_status(settings, server):
    settings.FEEDS_ALLOWED_NETWORKS = LOOPBACK

    with pytest.raises(FeedError, match="the server answered 404 Not Found"):
        read_feed(f"{server.address}/missing")


# Feeds saved and read


@pytest.mark.django_db
def test_a_refusal_is_kept_as_the_last_error_and_the_other_feeds_are_still_read(settings, feeds_dir):
    ActorFactory(slug="karim-massimov", name="Karim Massimov", sort_name="Massimov, Karim")
    # Saved before the bounds, or before FEEDS_DIR moved: refused when read.
    metadata = FeedFactory(name="Metadata", url="http://169.254.169.254/latest/meta-data/")
    moved = FeedFactory(name="Moved", url=str(feeds_dir.parent / "outside.rss"))
    wire = FeedFactory(name="Wire", url=str(feeds_dir / "wire.rss"))

    report = leads_fetch(feeds=[metadata, moved, wire])

    assert [item.feed.name for item in report.failed] == ["Metadata", "Moved"]
    metadata.refresh_from_db()
    moved.refresh_from_db()
    assert metadata.last_error == (
        "refused: 169.254.169.254 is a link-local address; FEEDS_ALLOWED_NETWORKS can allow it"
    )
    assert "is outside FEEDS_DIR" in moved.last_error
    assert metadata.last_fetched is not None
    assert Lead.objects.filter(feed=wire).count() == 1


@pytest.mark.django_db
def test_an_unexpected_failure_on_one_feed_leaves_the_others_readable(feeds_dir, monkeypatch):
    ActorFactory(slug="karim-massimov", name="Karim Massimov", sort_name="Massimov, Karim")
    appointed = b"<item><title>Karim Massimov appointed</title><guid>wire-0</guid></item>"
    (feeds_dir / "wire.rss").write_bytes(RSS.replace(b"<item>", appointed + b"<item>"))
    (feeds_dir / "other.rss").write_bytes(RSS.replace(b"wire-1", b"other-1").replace(b"sentenced", b"freed"))
    buggy = FeedFactory(name="Buggy", url="wire.rss")
    other = FeedFactory(name="Other", url="other.rss")

    def suggest_with_a_bug(title, summary):
        if "sentenced" in title:
            raise ZeroDivisionError("a bug met on the second entry")
        return None

    monkeypatch.setattr("leads.services.suggest", suggest_with_a_bug)

    report = leads_fetch(feeds=[buggy, other])

    buggy.refresh_from_db()
    assert buggy.last_error == (
        "unexpected error, reported in the server's log: ZeroDivisionError: a bug met on the second entry"
    )
    assert (report.feeds[0].new_leads, report.feeds[1].new_leads) == (0, 1)
    assert not Lead.objects.filter(feed=buggy).exists()  # its first entry's lead was rolled back
    assert Lead.objects.filter(feed=other).count() == 1


@pytest.mark.django_db
def test_full_clean_refuses_a_feed_whose_address_is_out_of_bounds():
    feed = Feed(name="Passwords", url="file:///etc/passwd")

    with pytest.raises(ValidationError) as refused:
        feed.full_clean()
    assert refused.value.message_dict["url"] == [
        "refused: file: addresses are not read, only http:// and https:// ones"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:5432/", "127.0.0.1 is a loopback address; FEEDS_ALLOWED_NETWORKS can allow it"),
        ("/etc/passwd", "/etc/passwd is outside FEEDS_DIR"),
    ],
)
def test_the_admin_add_form_names_what_is_wrong_with_the_address(admin_client, feeds_dir, url, reason):
    response = admin_client.post("/admin/leads/feed/add/", {"name": "Sneaky", "url": url, "active": "on"})

    assert response.status_code == 200
    assert reason in " ".join(response.context["adminform"].form.errors["url"])
    assert not Feed.objects.exists()


@pytest.mark.django_db
def test_the_admin_add_form_saves_a_feed_file_inside_feeds_dir(admin_client, feeds_dir):
    response = admin_client.post(
        "/admin/leads/feed/add/", {"name": "Wire", "url": str(feeds_dir / "wire.rss"), "active": "on"}
    )

    assert response.status_code == 302
    assert Feed.objects.get().url == str(feeds_dir / "wire.rss")


def test_an_entrys_summary_is_kept_to_a_teasers_length(tmp_path, settings):
    settings.FEEDS_DIR = str(tmp_path)
    long_summary = "word " * 5000
    (tmp_path / "long.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>A</title>'
        f"<link>https://wire.example/a</link><description>{long_summary}</description></item></channel></rss>"
    )
    (entry,) = fetching.read_feed(str(tmp_path / "long.rss"))
    assert len(entry.summary) == fetching.MAX_SUMMARY_CHARS
