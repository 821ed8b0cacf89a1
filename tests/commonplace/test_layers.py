"""Layers only look down: archive <- annotations <- search <- commonplace.

The contract is import-linter's (pyproject.toml, [tool.importlinter]); it follows imports
through every module, indirect chains included.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("commonplace", "search", "annotations", "archive")


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_import_runs_down_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_up_the_layers_is_caught(tmp_path):
    """The check is not blind: archive importing search, even through a chain, fails it."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "archive" / "parsing.py", "a") as module:
        module.write("\nimport annotations.slugs  # noqa: E402\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "archive is not allowed to import annotations" in result.stdout
