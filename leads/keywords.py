"""The kind of event a headline suggests, from keywords in English and Russian.

Each keyword is a word stem, so one entry covers its inflections ("арестован", "арестована",
"арестовали"; "appointed", "appoints"). The first keyword in the title decides, then the
first in the summary; the slug is looked up among the event types that exist.
"""

from .matching import WORD

# (stem, event type slug). Longer, more specific stems come before the ones they contain.
STEMS = (
    ("arrest", "arrest"),
    ("detain", "detention"),
    ("detention", "detention"),
    ("appoint", "appointment"),
    ("dismiss", "dismissal"),
    ("sacked", "dismissal"),
    ("fired", "dismissal"),
    ("sentenc", "sentencing"),
    ("convicted", "sentencing"),
    ("released", "release"),
    ("freed", "release"),
    ("pardon", "pardon"),
    ("resign", "resignation"),
    ("charged", "charge"),
    ("indict", "charge"),
    ("trial", "trial"),
    ("задерж", "detention"),
    ("арест", "arrest"),
    ("назнач", "appointment"),
    ("уволен", "dismissal"),
    ("освобожд", "release"),  # "освобождён от должности" is a dismissal: see OFFICE_WORDS
    ("приговор", "sentencing"),
    ("осужд", "sentencing"),
    ("помилов", "pardon"),
    ("отставк", "resignation"),
    ("обвин", "charge"),
    ("суд", "trial"),
)
# "Relieved of the post" (освобождён от должности) is how Russian decrees dismiss.
OFFICE_WORDS = ("должност", "поста", "обязанност")
# "Суд" is a word of its own and the head of "судья", "судебный": only these forms count.
EXACT = {"суд", "суда", "суде", "судом", "суду"}


def suggest(*texts):
    """The event type slug the first keyword of the first text that has one suggests, or None."""
    for text in texts:
        tokens = [word.lower().replace("ё", "е") for word in WORD.findall(text or "")]
        for index, token in enumerate(tokens):
            for stem, slug in STEMS:
                if stem in EXACT and token not in EXACT:
                    continue
                if token.startswith(stem):
                    if stem == "освобожд" and any(
                        word.startswith(OFFICE_WORDS) for word in tokens[index + 1 : index + 4]
                    ):
                        return "dismissal"
                    return slug
    return None
