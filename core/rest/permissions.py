"""Permissions for resources that are not public: reading them takes the model's view permission."""

from rest_framework.permissions import DjangoModelPermissions


class ModelViewPermissions(DjangoModelPermissions):
    """Signed-in users with `<app>.view_<model>` may read; nobody else, anonymous readers included."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
