#!/usr/bin/env python
"""Django's command-line utility for kzwatch."""

import importlib
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzwatch.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as error:
        # A setting the environment must give (SECRET_KEY without DEBUG): one sentence, not a traceback.
        sys.exit(f"manage.py: {error}")
    execute_from_command_line(sys.argv)
