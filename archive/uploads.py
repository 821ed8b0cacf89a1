"""Articles added in the browser, once received (archive.receiving): read into a
preview that can be corrected, then stored by the same ingest as the command line.

Each step after receiving runs outside the request (a job: `claim_next` hands it to
whoever runs jobs, commonplace.upload_jobs), and leaves its outcome on the Upload, whose
page shows it. Storing needs what follows the archive (re-anchoring, the index), so it is
passed in, as to the ingest command.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from archive import readers
from archive.corrections import CORRECTABLE, as_json, from_json
from archive.discovery import SourceFile
from archive.ingest import ArticleIndex, IngestReport, ingest_files
from archive.models import Article, Upload
from archive.parsing import CONTROL_CHARACTERS
from archive.preview import NO_DATE_WARNING, ArticlePreview, preview
from archive.receiving import ZIP, limits
from archive.storing import Rewritten, first_free, predict, unused_source
from archive.unpacking import UnpackError, unpack

# A job whose worker has not been heard of for this long stopped (killed, restarted):
# another takes it up. Reading starts again; storing again stores what changed only. A job
# is heard of after every file and every PULSE_SECONDS within one; the index's last flush
# (about 100 s for 1,000 articles, BENCHMARKS.md) is the longest silence.
STALE_AFTER = timedelta(minutes=10)
PULSE_SECONDS = 10


def claim_next() -> Upload | None:
    """The next job, taken so that no other worker takes it too: an upload to read, or
    one confirmed to store, or either whose worker stopped (STALE_AFTER)."""
    now = timezone.now()
    stale = now - STALE_AFTER
    waiting = Upload.objects.filter(
        Q(state__in=[Upload.State.WAITING, Upload.State.CONFIRMED])
        | Q(state__in=[Upload.State.READING, Upload.State.STORING], heartbeat__lt=stale)
    ).order_by("created")
    for upload in waiting[:10]:
        step = (
            Upload.State.READING
            if upload.state in (Upload.State.WAITING, Upload.State.READING)
            else Upload.State.STORING
        )
        claimed = Upload.objects.filter(
            pk=upload.pk, state=upload.state, heartbeat=upload.heartbeat
        ).update(state=step, heartbeat=now, files_done=0)
        if claimed:
            upload.refresh_from_db()
            return upload
    return None


def read(upload: Upload) -> None:
    """Unpack the zips, read every file, keep what each would give; nothing is stored.
    Files that cannot be read leave the folder at once."""
    files = _named_once(_unpacked(upload))
    upload.files, upload.files_total = files, len(files)
    upload.save(update_fields=["files"])
    _heard_from(upload)
    previews, room = [], settings.COMMONPLACE_UPLOAD_MAX_ARTICLES
    for file in files:
        previews.append(_file_preview(upload, file, room))
        room -= len(previews[-1]["articles"])
        upload.files_done += 1
        _heard_from(upload)
    upload.preview = previews
    if not any(p["articles"] for p in previews):
        shutil.rmtree(upload.folder, ignore_errors=True)
    Upload.objects.filter(pk=upload.pk, state=Upload.State.READING).update(
        preview=previews, state=Upload.State.PREVIEWED
    )


def _named_once(files: list[dict]) -> list[dict]:
    """Each file under a name no other file of the upload has (two "export.txt" sent
    together are two sources, not one overwriting the other), on one line."""
    seen: set[str] = set()
    for file in files:
        name = CONTROL_CHARACTERS.sub("?", file["name"])  # a newline from a zip, say
        file["name"] = first_free(name, seen)
        seen.add(file["name"])
    return files


def _unpacked(upload: Upload) -> list[dict]:
    """The files to read: each sent file, a zip's readable files in its place (or the zip
    with the reason it was not unpacked)."""
    files, within = [], limits()
    for sent in upload.files:
        path = upload.folder / sent["path"]
        if sent.get("refused") or path.suffix != ZIP:
            files.append(sent)
            continue
        into = path.with_suffix("")
        into.mkdir(exist_ok=True)
        try:
            unpacked = unpack(path, into, within, readers.extensions())
        except UnpackError as error:
            files.append({**sent, "refused": f"not unpacked: {error}"})
            continue
        finally:
            path.unlink()
        for name, member in unpacked:
            files.append(
                {"name": f"{sent['name']}/{name}", "path": str(member.relative_to(upload.folder))}
            )
    return files


def _file_preview(upload: Upload, file: dict, room: int) -> dict:
    path = upload.folder / file["path"]
    source_file = SourceFile(path, file["name"], refused=file.get("refused", ""))
    result = preview(source_file, max_articles=room)
    if not result.reason and not result.articles:
        result.reason = "no articles in it (an empty file)"
    if result.reason and file["path"]:
        path.unlink(missing_ok=True)
    fates = predict(file["name"], result.articles)
    updates = [fate for fate in fates if fate["fate"] == "update"]
    return {
        "name": file["name"],
        "path": file["path"],
        "reader": result.reader,
        "reason": result.reason,
        "warnings": result.warnings,
        # Stored before under this name, but every article there is another one: another
        # export that happens to share the name (Nexis calls them all "Files (100).DOCX").
        # Its articles are kept apart unless the user says they replace the stored ones.
        "stored_before": len(updates),
        "apart": bool(updates) and all(fate["replaces"] for fate in updates),
        "articles": [
            {**_as_json(article), **fate}
            for article, fate in zip(result.articles, fates, strict=True)
        ],
    }


def _as_json(article: ArticlePreview) -> dict:
    return {**vars(article), "issue_date": as_json("issue_date", article.issue_date)}


def correct(upload: Upload, file: int, order: int, values: dict) -> None:
    """Keep the corrected fields of one article of the preview (only those that differ
    from what it shows without them: what was read, and corrections kept from before):
    the preview shows them and storing uses them."""
    shown = _as_shown(upload.preview[file], upload.preview[file]["articles"][order])
    changed = {
        name: as_json(name, values[name])
        for name in CORRECTABLE
        if as_json(name, values[name]) != shown[name]
    }
    key = f"{file}:{order}"
    if changed:
        upload.corrections[key] = changed
    else:
        upload.corrections.pop(key, None)
    upload.save(update_fields=["corrections"])


def articles(upload: Upload) -> list[dict]:
    """The preview's articles as they will be stored: corrections applied, with what was
    corrected, where each came from, and its key for the correction form."""
    shown = []
    for file_number, file in enumerate(upload.preview):
        for order, article in enumerate(file["articles"]):
            corrected = upload.corrections.get(f"{file_number}:{order}", {})
            shown.append(
                {
                    **_as_shown(file, article),
                    **corrected,
                    "corrected": {n: article[n] for n in CORRECTABLE if n in corrected},
                    "warnings": _still_true(article["warnings"], corrected),
                    "file_warnings": file["warnings"],
                    "file_name": file["name"],
                    "file": file_number,
                    "order": order,
                }
            )
    return shown


def _as_shown(file: dict, article: dict) -> dict:
    """An article of the preview as it would be stored before this upload's corrections:
    with those kept from before, unless its file is kept apart (then it is new)."""
    if file["apart"]:
        return {**article, "fate": "new", "replaces": "", "kept": {}}
    return {**article, **article["kept"]}


def _still_true(warnings: list[str], corrected: dict) -> list[str]:
    """The warnings a correction has not answered: a date given answers "no date"."""
    if corrected.get("issue_date"):
        return [w for w in warnings if not w.startswith(NO_DATE_WARNING)]
    return warnings


def keep_apart(upload: Upload, file: int, apart: bool) -> None:
    """Store a file's articles as new ones (under a name of their own), or as updates of
    those stored before from a file of the same name."""
    upload.preview[file]["apart"] = apart
    upload.save(update_fields=["preview"])


def store(
    upload: Upload,
    *,
    index: ArticleIndex,
    on_rewritten: Rewritten | None = None,
    annotations: Mapping[str, int] | None = None,
    on_file: Callable | None = None,
) -> IngestReport:
    """Store the readable files with their corrections, through ingest, as the command
    line would; the folder goes once they are stored. `annotations` is on_rewritten's
    tally of what moved (by outcome), read once the files are stored, for the report."""
    files = [
        SourceFile(
            upload.folder / file["path"],
            unused_source(file["name"]) if file["apart"] else file["name"],
            corrections=_corrections_of(upload, number),
        )
        for number, file in enumerate(upload.preview)
        if file["articles"]
    ]
    upload.files_total = len(files)
    _heard_from(upload)

    def file_done(outcome) -> None:
        upload.files_done += 1
        _heard_from(upload)
        if on_file:
            on_file(outcome)

    def pulse(_bytes_read: int) -> None:
        if (timezone.now() - upload.heartbeat).total_seconds() >= PULSE_SECONDS:
            _heard_from(upload)

    report = ingest_files(
        files, index=index, on_rewritten=on_rewritten, progress=pulse, on_file=file_done
    )
    upload.report = {**_report(report, files), "annotations": dict(annotations or {})}
    upload.state = Upload.State.STORED
    upload.save()
    shutil.rmtree(upload.folder, ignore_errors=True)
    return report


def _corrections_of(upload: Upload, file_number: int) -> dict[int, dict]:
    corrections = {}
    for key, fields in upload.corrections.items():
        number, order = (int(part) for part in key.split(":"))
        if number == file_number:
            corrections[order] = {name: from_json(name, value) for name, value in fields.items()}
    return corrections


def _report(report: IngestReport, files: list[SourceFile]) -> dict:
    counts = {kind: vars(report.total(kind)) for kind in ("articles", "sections", "paragraphs")}
    sources = [file.source for file in files]
    return {
        **counts,
        "files": [
            {
                "name": source,
                "status": outcome.status,
                "reason": outcome.reason,
                "warnings": outcome.warnings,
                "rewrites": [f"{title}: {moved}" for title, moved in outcome.rewrites],
            }
            for source, outcome in zip(sources, report.files, strict=True)
        ],
        "stored": [
            {"title": a.title, "url": a.get_absolute_url()}
            for a in Article.objects.filter(source__in=sources).order_by("source", "order")
        ],
    }


def fail(upload: Upload, reason: str) -> None:
    upload.state, upload.error = Upload.State.FAILED, reason
    upload.save(update_fields=["state", "error"])
    shutil.rmtree(upload.folder, ignore_errors=True)


def discard_abandoned() -> int:
    """Drop the uploads read but neither stored nor discarded within UPLOAD_KEEP_DAYS,
    with their files: a folder of files nobody will confirm is disk nobody gets back."""
    cutoff = timezone.now() - timedelta(days=settings.COMMONPLACE_UPLOAD_KEEP_DAYS)
    abandoned = Upload.objects.filter(state=Upload.State.PREVIEWED, created__lt=cutoff)
    dropped = 0
    for upload in abandoned:
        dropped += discard(upload)
    return dropped


def discard(upload: Upload) -> bool:
    """Drop an upload read and not stored (or failed), with its files; False for one
    being read or stored (a job would write it back) or stored already."""
    dropped = Upload.objects.filter(
        pk=upload.pk, state__in=[Upload.State.PREVIEWED, Upload.State.FAILED]
    ).update(state=Upload.State.DISCARDED)
    if dropped:
        shutil.rmtree(upload.folder, ignore_errors=True)
    return bool(dropped)


def confirm(upload: Upload) -> bool:
    """Queue a previewed upload for storing; False if it was not waiting for that."""
    if not any(file["articles"] for file in upload.preview):
        return False
    return bool(
        Upload.objects.filter(pk=upload.pk, state=Upload.State.PREVIEWED).update(
            state=Upload.State.CONFIRMED, files_done=0
        )
    )


def _heard_from(upload: Upload) -> None:
    upload.heartbeat = timezone.now()
    upload.save(update_fields=["files_done", "files_total", "heartbeat"])
