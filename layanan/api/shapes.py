"""Small helpers shared by the API's routers: texts in both languages, the error responses."""

from __future__ import annotations

from typing import Any

from layanan.api.schemas import ErrorOut, Texts

# Every operation documents these, so every answer has a schema to be checked against.
ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 422, 429)}


def texts(obj: Any, name: str) -> Texts:
    indonesian = str(getattr(obj, name, "") or "")
    english = str(getattr(obj, f"{name}_en", "") or "") if name in getattr(obj, "TRANSLATED", ()) else ""
    return Texts(id=indonesian, en=english or indonesian)


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    return {status: ok, **ERRORS}
