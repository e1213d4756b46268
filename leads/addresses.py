"""Where a feed may be read from: one rule, checked when a feed is saved and again when it is read.

`fetch_leads` reads feeds with the server's rights, so a curator's address must not turn them
against the server itself or its network:

- a local file only inside the folder `settings.FEEDS_DIR` names (no local files when it is
  unset), and only a regular file whose real path, symlinks and ".." resolved, stays in it;
- a remote feed only over http or https, and only from public addresses: loopback, private,
  link-local, multicast, reserved and unspecified addresses (IPv4 inside IPv6 too) are refused
  unless `settings.FEEDS_ALLOWED_NETWORKS` lists them.

A saved feed's host name is not looked up: what a name resolves to can change after saving, so
`fetching` checks every address it connects to, and saving does not depend on the network.
"""

import ipaddress
import os
import socket
import stat
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

SCHEMES = ("http", "https")
# The well-known NAT64 prefix: an IPv6 address that reaches the IPv4 address in its last 32 bits.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Names that always mean this machine (RFC 6761), refused without being looked up.
LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


class Refused(Exception):
    """The address is outside the bounds; the message says why and what could allow it."""


def is_remote(url):
    """Whether `url` is an address (any scheme) rather than the path of a local file."""
    return bool(urllib.parse.urlsplit(url).scheme)


def _allowed_networks():
    return [ipaddress.ip_network(network, strict=False) for network in settings.FEEDS_ALLOWED_NETWORKS]


def _embedded_ipv4(ip):
    """The IPv4 address an IPv6 one reaches (mapped, 6to4, NAT64), which the rules apply to."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _kind(ip):
    """What makes `ip` not a public address ("a loopback address"), or "" when it is public."""
    for attribute, kind in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, attribute):
            return kind
    return "" if ip.is_global else "not a public address"


def _spells(host, ip):
    try:
        return ipaddress.ip_address(host) == ip
    except ValueError:
        return False


def check_ip(ip, *, host):
    """Refused unless `ip` (an ipaddress object) is public or in FEEDS_ALLOWED_NETWORKS;
    `host` is the name that resolved to it, for the message."""
    reached = _embedded_ipv4(ip) or ip
    if any(candidate in network for network in _allowed_networks() for candidate in {ip, reached}):
        return
    kind = _kind(reached) or _kind(ip)
    if not kind:
        return
    subject = f"{host} is {kind}" if _spells(host, ip) else f"{host} resolves to {ip}, {kind}"
    raise Refused(f"refused: {subject}; FEEDS_ALLOWED_NETWORKS can allow it")


def _literal_ip(host):
    """The address `host` spells, in any form the resolver reads as one ("127.1", "0x7f000001",
    "::1"), or None for a name. Parsed here, never looked up."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_remote(url):
    """The (scheme, host, port) of a remote feed's address, or Refused: its scheme and, when the
    host is spelled as an address or is a loopback name, that address."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Refused(f"refused: {scheme}: addresses are not read, only http:// and https:// ones")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"refused: {error}") from error
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("refused: the address names no host")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        check_ip(ipaddress.ip_address("127.0.0.1"), host=host)
    ip = _literal_ip(host)
    if ip is not None:
        check_ip(ip, host=host)
    return scheme, host, port


def local_path(path):
    """The real path of a local feed file inside FEEDS_DIR, or Refused. A relative path is taken
    inside FEEDS_DIR. The file need not exist; when it does, it must be a regular file."""
    if not settings.FEEDS_DIR:
        raise Refused("refused: local feed files are read only from the folder FEEDS_DIR names, and it is not set")
    folder = Path(settings.FEEDS_DIR).resolve()
    try:
        real = (folder / path).resolve()
    except (OSError, ValueError, RuntimeError) as error:  # a NUL byte, a symlink loop
        raise Refused(f"refused: {path!r} is not a usable path: {error}") from error
    if not real.is_relative_to(folder):
        shown = f"{path} leads to {real}, which" if str(real) != str(path) else str(path)
        raise Refused(f"refused: {shown} is outside FEEDS_DIR ({folder})")
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return real  # reading it says why it cannot be read
    check_regular_file(mode, path)
    return real


def check_regular_file(mode, path):
    """Refused unless `mode` (of a stat) is a regular file's: never a device, fifo or folder,
    which could be endless or block."""
    if not stat.S_ISREG(mode):
        raise Refused(f"refused: {path} is not a regular file")


def validate_feed_address(value):
    """A model field validator: the feed's address within the bounds above, or a form error."""
    try:
        if is_remote(value):
            check_remote(value)
        else:
            local_path(value)
    except Refused as error:
        raise ValidationError(str(error), code="refused") from error
