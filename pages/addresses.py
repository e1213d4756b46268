"""Addresses a page links to by the hundred, reversed once."""

from django.urls import reverse


def address_prefix(name, *args):
    """The address the route `name` takes for the slug "-", without that slug: a page adds each
    row's slug to it as a string, which costs nothing beside a `reverse()` per line."""
    return reverse(name, args=[*args, "-"])[:-2]
