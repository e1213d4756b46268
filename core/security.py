"""Login failures, lockouts and CSRF refusals go to the `kzwatch.security` log, beside refused
requests (core.middleware): who tried, from where, on what, and why it failed."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.views import csrf

security_log = logging.getLogger("kzwatch.security")


def _what(request):
    return f"{request.method} {request.path}" if request is not None else "an unknown request"


def log_login_failed(sender, credentials, request=None, **kwargs):
    # django-axes marks the request when it refused the login before any password was checked.
    locked = request is not None and getattr(request, "axes_locked_out", False)
    security_log.warning(
        "Failed login for %r from %s on %s (%s)",
        str(credentials.get("username", ""))[:150],
        request.META.get("REMOTE_ADDR") if request is not None else "an unknown address",
        _what(request),
        "locked out after repeated failures" if locked else "bad user name or password",
    )


def log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    security_log.warning(
        "Locked out %r from %s on %s after repeated failed logins",
        str(username or "")[:150],
        ip_address,
        _what(request),
    )


def csrf_failure(request, reason=""):
    """Django's CSRF refusal page, with the reason kept for the refused-request log line."""
    request.csrf_failure_reason = reason
    return csrf.csrf_failure(request, reason=reason)


def connect():
    user_login_failed.connect(log_login_failed, dispatch_uid="kzwatch.security.login_failed")
    user_locked_out.connect(log_locked_out, dispatch_uid="kzwatch.security.locked_out")
