"""No text field of any project model stores a control character, whichever path writes it."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalChanges

from core.text import MESSAGE

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("core", "actors", "events", "leads")


def text_fields():
    """(model, field) for every text field of every model the project's apps define: history
    tables copy rows already checked, and many-to-many tables hold no text."""
    found = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, HistoricalChanges) or model._meta.auto_created:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    found.append(pytest.param(model, field, id=f"{model._meta.label}.{field.name}"))
    return found


@pytest.mark.parametrize(("model", "field"), text_fields())
def test_every_text_field_refuses_a_vertical_tab(model, field):
    row = model()
    setattr(row, field.attname, "a\x0bb")
    with pytest.raises(ValidationError) as raised:
        row.full_clean()
    assert MESSAGE.format(code=0x0B) in raised.value.message_dict.get(field.name, [])
