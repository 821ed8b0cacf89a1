"""What the preview says before anything is stored, and what storing then keeps: another
file under a name stored before is kept apart, corrections outlive the file's own values,
the same original URL is pointed out, and every file sent is accounted for."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from archive.models import Article, Upload
from commonplace import upload_jobs
from tests.conftest import article_text, page_body
from tests.uploads.conftest import PAGES, page_file, sent
from tests.uploads.test_upload_flow import as_posted, read_now, upload

FOOTER = "This article first appeared in the 17 May 2010 issue of the New Statesman, Bench"


def export(*titles: str) -> str:
    """A text file of articles, as a clipping service exports them."""
    return "".join(
        article_text(title, [f"The text of “{title}”, a paragraph."], FOOTER) for title in titles
    )


def store(client, the_upload) -> Upload:
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    assert upload_jobs.run_pending() == (1, False)
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.STORED, the_upload.error
    return the_upload


def add(client, *files) -> Upload:
    Upload.objects.all().delete()
    return read_now(client, upload(client, *files))


def test_another_file_under_a_name_stored_before_is_kept_apart(client_for, people):
    client = client_for(people.uploader)
    store(client, add(client, sent("Files (100).txt", export("Budget day", "Strikes"))))
    other = add(client, sent("Files (100).txt", export("Council cuts", "Rail fares")))
    assert other.preview[0]["apart"] is True
    page = page_body(client.get(other.get_absolute_url()))
    assert "Added before under the same name" in page
    assert "2 of its articles match articles stored from a file of this name" in page
    assert "takes the place of" not in page
    assert page.count('<span class="chip">New</span>') == 2
    store(client, other)
    assert sorted(Article.objects.values_list("source", "title")) == [
        ("Files (100).txt", "Budget day"),
        ("Files (100).txt", "Strikes"),
        ("Files (100).txt (2)", "Council cuts"),
        ("Files (100).txt (2)", "Rail fares"),
    ]


def test_chosen_so_another_file_replaces_the_articles_stored_before(client_for, people):
    client = client_for(people.uploader)
    store(client, add(client, sent("export.txt", export("Budget day"))))
    other = add(client, sent("export.txt", export("Council cuts")))
    choose = reverse("archive:upload-apart", args=[other.uid, 0])
    assert client.post(choose, {"apart": "0"}).status_code == 302
    page = page_body(client.get(other.get_absolute_url()))
    assert "It takes the place of the stored article “Budget day”" in page
    store(client, other)
    assert list(Article.objects.values_list("source", "title")) == [("export.txt", "Council cuts")]


def test_the_same_file_again_updates_its_articles_and_changes_nothing(client_for, people):
    client = client_for(people.uploader)
    store(client, add(client, sent("export.txt", export("Budget day", "Strikes"))))
    again = add(client, sent("export.txt", export("Budget day", "Strikes")))
    assert again.preview[0]["apart"] is False
    assert {a["fate"] for a in again.preview[0]["articles"]} == {"update"}
    assert store(client, again).report["articles"]["unchanged"] == 2


def test_corrections_outlive_the_files_own_values(client_for, people):
    client = client_for(people.uploader)
    first = add(client, page_file(PAGES.ledger))
    changes = {
        "title": "Councils brace for cuts",
        "standfirst": "A shorter standfirst.",
        "issue_date": "2024-03-15",
        "publication_type": "newspaper",
    }
    url = reverse("archive:upload-correct", args=[first.uid, 0, 0])
    client.post(url, as_posted(first, 0, 0, **changes))
    store(client, first)
    article = Article.objects.get()
    assert (article.title, article.standfirst, str(article.issue_date)) == (
        "Councils brace for cuts",
        "A shorter standfirst.",
        "2024-03-15",
    )
    assert article.publication_type == "newspaper"
    assert article.corrections["title"] == {
        "read": "Councils brace for a winter of cuts",
        "value": "Councils brace for cuts",
    }

    again = add(client, page_file(PAGES.ledger))
    page = page_body(client.get(again.get_absolute_url()))
    assert (
        "<strong>Kept from earlier corrections:</strong> Title, Standfirst, Date, Published in"
        in page
    )
    assert ">Councils brace for cuts</h2>" in page
    assert store(client, again).report["articles"]["unchanged"] == 1
    # The command line keeps them too.
    call_command("ingest", str(PAGES.ledger), stdout=StringIO())
    article.refresh_from_db()
    assert article.title == "Councils brace for cuts" and str(article.issue_date) == "2024-03-15"
    assert Article.objects.count() == 1


def test_an_article_stored_from_another_file_is_pointed_out(client_for, people):
    client = client_for(people.uploader)
    store(client, add(client, page_file(PAGES.ledger)))
    twin = add(client, page_file(PAGES.ledger, name="councils (1).html"))
    page = page_body(client.get(twin.get_absolute_url()))
    assert (
        "An article with the same original URL is in the archive already: "
        "“Councils brace for a winter of cuts”"
    ) in page


def test_every_file_sent_is_accounted_for(client_for, people):
    client = client_for(people.uploader)
    latin = "Café society\n\nA standfirst.\n\nIt was “great”.\n".encode("cp1252")
    the_upload = add(client, sent("empty.txt", ""), sent("latin.txt", latin))
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "<strong>empty.txt</strong>: no articles in it (an empty file)" in page
    assert "Note: not valid UTF-8; read as Windows-1252" in page
    listing = page_body(client.get(reverse("archive:add")))
    assert "empty.txt and 1 more file</a>" in listing


def test_a_date_given_answers_the_warning_that_there_was_none(client_for, people):
    client = client_for(people.uploader)
    the_upload = add(client, sent("undated.txt", "Budget day\n\nA standfirst.\n\nA paragraph.\n"))
    assert "Note: no date: it will be listed as undated" in page_body(
        client.get(the_upload.get_absolute_url())
    )
    url = reverse("archive:upload-correct", args=[the_upload.uid, 0, 0])
    client.post(url, as_posted(the_upload, 0, 0, issue_date="2010-05-17"))
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "no date: it will be listed as undated" not in page
    assert '<time datetime="2010-05-17">17 May 2010</time>' in page
