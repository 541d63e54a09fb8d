"""The catalog entry behind a certificate, and how it is read from a file.

A catalog entry describes a data asset: what it is, where it comes from, how
big it is, how sensitive it is, and what it is worth. The certificate on chain
carries only the keccak-256 hash of the entry's canonical form (see
:mod:`ledger.hashing` and ``docs/canonical-form.md``); the entry itself lives
off chain, in the store, and in whatever file the applicant wrote.

Entries are read from JSON or YAML. Every problem in a file is reported at
once, one line per field, saying which field is wrong and what is expected, so
a user fixes the file in one go.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ledger.errors import ValidationError

__all__ = [
    "CATALOG_ENTRY_SCHEMA",
    "CATALOG_FORMAT",
    "CATALOG_TEMPLATE",
    "CatalogEntry",
    "ClassificationLevel",
    "DocumentRef",
    "UpdateFrequency",
    "Valuation",
    "ValuationMethod",
    "load_catalog_entry",
    "parse_catalog_entry",
]

#: The record type written into the canonical form of every catalog entry, so
#: that a catalog entry can never hash to the same value as another kind of record.
CATALOG_ENTRY_SCHEMA: Final = "dal.catalog-entry/1"

#: The largest integer the canonical form carries: JSON numbers are IEEE-754
#: doubles in most languages, and RFC 8785 serialises them as such.
MAX_SAFE_INTEGER: Final = 2**53 - 1

Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Bytes32Hex = Annotated[
    str,
    StringConstraints(pattern=r"^0x[0-9a-f]{64}$"),
    Field(description="a keccak-256 or sha-256 digest as 0x and 64 lower-case hex digits"),
]


class UpdateFrequency(StrEnum):
    """How often the data set behind the asset is refreshed."""

    REAL_TIME = "real-time"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    IRREGULAR = "irregular"
    STATIC = "static"


class ClassificationLevel(StrEnum):
    """The data-security classification of the data set (core, important, general)."""

    CORE = "core"
    IMPORTANT = "important"
    GENERAL = "general"


class ValuationMethod(StrEnum):
    """The valuation approach of the asset appraisal standards."""

    COST = "cost"
    INCOME = "income"
    MARKET = "market"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class DocumentRef(_Strict):
    """A report kept off chain: its digest, and where to find it."""

    hash: Bytes32Hex
    reference: ShortText

    def canonical_form(self) -> dict[str, Any]:
        return {"hash": self.hash, "reference": self.reference}


class Valuation(_Strict):
    """What the asset is worth, in minor units (fen, cents) of a currency."""

    amount_minor: Annotated[int, Field(strict=True, ge=0, le=MAX_SAFE_INTEGER)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    method: ValuationMethod
    date: dt.date

    def canonical_form(self) -> dict[str, Any]:
        return {
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "method": self.method.value,
            "date": self.date.isoformat(),
        }


class CatalogEntry(_Strict):
    """One version of the catalog entry of a data asset (the fields of the product)."""

    name: ShortText
    description: Text
    source: Text
    scale: ShortText
    update_frequency: UpdateFrequency
    format: ShortText
    coverage: Text
    classification_level: ClassificationLevel
    contains_personal_data: Annotated[bool, Field(strict=True)]
    compliance_report: DocumentRef
    quality_report: DocumentRef | None = None
    valuation: Valuation | None = None

    def canonical_form(self) -> dict[str, Any]:
        """The JSON value that is canonicalised and hashed (every key present)."""
        return {
            "schema": CATALOG_ENTRY_SCHEMA,
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "scale": self.scale,
            "update_frequency": self.update_frequency.value,
            "format": self.format,
            "coverage": self.coverage,
            "classification_level": self.classification_level.value,
            "contains_personal_data": self.contains_personal_data,
            "compliance_report": self.compliance_report.canonical_form(),
            "quality_report": self.quality_report.canonical_form() if self.quality_report else None,
            "valuation": self.valuation.canonical_form() if self.valuation else None,
        }


_EXPECTATIONS: Final[dict[str, str]] = {
    "compliance_report.hash": "0x followed by 64 lower-case hex digits",
    "quality_report.hash": "0x followed by 64 lower-case hex digits",
    "contains_personal_data": "true or false",
    "valuation.currency": "an ISO 4217 code of three upper-case letters, e.g. CNY",
    "valuation.date": "a date as YYYY-MM-DD",
    "valuation.amount_minor": f"a whole number of minor units between 0 and {MAX_SAFE_INTEGER}",
}


#: What `dal asset apply --help` says of the file it reads.
CATALOG_FORMAT: Final = (
    "A catalog file is YAML (.yaml, .yml) or JSON (.json) with the fields: name, description, source, scale, "
    "update_frequency (real-time, daily, weekly, monthly, quarterly, yearly, irregular, static), format, "
    "coverage, classification_level (core, important, general), contains_personal_data (true or false), "
    "compliance_report (hash: 0x and 64 lower-case hex digits, the keccak-256 of the report; reference: where "
    "it is kept) and, optionally, quality_report (the same two fields) and valuation (amount_minor, currency, "
    "method: cost, income or market; date YYYY-MM-DD). `dal asset template FILE` writes an example with "
    "every field explained."
)

#: The example catalog file `dal asset template` writes: every field, each one explained.
CATALOG_TEMPLATE: Final = """\
# A catalog entry: what the data asset is. Its keccak-256 hash goes on chain with
# the application; the entry itself stays off chain. Edit every value, then apply:
#   dal --as MERCHANT asset apply THIS_FILE --registrar REGISTRAR

# The asset's name, as the certificate will show it (at most 200 characters).
name: Container port throughput, daily
# What the data set holds, in plain words (at most 4000 characters).
description: Daily container throughput of the port's terminals, by terminal and vessel class.
# Where the data comes from, and how it was collected.
source: Terminal operating systems of the port, exported nightly.
# How big the data set is (rows, files, gigabytes ...).
scale: 12 million rows, 3.2 GB
# How often it is refreshed: real-time, daily, weekly, monthly, quarterly, yearly, irregular or static.
update_frequency: daily
# The form it is delivered in (CSV files, an API, a database view ...).
format: CSV files over SFTP
# What it covers: the period, the places, the population.
coverage: All terminals of the port, 2019 to date
# The data-security classification: core, important or general.
classification_level: general
# Whether it contains personal information: true or false.
contains_personal_data: false
# The compliance report: the keccak-256 hash of the report file (0x and 64 lower-case hex
# digits) and where the report is kept. Replace both with your report's.
compliance_report:
  hash: "0x9c22ff5f21f0b81b113e63f7db6da94fedef11b2119b4088b89664fb9a3cb658"
  reference: reports/compliance-2026.pdf
# Optional: the data-quality report, in the same form (delete these lines if there is none).
quality_report:
  hash: "0x2a3f6b5c1d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a"
  reference: reports/quality-2026.pdf
# Optional: what the asset is worth: an amount in minor units (fen, cents) of a currency,
# the valuation method (cost, income or market) and the valuation date (delete if none).
valuation:
  amount_minor: 1200000000
  currency: CNY
  method: cost
  date: "2026-06-30"
"""


def _describe(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(entry)"
    kind = error["type"]
    if kind == "missing":
        return f"field '{location}': missing"
    if kind == "extra_forbidden":
        return f"field '{location}': not a catalog field (check its spelling)"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"field '{location}': expected one of {expected}, got {error['input']!r}"
    expected = _EXPECTATIONS.get(location)
    if expected is None and kind == "string_pattern_mismatch":
        expected = f"text matching {error['ctx']['pattern']}"
    detail = f"expected {expected}" if expected else str(error["msg"]).lower()
    shown = error.get("input")
    got = "" if isinstance(shown, dict) else f", got {shown!r}"
    return f"field '{location}': {detail}{got}"


def parse_catalog_entry(data: Any, source: str = "catalog entry") -> CatalogEntry:
    """Validate a decoded JSON/YAML value as a catalog entry.

    Raises :class:`ValidationError` listing every problem, one line per field.
    """
    if not isinstance(data, dict):
        raise ValidationError(f"{source}: expected a mapping of catalog fields, got {type(data).__name__}")
    try:
        return CatalogEntry.model_validate(data)
    except pydantic.ValidationError as exc:
        lines = [f"{source}: {_describe(error)}" for error in exc.errors()]
        raise ValidationError("\n".join(lines)) from None


class _YamlLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML without the YAML 1.1 surprises that would corrupt an entry.

    ``0x...`` digests must stay text (plain YAML reads them as hex integers),
    and dates stay text so the model validates them like JSON input.
    """


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)


def load_catalog_entry(path: Path) -> CatalogEntry:
    """Read a catalog entry from a ``.json``, ``.yaml`` or ``.yml`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read the catalog entry ({exc.strerror})") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        elif path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_YamlLoader)
        else:
            raise ValidationError(f"{path}: a catalog entry must be a .json, .yaml or .yml file")
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValidationError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return parse_catalog_entry(data, source=str(path))
