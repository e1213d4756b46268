"""Who may see drafts and retractions: one rule, and one way for a queryset to keep to it.

`sees_unpublished(user)` is the rule: users with the right to change events (named by the
wiring, settings.UNPUBLISHED_READERS_PERMISSION, so that this layer names no app). A queryset of
rows some readers may not see says what each kind of reader sees in `visible(sees_unpublished=)`
(a yes or no, as the API's compiled rows and the exports pass it) and inherits `visible_to(user)`,
which asks the rule.
"""

from django.conf import settings
from django.db import models


def sees_unpublished(user):
    """Whether `user` may see drafts and retractions: only users who may edit events."""
    return user is not None and user.is_authenticated and user.has_perm(settings.UNPUBLISHED_READERS_PERMISSION)


class VisibleQuerySet(models.QuerySet):
    """Rows some readers may not see; subclasses define `visible(sees_unpublished=)`."""

    def visible(self, *, sees_unpublished):
        raise NotImplementedError

    def visible_to(self, user):
        """What `user` may see, by the rule (`sees_unpublished`)."""
        return self.visible(sees_unpublished=sees_unpublished(user))
