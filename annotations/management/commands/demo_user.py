import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = (
        "Create the demo user with a fresh random password, unless it already exists; it "
        "may add articles (/articles/add/), so that trying Commonplace means trying that too."
    )

    def handle(self, *args, **options):
        users = get_user_model().objects
        if users.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(f"The demo user “{DEMO_USERNAME}” already exists.")
            return
        password = secrets.token_urlsafe(12)
        user = users.create_user(DEMO_USERNAME, password=password)
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="archive", codename="add_article")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the demo user. Log in as “{DEMO_USERNAME}” with the password: {password}"
            )
        )
