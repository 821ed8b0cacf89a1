"""Notes are rendered with bare URLs as links, opening in a new tab: render the stored
HTML of every note that holds a link or a URL again, so old notes show as new ones do."""

from django.db import migrations
from django.db.models import Q


def render_notes_again(apps, schema_editor):
    from annotations.notes import render_note

    Annotation = apps.get_model("annotations", "Annotation")
    linking = Annotation.objects.filter(
        Q(note__icontains="http") | Q(note__icontains="www.") | Q(note__icontains="mailto:")
        | Q(note__contains="@")
    )  # fmt: skip
    changed = []
    for annotation in linking.iterator():
        annotation.note_html = render_note(annotation.note)
        changed.append(annotation)
    Annotation.objects.bulk_update(changed, ["note_html"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0007_client_key")]

    operations = [migrations.RunPython(render_notes_again, migrations.RunPython.noop)]
