"""The keys of records that earlier releases named by what they said.

Before records had keys, a fixture named a tenure by its actor, office and start date, a
citation by its source, claim and quote. A correction to any of those made the next load add a
second row. `fixtures/legacy/keys.json` maps each natural key the released fixtures ever used
to the key the record now has; the migration that added keys and the fixture load of an
earlier release's files both read it, so such rows join their record instead of doubling it.
"""

import functools
import json

from django.conf import settings


@functools.cache
def _table():
    path = settings.BASE_DIR / "fixtures" / "legacy" / "keys.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def legacy_key(label, natural_key):
    """The key of the record that an earlier release named `natural_key`, or None.

    `label` is the model's "app.model"; a citation's natural key here names its claim by the
    claim's key: (source slug, claim kind, claim key, quote).
    """
    return _table().get(label, {}).get(json.dumps(list(natural_key), ensure_ascii=False))
