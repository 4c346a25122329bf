"""Read the catalogue seed file (``data/catalogue.json``) into plain entries the seeder writes.

The file keeps repetition out with three kinds of shared parts:

- ``profiles``: values shared by a group of services (handler, office code,
  output, roles, fee, and the standar pelayanan texts); a profile may ``use``
  another and override some of its values;
- ``field_presets`` and ``requirement_presets``: a field or requirement a
  service takes with ``{"use": "nik"}`` and may override (``name``, ``label``...).

A service gives its form as ``steps``, each a ``title`` and its ``fields``
(step numbers and order come from their position), and its ``requirements``.
``choices`` is a list of strings. ``jangka_waktu`` left out is written from
``sla_working_days`` and ``sla_to_confirm``.

Everything is checked here, with the admin's own rules
(:mod:`layanan.catalogue.validation`), so a bad file is refused as a whole
with a message naming the service and the problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from layanan.accounts.models import Role
from layanan.catalogue import validation
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.standards import NAMES

SERVICE_KEYS = frozenset(
    {
        "name",
        "summary",
        "category",
        "keywords",
        "handler",
        "sla_working_days",
        "sla_to_confirm",
        "fee_rupiah",
        "output",
        "verify_role",
        "decide_role",
        "sign_role",
        "is_active",
        "order",
        *NAMES,
    }
)
FIELD_KEYS = frozenset(
    {
        "name",
        "label",
        "help_text",
        "kind",
        "required",
        "choices",
        "pattern",
        "pattern_message",
        "min_value",
        "max_value",
        "shown_when",
        "prefill",
        "past_only",
        "letters_only",
    }
)
REQUIREMENT_KEYS = frozenset({"code", "name", "description", "kind", "required", "field_name"})
# The English beside the Indonesian (core.content), from the overlay file catalogue_en.json.
SERVICE_ENGLISH = tuple(f"{name}_en" for name in Service.TRANSLATED)
FIELD_ENGLISH = tuple(f"{name}_en" for name in FormField.TRANSLATED if name != "step_title")
REQUIREMENT_ENGLISH = tuple(f"{name}_en" for name in Requirement.TRANSLATED)
SERVICE_KEYS = SERVICE_KEYS | frozenset(SERVICE_ENGLISH)
FIELD_KEYS = FIELD_KEYS | frozenset(FIELD_ENGLISH)
REQUIREMENT_KEYS = REQUIREMENT_KEYS | frozenset(REQUIREMENT_ENGLISH)
_ENTRY_KEYS = frozenset({"slug", "profile", "office", "steps", "requirements"})


class CatalogueFileError(ValueError):
    """The seed file cannot be read or breaks a rule; the message says where."""


@dataclass(frozen=True)
class ServiceEntry:
    """One service of the seed file, presets and profile applied, ready to write."""

    slug: str
    office_code: str | None
    values: dict[str, Any]  # Service model fields (not slug or office)
    fields: list[dict[str, Any]]  # FormField model fields, with step, step_title and order
    requirements: list[dict[str, Any]]  # Requirement model fields, with order


def catalogue_file_default() -> Path:
    return Path(settings.BASE_DIR) / "data" / "catalogue.json"


def english_file_for(path: Path) -> Path:
    """The English overlay of a seed file: ``catalogue.json`` → ``catalogue_en.json`` beside it."""
    return path.with_name(f"{path.stem}_en{path.suffix}")


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueFileError(f"{path}: cannot read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise CatalogueFileError(f"{path}: not valid JSON: {exc}") from exc


def catalogue_file_read(path: Path) -> list[ServiceEntry]:
    """The services of the seed file at ``path`` with the English of its overlay file, if there is one;
    :class:`CatalogueFileError` when either is unusable."""
    data = _json(path)
    english_path = english_file_for(path)
    if english_path.exists():
        data = english_overlay(data, _json(english_path), source=str(english_path))
    return catalogue_parse(data, source=str(path))


def _suffixed(texts: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(texts, dict):
        raise CatalogueFileError(f"{where}: expected an object")
    suffixed = {f"{key}_en": value for key, value in texts.items() if not isinstance(value, (dict, list))}
    _unknown(set(suffixed), frozenset(allowed), where)
    return suffixed


def english_overlay(data: Any, english: Any, *, source: str = "catalogue_en") -> Any:
    """``data`` (the decoded seed file) with the English texts of ``english`` beside the Indonesian.

    ``english`` mirrors the seed file: ``profiles`` and ``field_presets`` / ``requirement_presets``
    by name, and ``services`` by slug, each with ``steps`` (a list of step titles), ``fields`` (by
    field name) and ``requirements`` (by code). Every text becomes ``<key>_en``. A service that
    overrides a preset's Indonesian text without giving its English does not inherit the preset's
    English (it would say something else).
    """
    if not isinstance(data, dict) or not isinstance(english, dict):
        return data
    merged = json.loads(json.dumps(data))  # a deep copy: the caller's data stays as read
    for name, texts in (english.get("profiles") or {}).items():
        if name in merged.get("profiles", {}):
            merged["profiles"][name].update(_suffixed(texts, SERVICE_ENGLISH, f"{source}: profile {name}"))
    for group, allowed in (("field_presets", FIELD_ENGLISH), ("requirement_presets", REQUIREMENT_ENGLISH)):
        for name, texts in (english.get(group) or {}).items():
            if name in merged.get(group, {}):
                merged[group][name].update(_suffixed(texts, allowed, f"{source}: {group} {name}"))
    services = english.get("services") or {}
    for raw in merged.get("services", []):
        texts = services.get(raw.get("slug")) if isinstance(raw, dict) else None
        if not isinstance(texts, dict):
            continue
        where = f"{source}: service {raw['slug']}"
        raw.update(
            _suffixed(
                {k: v for k, v in texts.items() if k not in {"steps", "fields", "requirements"}},
                SERVICE_ENGLISH,
                where,
            )
        )
        for step, title in zip(raw.get("steps", []), texts.get("steps", []), strict=False):
            step["title_en"] = title
        fields = texts.get("fields") or {}
        presets = merged.get("field_presets", {})
        for step in raw.get("steps", []):
            for field in step.get("fields", []):
                name = field.get("name") or presets.get(field.get("use"), {}).get("name")
                if name in fields:
                    field.update(_suffixed(fields[name], FIELD_ENGLISH, f"{where}: field {name}"))
        requirements = texts.get("requirements") or {}
        requirement_presets = merged.get("requirement_presets", {})
        for item in raw.get("requirements", []):
            code = item.get("code") or requirement_presets.get(item.get("use"), {}).get("code")
            if code in requirements:
                item.update(
                    _suffixed(requirements[code], REQUIREMENT_ENGLISH, f"{where}: requirement {code}")
                )
    return merged


def _without_stale_english(preset: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """Drop a preset's English for each Indonesian text the service overrides without English."""
    for key in list(preset):
        if key.endswith("_en") and key.removesuffix("_en") in raw and key not in raw:
            preset.pop(key)
    return preset


def catalogue_parse(data: Any, *, source: str = "catalogue") -> list[ServiceEntry]:
    """Entries from the decoded seed file (see the module docstring)."""
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise CatalogueFileError(f"{source}: expected an object with a 'services' list")
    profiles = _mapping(data.get("profiles", {}), f"{source}: profiles")
    field_presets = _mapping(data.get("field_presets", {}), f"{source}: field_presets")
    requirement_presets = _mapping(data.get("requirement_presets", {}), f"{source}: requirement_presets")
    entries: list[ServiceEntry] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["services"], start=1):
        where = f"{source}: service {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("slug"), str) or not raw["slug"]:
            raise CatalogueFileError(f"{where}: needs a 'slug'")
        slug = raw["slug"]
        where = f"{source}: service {slug}"
        if slug in seen:
            raise CatalogueFileError(f"{where}: slug given twice")
        seen.add(slug)
        entries.append(_entry(raw, profiles, field_presets, requirement_presets, where))
    return entries


def _mapping(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(item, dict) for item in value.values()):
        raise CatalogueFileError(f"{where}: expected an object of objects")
    return value


def _profile(name: str, profiles: dict[str, dict[str, Any]], where: str) -> dict[str, Any]:
    chain: list[dict[str, Any]] = []
    current: str | None = name
    while current is not None:
        if current not in profiles:
            raise CatalogueFileError(f"{where}: unknown profile {current!r}")
        if len(chain) > len(profiles):
            raise CatalogueFileError(f"{where}: profiles use each other in a loop")
        chain.append(profiles[current])
        used = profiles[current].get("use")
        current = used if isinstance(used, str) else None
    merged: dict[str, Any] = {}
    for profile in reversed(chain):
        merged.update({key: value for key, value in profile.items() if key != "use"})
    return merged


def _with_preset(raw: Any, presets: dict[str, dict[str, Any]], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogueFileError(f"{where}: expected an object")
    name = raw.get("use")
    if name is None:
        return dict(raw)
    if name not in presets:
        raise CatalogueFileError(f"{where}: unknown preset {name!r}")
    own = {key: value for key, value in raw.items() if key != "use"}
    return {**_without_stale_english(dict(presets[name]), own), **own}


def _unknown(keys: set[str], allowed: frozenset[str], where: str) -> None:
    extra = sorted(keys - allowed)
    if extra:
        raise CatalogueFileError(f"{where}: unknown keys {', '.join(extra)}")


def jangka_waktu_text(days: int, *, to_confirm: bool) -> str:
    text = (
        f"Paling lama {days} hari kerja sejak permohonan diterima lengkap. "
        "Waktu menunggu perbaikan dari pemohon tidak dihitung."
    )
    if to_confirm:
        text += " Angka ini perkiraan dan sedang dikonfirmasi dengan SK standar pelayanan kantor."
    return text


def jangka_waktu_english(days: int, *, to_confirm: bool) -> str:
    text = (
        f"At most {days} working days after the complete application is received. "
        "Time spent waiting for the applicant's corrections is not counted."
    )
    if to_confirm:
        text += " This figure is an estimate being confirmed against the office's service standard decree."
    return text


def _entry(
    raw: dict[str, Any],
    profiles: dict[str, dict[str, Any]],
    field_presets: dict[str, dict[str, Any]],
    requirement_presets: dict[str, dict[str, Any]],
    where: str,
) -> ServiceEntry:
    _unknown(set(raw), SERVICE_KEYS | _ENTRY_KEYS, where)
    merged = _profile(raw["profile"], profiles, where) if raw.get("profile") else {}
    merged.update(
        {key: value for key, value in raw.items() if key not in {"profile", "steps", "requirements"}}
    )
    office_code = merged.pop("office", None)
    merged.pop("slug", None)
    _unknown(set(merged), SERVICE_KEYS, f"{where} (with its profile)")
    for key in ("name", "summary", "handler", "output", "sla_working_days"):
        if key not in merged:
            raise CatalogueFileError(f"{where}: needs {key!r}")
    if not isinstance(merged["sla_working_days"], int) or merged["sla_working_days"] < 1:
        raise CatalogueFileError(f"{where}: sla_working_days must be a whole number of days, at least 1")
    if not merged.get("jangka_waktu"):
        merged["jangka_waktu"] = jangka_waktu_text(
            merged["sla_working_days"], to_confirm=bool(merged.get("sla_to_confirm"))
        )
        merged.setdefault(
            "jangka_waktu_en",
            jangka_waktu_english(merged["sla_working_days"], to_confirm=bool(merged.get("sla_to_confirm"))),
        )
    _choice_check(merged, "handler", Service.Handler.values, where)
    _choice_check(merged, "output", Service.Output.values, where)
    for role in ("verify_role", "decide_role", "sign_role"):
        _choice_check(merged, role, Role.values, where)
    errors = validation.service_errors(handler=merged["handler"], has_office=bool(office_code))
    if errors:
        raise CatalogueFileError(f"{where}: {_flatten(errors)}")

    fields = _fields(raw.get("steps", []), field_presets, where)
    problems = validation.fields_errors(validation.spec_of(field) for field in fields)
    if problems:
        text = "; ".join(f"field {name}: {_flatten(errors)}" for name, errors in problems.items())
        raise CatalogueFileError(f"{where}: {text}")
    requirements = _requirements(
        raw.get("requirements", []), requirement_presets, [field["name"] for field in fields], where
    )
    return ServiceEntry(
        slug=raw["slug"],
        office_code=office_code if isinstance(office_code, str) and office_code else None,
        values=merged,
        fields=fields,
        requirements=requirements,
    )


def _fields(steps: Any, presets: dict[str, dict[str, Any]], where: str) -> list[dict[str, Any]]:
    if not isinstance(steps, list):
        raise CatalogueFileError(f"{where}: 'steps' must be a list")
    fields: list[dict[str, Any]] = []
    for step_number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not isinstance(step.get("fields"), list):
            raise CatalogueFileError(f"{where}: step {step_number} needs 'title' and 'fields'")
        for position, raw in enumerate(step["fields"], start=1):
            field = _with_preset(raw, presets, f"{where}: step {step_number} field {position}")
            _unknown(set(field), FIELD_KEYS, f"{where}: field {field.get('name', position)}")
            if not field.get("name") or not field.get("label"):
                raise CatalogueFileError(f"{where}: step {step_number} field {position} needs name and label")
            if isinstance(field.get("choices"), list):
                field["choices"] = "\n".join(str(choice) for choice in field["choices"])
            _choice_check(field, "kind", FormField.Kind.values, f"{where}: field {field['name']}")
            field.update(
                step=step_number,
                step_title=str(step.get("title", "")),
                step_title_en=str(step.get("title_en", "")),
                order=position * 10,
            )
            fields.append(field)
    return fields


def _requirements(
    items: Any, presets: dict[str, dict[str, Any]], field_names: list[str], where: str
) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise CatalogueFileError(f"{where}: 'requirements' must be a list")
    requirements: list[dict[str, Any]] = []
    codes: set[str] = set()
    for position, raw in enumerate(items, start=1):
        requirement = _with_preset(raw, presets, f"{where}: requirement {position}")
        _unknown(set(requirement), REQUIREMENT_KEYS, f"{where}: requirement {position}")
        code = requirement.get("code")
        if not code or not requirement.get("name"):
            raise CatalogueFileError(f"{where}: requirement {position} needs code and name")
        if code in codes:
            raise CatalogueFileError(f"{where}: requirement code {code} given twice")
        codes.add(code)
        _choice_check(requirement, "kind", Requirement.Kind.values, f"{where}: requirement {code}")
        errors = validation.requirement_errors(
            kind=requirement.get("kind", Requirement.Kind.UPLOAD_OR_PAPER),
            field_name=requirement.get("field_name", ""),
            field_names=field_names,
        )
        if errors:
            raise CatalogueFileError(f"{where}: requirement {code}: {_flatten(errors)}")
        requirement["order"] = position * 10
        requirements.append(requirement)
    return requirements


def _choice_check(values: dict[str, Any], key: str, allowed: list[str], where: str) -> None:
    if key in values and values[key] not in allowed:
        raise CatalogueFileError(f"{where}: {key} must be one of {', '.join(allowed)}, not {values[key]!r}")


def _flatten(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items())
