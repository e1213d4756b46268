"""API clients for the tests: anonymous ones from distinct addresses, token ones for a user.

The anonymous throttle counts per client address; giving each anonymous client its own
address keeps one test's requests from throttling another's.
"""

import itertools

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

_addresses = itertools.count(1)


def _address():
    number = next(_addresses)
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def anonymous_client():
    return APIClient(REMOTE_ADDR=_address())


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient(REMOTE_ADDR=_address())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
