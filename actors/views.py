from django.shortcuts import get_object_or_404, render

from .models import Actor, Faction


def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.for_detail(request.user), slug=slug)
    return render(request, "actors/actor_detail.html", {"actor": actor})


def faction_detail(request, slug):
    faction = get_object_or_404(Faction.objects.with_members(), slug=slug)
    return render(request, "actors/faction_detail.html", {"faction": faction})
