"""Names across scripts: one folded key per name, so any spelling finds the same actor.

"Назарбаев", "Nazarbaev" and "Nazarbayev" all fold to "nazarbaev"; "Massimov" and
"Masimov" to "masimov". The key is stored on every actor and alias (and indexed with
trigrams on PostgreSQL), and a query is folded the same way before it is matched.
"""

import re

from anyascii import anyascii

# Applied in order to lowercase ASCII. Each rule merges spellings that the common
# romanisations of Russian and Kazakh (BGN/PCGN, Library of Congress, passports, press
# usage) write differently for the same letter.
_RULES = (
    (re.compile(r"dzh|zh|dj"), "j"),  # Ж: Tazhin / Tajin, Dzhaksybekov / Jaksybekov
    (re.compile(r"gh"), "g"),  # Kazakh Ғ, romanised gh by anyascii, g by the press
    (re.compile(r"q"), "k"),  # Kazakh Қ: Qulybaev / Kulibayev
    (re.compile(r"kh"), "h"),  # Х: Khan / Han
    (re.compile(r"(?<=[aeiou])ye|^ye|(?<= )ye"), "e"),  # Е after a vowel: Nazarbayev / Nazarbaev
    (re.compile(r"yo"), "e"),  # Ё: Fyodor / Fedor
    (re.compile(r"y"), "i"),  # Й, Ы, Я, Ю: Sagintayev / Sagyntaev, Yuri / Iuri
    (re.compile(r"x"), "ks"),  # Alexander / Aleksandr
    (re.compile(r"w"), "v"),
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters: Massimov / Masimov, Dmitrii / Dmitri
)


def fold(name):
    """The search key of a name: ASCII, lowercase, transliteration variants merged."""
    text = anyascii(name or "").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def query_tokens(query):
    """The folded words of a search query; every one must occur in a matching name."""
    return [token for token in fold(query).split() if token]
