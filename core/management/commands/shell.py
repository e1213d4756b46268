"""`manage.py shell`: Django's, auto-importing every model but django-simple-history's.

Simple-history makes each `Historical...` model at run time and names a module that does not
define it (`actors.models`, a package whose modules hold the tracked models), so Django's
auto-import failed on fourteen of them and said so, at length, before every command given with
`-c`. They are reached as `Model.history.model`.
"""

from django.core.management.commands import shell


class Command(shell.Command):
    def get_auto_imports(self):
        return [path for path in super().get_auto_imports() if not path.rpartition(".")[2].startswith("Historical")]
