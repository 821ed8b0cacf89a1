"""A new username may not read as an existing one: by case, mixed scripts, or look-alikes."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from annotations.usernames import check_new_username

User = get_user_model()
CYRILLIC_A = "\u0430"


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password="alice-pass-123")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (f"{CYRILLIC_A}lice", "mixed_script"),  # Cyrillic а, Latin lice
        ("ALICE", "taken"),
        ("Alice", "taken"),
        ("\uff41\uff4c\uff49\uff43\uff45", "taken"),  # fullwidth: NFKC makes it alice
        ("a1ice", "confusable"),
        ("aIice", "confusable"),  # a capital I for the l
        (f"{CYRILLIC_A}\u04c0\u0456\u0441\u0435", "confusable"),  # all Cyrillic: аӀісе
    ],
)
def test_names_that_read_as_an_existing_one_are_refused(alice, name, code):
    with pytest.raises(ValidationError) as refused:
        check_new_username(name)
    assert refused.value.code == code


def test_look_alikes_of_several_letters_are_refused(db):
    User.objects.create_user("mary")
    with pytest.raises(ValidationError):
        check_new_username("rnary")


@pytest.mark.parametrize("name", ["alicia", "bob", "al1ce_2", "josé", "Ольга", "李雷"])
def test_other_names_pass(alice, name):
    assert check_new_username(name) == name


def test_a_name_is_stored_normalised(db):
    assert check_new_username("\ufb01ona") == "fiona"  # the ﬁ ligature


def signup(client, username: str):
    return client.post(
        "/accounts/signup/",
        {"username": username, "password1": "a-long-pass-123", "password2": "a-long-pass-123"},
    )


def test_sign_up_refuses_a_look_alike_under_the_username_field(client, alice):
    response = signup(client, f"{CYRILLIC_A}lice")
    assert response.status_code == 200
    html = response.content.decode()
    field = re.search(
        r'<div class="field field--error">\s*<label for="id_username">.*?</div>', html, re.S
    )
    assert field and "mixes alphabets" in field.group(0)
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]
    assert "already exists" in signup(client, "ALICE").content.decode()
    assert User.objects.count() == 1


def test_sign_up_still_takes_a_new_name(client, alice):
    response = signup(client, "bob")
    assert response.status_code == 302
    assert User.objects.filter(username="bob").exists()
