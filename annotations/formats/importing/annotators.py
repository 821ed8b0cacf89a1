"""Whose an imported annotation becomes: never the annotations of someone who has an
account here, unless whoever imports says so."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from annotations.usernames import check_new_username


class Refused(Exception):
    """This record cannot be given to anyone; the message says why and what to do."""


class Annotators:
    """With `as_user`, every imported annotation becomes that user's. With
    `keep_existing` (a trusted restore), an annotation whose annotator has an account
    here becomes theirs. Otherwise a record naming someone with an account here is
    refused: a file must not put words in a local user's name. Annotators with no account
    here get one (see `create`), under the username rules of sign-up."""

    def __init__(self, as_user=None, keep_existing: bool = False):
        self.as_user, self.keep_existing = as_user, keep_existing
        self._accounts: dict[str, object] = {}  # name -> its user here, or None
        self._problems: dict[str, str | None] = {}  # name -> why it may not be created

    def owner(self, username: str):
        """The user who will own the record's annotation, or the name of one to create."""
        if self.as_user is not None:
            return self.as_user
        # As sign-up does: "ｏｗｎｅｒ" is "owner", and "Owner" cannot be a second one.
        name = get_user_model().normalize_username(username)
        user = self._account(name)
        if user is not None and not self.keep_existing:
            raise Refused(
                f"user {name!r} has an account here. To make the file's annotations one "
                f"user's, import with --as NAME; to restore a backup that keeps its "
                f"annotators, import with --keep-annotators"
            )
        if user is None:
            if name not in self._problems:  # a file names each annotator many times
                self._problems[name] = new_username_problem(name)
            problem = self._problems[name]
            if problem:
                raise Refused(f"user {name[:40]!r} {problem}")
            return name
        return user

    def _account(self, name: str):
        if name not in self._accounts:
            users = get_user_model().objects
            self._accounts[name] = (
                users.filter(username=name).first()
                or users.filter(username__iexact=name).order_by("pk").first()
            )
        return self._accounts[name]


def new_username_problem(name: str) -> str | None:
    """Why sign-up would refuse this username, or None.

    The importer's single check of a username it creates: sign-up's own rules
    (annotations.usernames), so that a file cannot bring in a look-alike of a local name.
    """
    limit = get_user_model()._meta.get_field("username").max_length
    if len(name) > limit:
        return f"is longer than {limit} characters"
    try:
        UnicodeUsernameValidator()(name)
    except ValidationError:
        return "is not a valid username"
    try:
        check_new_username(name)
    except ValidationError as error:
        return "is refused: " + " ".join(error.messages)
    return None


def create(name: str):
    """An account for an annotator from elsewhere: their name, but no way to log in."""
    users = get_user_model().objects
    user = users.filter(username=name).first()
    if user is None:
        user = users.create_user(username=name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
