"""Your account: the password, the API token, and the way in and back."""

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token


def test_the_account_page_changes_the_password_and_keeps_this_session(client_for, users):
    client = client_for(users.owner)
    response = client.post(
        "/accounts/",
        {
            "old_password": "owner-pass-123",
            "new_password1": "a-much-longer-secret-42",
            "new_password2": "a-much-longer-secret-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.get("/accounts/").context["user"] == users.owner  # still logged in
    owner = get_user_model().objects.get(pk=users.owner.pk)
    assert owner.check_password("a-much-longer-secret-42")


def test_a_wrong_old_password_changes_nothing_and_says_so_under_its_field(client_for, users):
    client = client_for(users.owner)
    response = client.post(
        "/accounts/",
        {
            "old_password": "not-it",
            "new_password1": "a-much-longer-secret-42",
            "new_password2": "a-much-longer-secret-42",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The error is what the field's aria-describedby names, so a screen reader says it.
    assert 'aria-describedby="id_old_password_error"' in page
    assert 'id="id_old_password_error"' in page
    assert "Your old password was entered incorrectly" in page
    assert get_user_model().objects.get(pk=users.owner.pk).check_password("owner-pass-123")


def test_a_new_token_is_made_only_once_confirmed(client_for, users):
    client = client_for(users.owner)
    token = Token.objects.create(user=users.owner)
    unconfirmed = client.post("/accounts/token/")
    assert unconfirmed.status_code == 200
    assert "This field is required" in unconfirmed.content.decode()
    assert Token.objects.get(user=users.owner).key == token.key

    confirmed = client.post("/accounts/token/", {"confirm": "on"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/accounts/#token"
    assert Token.objects.get(user=users.owner).key != token.key


def test_the_account_pages_are_for_the_signed_in(client_for):
    anonymous = client_for(None)
    for path in ("/accounts/", "/accounts/token/"):
        response = anonymous.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_sign_up_keeps_where_you_were_as_log_in_does(client, db, settings):
    settings.COMMONPLACE_SIGNUP_ENABLED = True
    page = client.get("/tags/?sort=name").content.decode()
    assert 'href="/accounts/signup/?next=/tags/%3Fsort%3Dname"' in page
    assert 'href="/accounts/login/?next=/tags/%3Fsort%3Dname"' in page
    signup = client.get("/accounts/signup/?next=/tags/").content.decode()
    assert 'href="/accounts/login/?next=/tags/"' in signup


def test_the_password_help_sits_under_its_field_as_the_field_describes_it(client, db, settings):
    settings.COMMONPLACE_SIGNUP_ENABLED = True
    page = client.get("/accounts/signup/").content.decode()
    assert 'aria-describedby="id_password1_helptext"' in page
    assert '<div class="field__help" id="id_password1_helptext"><ul>' in page
    assert "<p class=" not in page.split("<form", 1)[1].split("</form>", 1)[0]


def test_the_site_has_an_icon_at_the_address_browsers_ask(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")


def test_an_overlong_username_asking_for_a_token_is_a_400_naming_it(client, db):
    # Found by the API fuzz test on PostgreSQL: the failed attempt's record did not fit.
    response = client.post(
        "/api/token", {"username": "u" * 300, "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "username" in response.json()
