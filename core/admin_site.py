"""The project's admin site: Django's, with autocomplete choices named as their admin names them.

A model admin with a `choice_label(obj)` method names its rows with it wherever they are picked:
in the autocomplete's answers (here) and in the option a form shows as chosen
(`core.admin.ChoiceLabelMixin`), e.g. an event with its date, so that three events called
"Bishimbayev arrested" can be told apart.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


def choice_label(admin_site, model):
    """The `choice_label` of `model`'s admin on `admin_site`, or None (then `str(obj)` names a row)."""
    if model is None or not admin_site.is_registered(model):
        return None
    return getattr(admin_site.get_model_admin(model), "choice_label", None)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "choice_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class AdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
