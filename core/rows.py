"""Plain rows attached to the model instances a page shows, fetched once per relation.

At 50 rows a page, the model instances, related managers and queryset clones of
`prefetch_related` cost more than the queries themselves; the JSON only needs a few columns.
"""

from collections import defaultdict
from itertools import islice

from django.db.models.query import ModelIterable


class AttachingIterable(ModelIterable):
    """Model instances, with `attach_rows` called once for all those fetched together (a whole
    page, or a chunk of `iterator()`), so the queries are as many for 5 rows as for 500."""

    def __iter__(self):
        instances = super().__iter__()
        size = self.chunk_size if self.chunked_fetch else None
        while chunk := list(islice(instances, size)):
            self.attach_rows(chunk)
            yield from chunk

    def attach_rows(self, instances):
        raise NotImplementedError


def grouped(rows, names):
    """`(owner id, *values)` rows as lists of dicts keyed by `names`, by owner id."""
    groups = defaultdict(list)
    for owner, *values in rows:
        groups[owner].append(dict(zip(names, values, strict=True)))
    return groups
