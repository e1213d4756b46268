"""What every kzwatch admin page shares: deletions leave the tombstones API mirrors follow, and
no save silently overwrites a colleague's edit."""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_site import choice_label
from .dates import display
from .models import Tombstone
from .services import field_changes, record_values, resource_delete, tombstone_if_renamed

# Below this many rows (by PostgreSQL's estimate) a changelist counts them exactly.
ESTIMATE_ABOVE = 10_000


class EstimatedCountPaginator(Paginator):
    """A changelist's pages without counting a big table: for an unfiltered list on PostgreSQL,
    the planner's row estimate (kept by ANALYZE and autovacuum) stands in for COUNT(*).

    Use with `show_full_result_count = False`, or the admin counts the table once more.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return row[0]
        return super().count


class TombstoneAdminMixin:
    """Deleting a record, or changing its slug, in the admin leaves a tombstone, as the API does."""

    tombstone_kind = None
    # The API names these records by slug; sources it names by id, which never changes.
    tombstone_key_field = "slug"

    def save_model(self, request, obj, form, change):
        old_key = form.initial.get(self.tombstone_key_field) if change else None
        super().save_model(request, obj, form, change)
        tombstone_if_renamed(kind=self.tombstone_kind, old_key=old_key, new_key=getattr(obj, self.tombstone_key_field))

    def delete_model(self, request, obj):
        key = getattr(obj, self.tombstone_key_field)
        resource_delete(instance=obj, user=request.user, kind=self.tombstone_kind, key=key)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class StaleEditForm(forms.ModelForm):
    """Refuses to save over a colleague's edit made since this form was opened.

    The form carries the record's `updated_at` as it was when the page was drawn; if the row
    has changed since, saving is a form error and nothing is written.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # A revert saves an earlier version over the current one on purpose.
    check_stale = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and getattr(self.instance, "updated_at", None):
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        opened = cleaned_data.get("opened_version")
        if self.check_stale and self.instance.pk and opened:
            model = type(self.instance)
            # Locked until the admin's transaction ends: a colleague saving at the same moment
            # waits here and then sees this save's newer version, instead of both passing.
            current = (
                model._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if current is not None and current.isoformat() != opened:
                raise forms.ValidationError(
                    "Someone else saved this record after you opened it. Your changes were not saved: "
                    "open the record again to see their version, then make your change.",
                    code="stale_edit",
                )
        return cleaned_data


class ChoiceLabelMixin:
    """A related row chosen in a form is named as its admin names it (`choice_label`, see
    `core.admin_site`), as the autocomplete names it: from the row's own columns, no query."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        label = choice_label(self.admin_site, db_field.related_model) if db_field.is_relation else None
        if label is not None and isinstance(formfield, forms.ModelChoiceField):
            formfield.label_from_instance = label
        return formfield


class HistoryAdmin(ChoiceLabelMixin, SimpleHistoryAdmin):
    """History pages list each version with what changed, field by field; only users with
    `revert_permission` (editors) may restore an earlier version."""

    # Who may restore an earlier version is a rule of the project, not of this layer, which
    # knows no app: the wiring names it (settings.REVERT_PERMISSION, the editors' publish right).
    revert_permission = settings.REVERT_PERMISSION

    def save_model(self, request, obj, form, change):
        # A form saved as it was opened writes nothing: no history row, no new updated_at for
        # mirrors to fetch again, the readers' cache kept. Inlines already save only the forms
        # that changed.
        if change and not self.changes_record(obj, form):
            return
        super().save_model(request, obj, form, change)

    def changes_record(self, obj, form):
        """Whether saving `obj` as the form left it changes its stored row or its links (which
        its history row records too)."""
        links = {field.name for field in obj._meta.many_to_many}
        if links.intersection(form.changed_data):
            return True
        stored = type(obj)._default_manager.get(pk=obj.pk)
        return bool(field_changes(stored, record_values(obj)))

    def log_change(self, request, obj, message):
        # Django notes "No fields changed." of a form saved as it was opened; nothing was written.
        if message:
            return super().log_change(request, obj, message)
        return None

    def action_checkbox(self, obj):
        # Django renders each row's checkbox through a form widget's template: a third of a
        # changelist of 100 rows. The same element, written directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def revert_disabled(self, request, obj=None):
        return not self.may_revert(request, obj)

    def may_revert(self, request, obj=None):
        """Reverting saves an earlier version over the current one: a change, and an editor's one
        (where django-simple-history's settings allow reverting at all)."""
        return (
            not super().revert_disabled(request, obj)
            and self.has_change_permission(request, obj)
            and request.user.has_perm(self.revert_permission)
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The history form saves whatever is posted to it, and django-simple-history lets anyone
        # who may merely view the record post: hiding the button refuses nothing.
        if request.method not in ("GET", "HEAD"):
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.may_revert(request, obj):
                raise PermissionDenied
        request.kzwatch_reverting = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # An action this user is not offered is refused outright, not taken for "no action chosen".
        name = request.POST.get("action") if request.method == "POST" else None
        if name and name not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        # Django offers an action to a user holding any one of its `allowed_permissions`; ours
        # need every permission they list (`action`).
        return {name: entry for name, entry in super().get_actions(request).items() if may_run(self, request, entry[0])}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "kzwatch_reverting", False) and issubclass(form, StaleEditForm):
            return type(form.__name__, (form,), {"check_stale": False})
        return form


def action(*, description, permissions):
    """An admin action that needs every one of `permissions`: "add", "change", "delete" (this
    admin's `has_<name>_permission`) or "app_label.codename" (a permission of the user's, for
    the rows of other models it writes).

    Django offers an action whose `allowed_permissions` holds any one of its names, and does not
    ask again when it runs; this one is offered only to a user who holds them all
    (`HistoryAdmin.get_actions`) and refuses anyone else when it runs, whatever the form said.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(modeladmin, request, queryset):
            if not may_run(modeladmin, request, run):
                raise PermissionDenied
            return function(modeladmin, request, queryset)

        run.required_permissions = tuple(permissions)
        run.short_description = description
        return run

    return decorate


def may_run(modeladmin, request, function):
    """Whether the user holds every permission the action `function` needs."""
    for permission in getattr(function, "required_permissions", ()):
        if "." in permission:
            granted = request.user.has_perm(permission)
        else:
            granted = getattr(modeladmin, f"has_{permission}_permission")(request)
        if not granted:
            return False
    return True


def date_column(field, description):
    """A changelist column showing an EDTF field as readers see it ("Aug 2017", "c. Sep 2016")."""

    @admin.display(description=description, ordering=field)
    def column(modeladmin, obj):
        value = getattr(obj, field)
        return display(value) if value else "—"

    return column


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    """Read-only: tombstones are written by the services, never by hand."""

    list_display = ["at", "kind", "key", "reason", "replaced_by", "public"]
    list_filter = ["kind", "reason", "public"]
    search_fields = ["key", "replaced_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
