"""The anonymous throttles, the API's and the pages': a count per client and fixed window, one
statement a request.

DRF's `AnonRateThrottle` keeps the time of every request in the window as a list, read,
trimmed and written back whole on each request: at 600 a minute, a list of up to 600
floats pickled twice a request, and two round trips to the shared cache. Here each client has
one number per window (`core.cache.count_hit`), so a client may send up to the rate in each
window; the refusal's Retry-After is the time left in the window.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from core.cache import count_hit


class AnonWindowRateThrottle(AnonRateThrottle):
    """Anonymous requests per client address (DRF's identification), counted per fixed window."""

    seconds_left = None

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        moment = self.timer()
        window = int(moment // self.duration)
        self.seconds_left = (window + 1) * self.duration - moment
        # A window past its end is never read again; it expires with it.
        hits = count_hit(self.cache, f"{self.key}:{window}", self.duration)
        return hits <= self.num_requests

    def wait(self):
        return self.seconds_left


class PageWindowRateThrottle(AnonWindowRateThrottle):
    """The pages' count (PAGE_ANON_RATE; `core.middleware`), apart from the API's: the same
    clients, told apart by the same rule (REMOTE_ADDR, or X-Forwarded-For past API_NUM_PROXIES)."""

    scope = "page"

    def get_rate(self):
        return settings.PAGE_ANON_RATE
