"""Which tracked actors a news entry names: whole words, any script, shared surnames as candidates.

The text is split into words and each word folded with `actors.names.fold`, so "Массимов",
"Masimov" and "Massimov" are one word. A Russian case ending after -ov/-ev/-in is dropped
("Масимова", "Токаеву", "Назарбаевой"), and so is the feminine -a, so "Nazarbayeva" and
"Nazarbayev" share the family stem "nazarbaev". Nothing else is: "Tokayevs" is not "Tokayev",
and no name matches inside a longer word.

An actor is named by a full name or alias (every word of it, in order) or by their surname
alone. A surname that belongs to one tracked person names that person; one that several share
(Nursultan and Dariga Nazarbayev) names them all as candidates, unless the same entry names
one of them in full. Only people are matched: organisations such as the state itself would
turn every entry into a lead.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from actors.models import Actor, Alias
from actors.names import fold

WORD = re.compile(r"\w+")
# Russian noun and adjective case endings of -ov/-ev/-in surnames (folded), and the feminine -a.
SURNAME_ENDING = re.compile(r"(?<=ov|ev|in)(a|u|e|im|om|oi|oiu|ih|imi|ami|ah|i)$")


def stem(token):
    """A folded word with any Russian case ending of an -ov/-ev/-in surname removed."""
    return SURNAME_ENDING.sub("", token)


def words(text):
    """(word as written, its stemmed fold) for each word of `text`; a word may fold to several."""
    result = []
    for match in WORD.finditer(text or ""):
        for token in fold(match.group()).split():
            result.append((match.group(), stem(token)))
    return result


@dataclass
class Match:
    """What one entry names: the actors, those of them that are only candidates, the words."""

    actors: set = field(default_factory=set)
    candidates: set = field(default_factory=set)
    matched: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.actors)


class Matcher:
    """Every tracked person's names, folded once (two queries), to match any number of entries."""

    def __init__(self, people, aliases):
        self.phrases = defaultdict(set)  # tuple of stems -> actor ids (full names, two words or more)
        self.surnames = defaultdict(set)  # one stem -> actor ids
        self.longest = 1
        for actor_id, name, sort_name in people:
            surname = sort_name.split(",")[0] if "," in sort_name else name.split()[-1] if name.split() else ""
            self._add(actor_id, name)
            for token in (stem(token) for token in fold(surname).split()[-1:]):
                self.surnames[token].add(actor_id)
        for actor_id, name in aliases:
            self._add(actor_id, name)

    def _add(self, actor_id, name):
        phrase = tuple(stem(token) for token in fold(name).split())
        if len(phrase) == 1:
            self.surnames[phrase[0]].add(actor_id)
        elif phrase:
            self.phrases[phrase].add(actor_id)
            self.longest = max(self.longest, len(phrase))

    @classmethod
    def from_database(cls):
        people = Actor.objects.filter(kind=Actor.Kind.PERSON)
        return cls(
            people.values_list("pk", "name", "sort_name"),
            Alias.objects.filter(actor__kind=Actor.Kind.PERSON).values_list("actor_id", "name"),
        )

    def match(self, text):
        """The actors `text` names (ids), with the words that named them."""
        tokens = words(text)
        stems = [token for _, token in tokens]
        result = Match()
        covered = set()
        # Full names first, longest first, so a surname inside one is not read again on its own.
        for length in range(self.longest, 1, -1):
            for start in range(len(stems) - length + 1):
                span = range(start, start + length)
                if covered.intersection(span):
                    continue
                actors = self.phrases.get(tuple(stems[start : start + length]))
                if actors:
                    covered.update(span)
                    result.actors |= actors
                    if len(actors) > 1:
                        result.candidates |= actors
                    self._note(result, " ".join(tokens[index][0] for index in span), len(actors) > 1, "shared name")
        for index, token in enumerate(stems):
            actors = self.surnames.get(token)
            if index in covered or not actors:
                continue
            if actors & (result.actors - result.candidates):
                continue  # the same entry names one of them in full: that is who is meant
            result.actors |= actors
            if len(actors) > 1:
                result.candidates |= actors
            self._note(result, tokens[index][0], len(actors) > 1, "surname only")
        return result

    @staticmethod
    def _note(result, written, shared, why):
        word = f"{written} ({why})" if shared else written
        if word not in result.matched:
            result.matched.append(word)
