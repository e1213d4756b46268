"""Which tracked people an entry names: any script, whole words, shared surnames as candidates."""

import pytest

from leads.keywords import suggest
from leads.matching import Matcher
from tests.factories import ActorFactory, AliasFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    massimov = ActorFactory(slug="karim-massimov", name="Karim Massimov", sort_name="Massimov, Karim")
    AliasFactory(actor=massimov, name="Карим Масимов", lang="ru")
    tokayev = ActorFactory(
        slug="kassym-jomart-tokayev", name="Kassym-Jomart Tokayev", sort_name="Tokayev, Kassym-Jomart"
    )
    AliasFactory(actor=tokayev, name="Қасым-Жомарт Тоқаев", lang="kk-Cyrl")
    nursultan = ActorFactory(
        slug="nursultan-nazarbayev", name="Nursultan Nazarbayev", sort_name="Nazarbayev, Nursultan"
    )
    dariga = ActorFactory(slug="dariga-nazarbayeva", name="Dariga Nazarbayeva", sort_name="Nazarbayeva, Dariga")
    AliasFactory(actor=dariga, name="Дарига Назарбаева", lang="ru")
    OrganizationFactory(slug="kazakhstan", name="Kazakhstan")
    return {"massimov": massimov, "tokayev": tokayev, "nursultan": nursultan, "dariga": dariga}


def named(text):
    match = Matcher.from_database().match(text)
    from actors.models import Actor

    slugs = lambda ids: sorted(Actor.objects.filter(pk__in=ids).values_list("slug", flat=True))  # noqa: E731
    return slugs(match.actors), slugs(match.candidates), match.matched


@pytest.mark.parametrize(
    "text",
    [
        "Masimov questioned",
        "Massimov questioned",
        "Массимов на допросе",
        "Масимов на допросе",
        "Суд над Масимовым",
        "Допрос Карима Масимова",
        "Мәсімов",
    ],
)
def test_any_spelling_or_russian_case_of_a_surname_names_the_person(people, text):
    assert named(text)[0] == ["karim-massimov"]


def test_a_full_name_is_reported_as_written(people):
    assert named("Ex-chief Karim Massimov sentenced") == (["karim-massimov"], [], ["Karim Massimov"])


@pytest.mark.parametrize("text", ["The Tokayevs at home", "Tokayevsky Street", "Masimovich said"])
def test_a_name_inside_a_longer_word_names_nobody(people, text):
    assert named(text)[0] == []


def test_the_kazakh_spelling_names_the_person(people):
    assert named("Тоқаев жарлыққа қол қойды")[0] == ["kassym-jomart-tokayev"]


@pytest.mark.parametrize("text", ["Nazarbayev family foundation", "Назарбаева освобождена от должности"])
def test_a_surname_relatives_share_names_them_all_as_candidates(people, text):
    actors, candidates, matched = named(text)
    assert actors == candidates == ["dariga-nazarbayeva", "nursultan-nazarbayev"]
    assert matched[0].endswith("(surname only)")


def test_a_full_name_settles_who_a_shared_surname_means(people):
    actors, candidates, _ = named("Dariga Nazarbayeva spoke; Nazarbayeva said the party agreed")
    assert (actors, candidates) == (["dariga-nazarbayeva"], [])


def test_organisations_are_not_matched(people):
    assert named("Kazakhstan raises rates")[0] == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Former minister arrested in Almaty", "arrest"),
        ("Banker detained at the airport", "detention"),
        ("President appoints a new premier", "appointment"),
        ("Governor dismissed", "dismissal"),
        ("Ex-minister sentenced to ten years", "sentencing"),
        ("Businessman released on parole", "release"),
        ("Convicts pardoned", "pardon"),
        ("Minister resigns", "resignation"),
        ("Official charged with fraud", "charge"),
        ("Масимов задержан", "detention"),
        ("Бывший аким арестован", "arrest"),
        ("Назначен новый министр", "appointment"),
        ("Бывший министр освобождён из колонии", "release"),
        ("Аким освобожден от должности", "dismissal"),
        ("Экс-министр приговорён к 10 годам", "sentencing"),
        ("Президент помиловал осуждённых", "pardon"),
        ("Правительство ушло в отставку", "resignation"),
        ("Ему предъявлено обвинение", "charge"),
        ("Weather in Astana", None),
    ],
)
def test_keywords_suggest_an_event_type_across_inflections(text, slug):
    assert suggest(text) == slug
