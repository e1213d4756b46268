"""Who: actors (people and organisations), their names, factions, offices and tenures."""

from .actor import LANGUAGE_CHOICES, Actor, ActorQuerySet, Alias, Identifier
from .api_rows import SPAN_CAUSES, ApiActorIterable, with_api_rows
from .faction import Faction, Membership
from .office import Office, Tenure
from .span import HistoricalSpanQuerySet, Span, SpanQuerySet, meets

__all__ = [
    "LANGUAGE_CHOICES",
    "SPAN_CAUSES",
    "Actor",
    "ActorQuerySet",
    "Alias",
    "ApiActorIterable",
    "Faction",
    "HistoricalSpanQuerySet",
    "Identifier",
    "Membership",
    "Office",
    "Span",
    "SpanQuerySet",
    "Tenure",
    "meets",
    "with_api_rows",
]
