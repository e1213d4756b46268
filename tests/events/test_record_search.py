"""On the whole record: a surname typed in Russian Cyrillic finds the very events its Latin
spelling finds, whether the event names the person in its text or among its participants."""

import difflib

import pytest

from actors.models import Actor
from actors.names import fold
from events.filters import EventFilterSet
from events.models import Event

pytestmark = pytest.mark.django_db


def surname_pairs():
    """(Cyrillic, Latin) spellings of each tracked person's surname, read from the record.

    The Cyrillic one is the last word of each Russian alias (the fixtures write forename first);
    its Latin one is the last word of the person's name or of an English or Kazakh-Latin alias,
    the nearest in folded letters (every one as near, when several are: Nazarbaev, Nazarbayev).
    Kazakh Cyrillic aliases are left out: they spell some vowels otherwise (Көшербаев for
    Kusherbayev), which the folding does not merge for names either.
    """
    pairs = set()
    for actor in Actor.objects.filter(kind=Actor.Kind.PERSON).prefetch_related("aliases"):
        latin = {actor.name.split()[-1]}
        latin |= {alias.name.split()[-1] for alias in actor.aliases.all() if alias.lang in ("en", "kk-Latn")}
        for alias in actor.aliases.all():
            if alias.lang != "ru":
                continue
            cyrillic = alias.name.split()[-1]
            nearness = {word: difflib.SequenceMatcher(None, fold(word), fold(cyrillic)).ratio() for word in latin}
            pairs |= {(cyrillic, word) for word, near in nearness.items() if near == max(nearness.values())}
    return sorted(pairs)


def found(word):
    filterset = EventFilterSet({"q": word}, queryset=Event.objects.published())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("slug", flat=True))


def test_every_tracked_surname_finds_the_same_events_in_cyrillic_and_in_latin(record):
    pairs = surname_pairs()
    results = {(cyrillic, latin): (found(cyrillic), found(latin)) for cyrillic, latin in pairs}
    differ = {
        pair: {"only in Cyrillic": sorted(by_cyrillic - by_latin), "only in Latin": sorted(by_latin - by_cyrillic)}
        for pair, (by_cyrillic, by_latin) in results.items()
        if by_cyrillic != by_latin
    }

    assert differ == {}
    # Not a vacuous pass: most of the record's people have a Russian alias, and take part in events.
    assert len(pairs) >= 150
    assert sum(1 for by_cyrillic, _ in results.values() if by_cyrillic) >= 100
    assert len(found("Назарбаев")) == len(found("Nazarbayev")) >= 100
