"""`manage.py curator NAME` (`make curator USER=NAME`): a curator for the admin and the API.

Makes the user, or takes the one of that name, makes them staff and a member of the Curator
group (events/migrations/0008 makes it), and prints their API token, made once and then kept.
Run again, it changes nothing and prints the same token. A new user gets no password (an
unusable one): the command says how to set one.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

CURATOR_GROUP = "Curator"


class Command(BaseCommand):
    help = (
        "Make NAME a curator: a staff user in the Curator group (made, or taken if NAME exists), "
        "and print their API token. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The curator's user name; made if there is no such user.")

    def handle(self, *args, username, **options):
        try:
            group = Group.objects.get(name=CURATOR_GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(f"There is no {CURATOR_GROUP} group: run `manage.py migrate` first.") from error
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=username)
            done = []
            if created:
                user.set_unusable_password()
                done.append(f"Made the user {username}, without a password.")
            if not user.is_staff:
                user.is_staff = True
                done.append(f"{username} may sign in to the admin (staff).")
            if created or done:
                user.save()
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
                done.append(f"{username} joined the {CURATOR_GROUP} group.")
            token, token_created = Token.objects.get_or_create(user=user)
            if token_created:
                done.append(f"Made an API token for {username}.")
        for line in done or [f"{username} is already a curator; nothing changed."]:
            self.stdout.write(line)
        if not user.is_active:
            self.stdout.write(self.style.WARNING(f"{username} is inactive: neither the admin nor the token will work."))
        if not user.has_usable_password():
            prefix = "DEBUG=1 " if settings.DEBUG else ""
            self.stdout.write(
                f"To sign in to /admin/, set a password: {prefix}.venv/bin/python manage.py changepassword {username}"
            )
        self.stdout.write(f"API token of {username}: {token.key}")
