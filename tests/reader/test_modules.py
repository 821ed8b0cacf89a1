"""The reader's JavaScript is ES modules that import each other, with no build step."""

import json
import re
from pathlib import Path

from django.core.management import call_command

MODULES = Path(__file__).resolve().parents[2] / "static" / "js" / "reader"
IMPORT = re.compile(r'^import .* from "\./([^"]+)";$', re.M)


def test_collected_modules_import_each_other_fingerprinted(settings, tmp_path):
    """Once collected (make serve), every import names the fingerprinted file, so that a
    browser caching them for ever never runs a new module with an old one."""
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    fingerprinted = {paths[f"js/reader/{module.name}"] for module in MODULES.glob("*.js")}
    seen = set()
    for name in fingerprinted:
        collected = (tmp_path / name).read_text(encoding="utf-8")
        for imported in IMPORT.findall(collected):
            assert f"js/reader/{imported}" in fingerprinted, (name, imported)
            seen.add(imported)
    # Every module but main.js is imported by another.
    assert len(seen) == len(fingerprinted) - 1
    assert paths["js/reader/main.js"] not in {f"js/reader/{name}" for name in seen}
