from django.shortcuts import get_object_or_404, render

from .models import Event


def timeline(request):
    events = Event.objects.visible_to(request.user).for_timeline().chronological()
    return render(request, "events/timeline.html", {"events": events})


def event_detail(request, slug):
    event = get_object_or_404(Event.objects.visible_to(request.user).for_timeline(), slug=slug)
    return render(request, "events/event_detail.html", {"event": event})
