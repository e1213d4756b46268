"""The admin's "Import events" page: upload a CSV or JSON file, read the dry run row by row,
then confirm. The work is `exchange.imports.events_import`, as for `manage.py import_events`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .imports import ACTION_WORDS, events_import, import_rows_read


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="A .csv or .json file of events; the columns are listed below.")


class ImportConfirmForm(forms.Form):
    """The file's text, carried from the dry run to the confirmation unchanged."""

    name = forms.CharField(widget=forms.HiddenInput)
    content = forms.CharField(widget=forms.HiddenInput, strip=False)


class EventImportAdminMixin:
    """Adds /admin/events/event/import/ and a button to it on the changelist."""

    change_list_template = "admin/events/event/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="events_event_import"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import events"}
        upload = ImportUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            confirm = ImportConfirmForm(request.POST)
            if confirm.is_valid():
                name, content = confirm.cleaned_data["name"], confirm.cleaned_data["content"]
                return self._import(request, context, name, content, dry_run=False)
        elif request.method == "POST":
            upload = ImportUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                return self._import(request, context, file.name, file.read(), dry_run=True, upload=upload)
        return TemplateResponse(request, "admin/events/event/import.html", {**context, "upload": upload})

    def _import(self, request, context, name, content, *, dry_run, upload=None):
        upload = upload or ImportUploadForm()
        try:
            rows = import_rows_read(name=name, content=content)
        except ValidationError as error:
            upload.errors.setdefault("file", upload.error_class()).extend(error.messages)
            return TemplateResponse(request, "admin/events/event/import.html", {**context, "upload": upload})
        report = events_import(rows=rows, user=request.user, dry_run=dry_run)
        if report.written:
            self.message_user(request, f"Imported {name}: {report.summary()}", messages.SUCCESS)
            return redirect(reverse("admin:events_event_changelist"))
        if isinstance(content, bytes):
            content = content.decode("utf-8-sig")
        confirm = ImportConfirmForm(initial={"name": name, "content": content})
        return TemplateResponse(
            request,
            "admin/events/event/import.html",
            {
                **context,
                "upload": upload,
                "report": report,
                "rows": [(row, ACTION_WORDS[row.action]) for row in report.rows],
                "confirm": None if report.refused else confirm,
            },
        )
