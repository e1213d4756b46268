"""What every endpoint of the JSON API shares: errors, paging, ETags, filters, writes, schema.

The router itself is `kzwatch.api`; the viewsets live beside their models in `actors.api`
and `events.api`. This package sits at project level because it serves both apps.
"""
