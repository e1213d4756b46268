"""Login failures and lockouts go to the `kzwatch.security` log, beside refused writes."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed

security_log = logging.getLogger("kzwatch.security")


def log_login_failed(sender, credentials, request=None, **kwargs):
    security_log.warning(
        "Failed login for %r from %s",
        str(credentials.get("username", ""))[:150],
        request.META.get("REMOTE_ADDR") if request is not None else "unknown address",
    )


def log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    security_log.warning("Locked out %r from %s after repeated failed logins", str(username or "")[:150], ip_address)


def connect():
    user_login_failed.connect(log_login_failed, dispatch_uid="kzwatch.security.login_failed")
    user_locked_out.connect(log_locked_out, dispatch_uid="kzwatch.security.locked_out")
