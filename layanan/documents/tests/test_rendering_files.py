"""A letter template reaches no file of the server: typst's root is an empty folder of its own.

An administrator edits the template's body (typst markup); before this, ``#read("var/dev-secrets.json")``
printed the keys into the letter. Every way typst reads a file must now fail with a plain message
for the administrator that names no path of the server, and the secret must appear nowhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from layanan.documents.rendering import FILE_ACCESS_MESSAGE, TemplateProblem
from layanan.documents.tests.test_rendering import render

SECRET = "RAHASIA-KUNCI-5f1c9a"


@pytest.fixture
def secret_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The process's working directory holds a secret file and an image, as the repository does."""
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "dev-secrets.json").write_text(f'{{"key": "{SECRET}"}}', encoding="utf-8")
    (tmp_path / "secret.typ").write_text(SECRET, encoding="utf-8")
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def bodies(folder: Path) -> list[str]:
    secrets = folder / "var" / "dev-secrets.json"
    return [
        '#read("var/dev-secrets.json")',
        '#read("/var/dev-secrets.json")',
        f'#read("{secrets}")',
        '#read("../var/dev-secrets.json")',
        '#read("../../../../../../etc/passwd")',
        '#read("/etc/passwd")',
        '#json("var/dev-secrets.json")',
        '#include "secret.typ"',
        '#include "../secret.typ"',
        f'#include "{folder / "secret.typ"}"',
        '#import "secret.typ": *',
        '#image("logo.svg")',
        '#image("../logo.svg")',
        f'#image("{folder / "logo.svg"}")',
        '#read("manage.py")',
        '#read("layanan/settings.py")',
        '#csv("var/dev-secrets.json")',
        '#import "@local/rahasia:0.1.0": *',
    ]


def test_every_file_the_template_asks_for_is_refused_plainly_and_nothing_leaks(secret_cwd: Path) -> None:
    for body in bodies(secret_cwd):
        with pytest.raises(TemplateProblem) as problem:
            render(body)

        message = str(problem.value)
        assert message == FILE_ACCESS_MESSAGE, body
        assert SECRET not in message
        assert str(secret_cwd) not in message
        assert "letter-" not in message
        assert "searched at" not in message


def test_the_repository_files_are_out_of_reach_from_its_own_directory() -> None:
    # Run from the repository (as the server does): its files were the default root before.
    repository = Path(__file__).resolve().parents[3]
    assert (repository / "manage.py").is_file()
    for body in ('#read("manage.py")', f'#read("{repository / "manage.py"}")', '#read("pyproject.toml")'):
        with pytest.raises(TemplateProblem, match="tidak boleh membaca berkas"):
            render(body)


def test_a_template_without_files_still_renders_its_logo_and_qr(secret_cwd: Path) -> None:
    assert render('Nama: #field("nama").').startswith(b"%PDF")


def test_other_template_errors_keep_typsts_own_message() -> None:
    with pytest.raises(TemplateProblem) as problem:
        render("#let broken = (1, 2")

    assert "unclosed delimiter" in str(problem.value)
