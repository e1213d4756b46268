"""The name search finds an actor by any alias, in any script or common spelling."""

import pytest

from actors.models import Actor
from actors.names import fold
from tests.factories import ActorFactory, AliasFactory


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Nazarbayev", "Назарбаев"),
        ("Nazarbaev", "nazarbayev"),
        ("Massimov", "Masimov"),
        ("Мәсімов", "Masimov"),
        ("Sagintayev", "Sagintaev"),
        ("Сағынтаев", "Sagintayev"),
        ("Kulibayev", "Құлыбаев"),
        ("Tazhin", "Tajin"),
        ("Yerlan", "Ерлан"),
        ("Bakytzhan", "Бақытжан"),
    ],
)
def test_spellings_of_one_name_fold_to_one_key(one, other):
    assert fold(one) == fold(other)


def test_different_names_keep_different_keys():
    assert fold("Massimov") != fold("Mamin")
    assert fold("Tazhin") != fold("Tokayev")


@pytest.fixture
def nazarbayev():
    actor = ActorFactory(name="Nursultan Nazarbayev", sort_name="Nazarbayev, Nursultan", slug="nursultan-nazarbayev")
    AliasFactory(actor=actor, name="Нурсултан Назарбаев", lang="ru")
    AliasFactory(actor=actor, name="Нұрсұлтан Назарбаев", lang="kk-Cyrl")
    return actor


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Nazarbaev", "nazarbayev", "Назарбаев", "Nazarbayev", "NAZARBAYEV", "Нұрсұлтан"])
def test_name_search_finds_nazarbayev_under_every_spelling(nazarbayev, query):
    ActorFactory(name="Karim Massimov")
    assert list(Actor.objects.matching(query)) == [nazarbayev]


@pytest.mark.django_db
def test_name_search_finds_massimov_as_masimov():
    massimov = ActorFactory(name="Karim Massimov")
    ActorFactory(name="Bakytzhan Sagintayev")
    assert list(Actor.objects.matching("Masimov")) == [massimov]


@pytest.mark.django_db
def test_name_search_matches_an_alias_only_spelling():
    actor = ActorFactory(name="Dariga Nazarbayeva")
    AliasFactory(actor=actor, name="Дарига Назарбаева", lang="ru")
    assert list(Actor.objects.matching("Дарига")) == [actor]


@pytest.mark.django_db
def test_every_word_of_the_query_must_match(nazarbayev):
    ActorFactory(name="Dariga Nazarbayeva")
    assert list(Actor.objects.matching("nursultan nazarbaev")) == [nazarbayev]
    assert list(Actor.objects.matching("nursultan massimov")) == []


@pytest.mark.django_db
def test_an_actor_matching_several_aliases_is_listed_once(nazarbayev):
    assert Actor.objects.matching("Назарбаев").count() == 1


@pytest.mark.django_db
def test_blank_query_keeps_everything_and_punctuation_finds_nothing(nazarbayev):
    assert Actor.objects.matching("").count() == 1
    assert Actor.objects.matching("%%%").count() == 0


@pytest.mark.django_db
def test_renaming_an_alias_updates_its_search_key(nazarbayev):
    alias = nazarbayev.aliases.get(lang="ru")
    alias.name = "Елбасы"
    alias.save()
    assert list(Actor.objects.matching("Elbasy")) == [nazarbayev]
