"""Notes saved before images were rendered as links keep an <img> in their stored HTML;
render them again so that no stored note makes a reader's browser fetch anything."""

from django.db import migrations


def render_notes_again(apps, schema_editor):
    from annotations.notes import render_note

    Annotation = apps.get_model("annotations", "Annotation")
    stale = Annotation.objects.filter(note_html__contains="<img")
    changed = []
    for annotation in stale.iterator():
        annotation.note_html = render_note(annotation.note)
        changed.append(annotation)
    Annotation.objects.bulk_update(changed, ["note_html"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0002_audiences_versions_descriptions")]

    operations = [migrations.RunPython(render_notes_again, migrations.RunPython.noop)]
