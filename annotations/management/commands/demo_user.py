import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create the demo user with a fresh random password, unless it already exists."

    def handle(self, *args, **options):
        users = get_user_model().objects
        if users.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(f"The demo user “{DEMO_USERNAME}” already exists.")
            return
        password = secrets.token_urlsafe(12)
        users.create_user(DEMO_USERNAME, password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the demo user. Log in as “{DEMO_USERNAME}” with the password: {password}"
            )
        )
