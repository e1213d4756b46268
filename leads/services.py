"""Writes of the leads inbox: reading feeds into leads, and a curator's triage of one lead.

Each function takes keyword arguments only, calls `full_clean()` before every save and names
the acting user in history. `lead_convert` builds its draft with `events.services.event_create`.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from actors.models import Actor
from core.services import unique_slug, validated_save
from core.text import printable
from events.models import Event, EventType, ParticipantRole, Source
from events.services import event_create

from .fetching import FeedError, read_feed
from .keywords import suggest
from .matching import Matcher
from .models import Feed, Lead

# A draft needs some type; these stand in, in this order, when no keyword suggested one.
FALLBACK_TYPES = ("announcement", "statement")
PARTICIPANT_ROLE = "subject"
# A new source from a feed is graded F, "reliability cannot be judged", until a curator
# who has read the report grades it; its one citation likewise gets credibility 6.
NEW_SOURCE_RELIABILITY = Source.Reliability.F

logger = logging.getLogger(__name__)


@dataclass
class FeedReport:
    feed: Feed
    entries: int = 0
    new_leads: int = 0
    known: int = 0
    unmatched: int = 0
    error: str = ""


@dataclass
class FetchReport:
    feeds: list = field(default_factory=list)

    def total(self, name):
        return sum(getattr(report, name) for report in self.feeds)

    @property
    def failed(self):
        return [report for report in self.feeds if report.error]


def _valid_link(link):
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return ""
    return link if len(link) <= Lead._meta.get_field("link").max_length else ""


@transaction.atomic
def _store_entries(*, feed, entries, matcher, types, report):
    known = Lead.objects.filter(feed=feed).values_list("entry_id", "link")
    known_ids = {entry_id for entry_id, _ in known}
    known_links = {link for _, link in known if link}
    for entry in entries:
        link = _valid_link(entry.link)
        if entry.entry_id in known_ids or (link and link in known_links):
            report.known += 1
            continue
        match = matcher.match(f"{entry.title}\n{entry.summary}")
        if not match:
            report.unmatched += 1
            continue
        lead = Lead(
            feed=feed,
            entry_id=entry.entry_id,
            title=entry.title,
            link=link,
            published=entry.published,
            summary=entry.summary,
            matched=match.matched,
            suggested_type=types.get(suggest(entry.title, entry.summary)),
        )
        validated_save(lead)
        lead.actors.set(match.actors)
        lead.candidates.set(match.candidates)
        known_ids.add(entry.entry_id)
        known_links.add(link)
        report.new_leads += 1


def leads_fetch(*, feeds):
    """Read each feed and store its new entries that name a tracked actor as leads.

    A feed that fails, refused by `leads.addresses` or for any other reason, is reported with
    its reason kept on `Feed.last_error`; the others are still read. Entries already stored
    (same id or link in that feed) are skipped.
    """
    matcher = Matcher.from_database()
    types = EventType.objects.in_bulk(field_name="slug")
    result = FetchReport()
    for feed in feeds:
        report = FeedReport(feed=feed)
        result.feeds.append(report)
        try:
            entries = read_feed(feed.url)
            report.entries = len(entries)
            _store_entries(feed=feed, entries=entries, matcher=matcher, types=types, report=report)
        except FeedError as error:
            # The reason may quote the server or the document; the feed's row refuses control characters.
            report.error = printable(str(error))
        except Exception as error:
            # A bug met on one feed's content must not cost the other feeds their leads; its
            # entries were stored in one transaction, now rolled back, so none count.
            logger.exception("Reading the feed %s (%s) failed", feed.pk, feed.url)
            report.new_leads = report.known = report.unmatched = 0
            report.error = printable(f"unexpected error, reported in the server's log: {type(error).__name__}: {error}")
        feed.last_fetched = timezone.now()
        feed.last_error = report.error
        # The address is not checked again here: reading checked it, and an address refused since
        # it was saved (FEEDS_DIR changed) must still have its refusal recorded.
        validated_save(feed, exclude=["url"])
    return result


def _lead_type(lead):
    if lead.suggested_type_id:
        return lead.suggested_type
    fallback = EventType.objects.filter(slug__in=FALLBACK_TYPES).in_bulk(field_name="slug")
    for slug in FALLBACK_TYPES:
        if slug in fallback:
            return fallback[slug]
    raise ValidationError(
        f"The lead suggests no event type and there is no “{FALLBACK_TYPES[0]}” type to fall back on."
    )


def _lead_source(lead, day):
    """The source for the lead's report: the one already recorded at its address, or a new one."""
    existing = Source.objects.filter(url=lead.link).order_by("pk").first() if lead.link else None
    if existing:
        return existing
    title = lead.title[: Source._meta.get_field("title").max_length]
    source = Source(
        slug=unique_slug(model=Source, text=title),
        title=title,
        publisher=lead.feed.name[: Source._meta.get_field("publisher").max_length],
        url=lead.link,
        published_date=day,
        kind=Source.Kind.NEWS,
        language="ru" if any("а" <= letter <= "я" for letter in lead.title.lower()) else "en",
        reliability=NEW_SOURCE_RELIABILITY,
        note="Added from a news feed lead; graded F until a curator reads the report and grades it.",
    )
    return source


@transaction.atomic
def lead_convert(*, lead, user):
    """Turn a new lead into a draft event: its headline, day, suggested type, the actors it
    names as subjects (candidates flagged in their note), and its report as a source."""
    # Only the lead is locked: PostgreSQL cannot lock the nullable side of the join to its type.
    lead = Lead.objects.select_for_update(of=("self",)).select_related("feed", "suggested_type").get(pk=lead.pk)
    if lead.status != Lead.Status.NEW:
        raise ValidationError(f"This lead is already {lead.get_status_display().lower()}.")
    role = ParticipantRole.objects.filter(slug=PARTICIPANT_ROLE).first()
    if role is None:
        raise ValidationError(f"There is no “{PARTICIPANT_ROLE}” participant role to give the lead's actors.")
    published = lead.published or lead.created_at
    day = published.astimezone(datetime.UTC).date().isoformat()
    source = _lead_source(lead, day)
    if source.pk is None:
        validated_save(source, user)
    candidate_ids = set(lead.candidates.values_list("pk", flat=True))
    participants = [
        {
            "actor": actor,
            "role": role,
            "note": "Named only by a surname several actors share: check who is meant."
            if actor.pk in candidate_ids
            else "",
        }
        for actor in Actor.objects.filter(leads=lead).order_by("slug")
    ]
    event = event_create(
        user=user,
        title=lead.title[: Event._meta.get_field("title").max_length],
        type=_lead_type(lead),
        date=day,
        date_note=f"The day {lead.feed.name} published the report; the event itself may be earlier.",
        status=Event.Status.DRAFT,
        participants=participants,
        citations=[
            {
                "source": source,
                "quote": lead.title,
                "locator": "headline",
                "credibility": 6,
                "note": "From the leads inbox: the headline only. Read the report, then grade this and quote it.",
            }
        ],
    )
    lead.status = Lead.Status.CONVERTED
    lead.converted_event = event
    validated_save(lead, user)
    return event


@transaction.atomic
def lead_dismiss(*, lead, user, reason):
    """Set a new lead aside for good, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"dismiss_reason": "Say why the lead is dismissed."})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != Lead.Status.NEW:
        raise ValidationError(f"This lead is already {lead.get_status_display().lower()}.")
    lead.status = Lead.Status.DISMISSED
    lead.dismiss_reason = reason
    validated_save(lead, user)
    return lead
