"""What happened and the evidence: events, who took part, sources and the citations they support."""

from .event import Event, EventQuerySet, Participation
from .evidence import Citation, Source
from .vocabulary import EventType, ParticipantRole

__all__ = ["Citation", "Event", "EventQuerySet", "EventType", "ParticipantRole", "Participation", "Source"]
