"""Before `make load`: a writer with a curator's event permissions and a token; prints the token.

Run with the project's Python (`manage.py shell < tests/load/prepare.py` is not needed:
`python tests/load/prepare.py`); the locust side never imports Django.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzwatch.settings")

import django

django.setup()

from django.contrib.auth.models import Permission, User  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

user, _ = User.objects.get_or_create(username="load-writer", defaults={"is_active": True})
user.user_permissions.set(
    Permission.objects.filter(
        content_type__app_label="events", codename__in=["add_event", "change_event", "view_event"]
    )
)
token, _ = Token.objects.get_or_create(user=user)
print(token.key)
