"""The catalog entry behind a certificate, and how it is read from a file.

A catalog entry describes a data asset: what it is, where it comes from, how
big it is, how sensitive it is, and what it is worth. The certificate on chain
carries only the keccak-256 hash of the entry's canonical form (see
:mod:`ledger.hashing` and ``docs/canonical-form.md``); the entry itself lives
off chain, in the store, and in whatever file the applicant wrote.

Two shapes are in use. ``dal.catalog-entry/1`` (:class:`CatalogEntry`) is the
description alone; entries written in it stay readable and hash exactly as
they did, since their hashes are on chain. ``dal.catalog-entry/2``
(:class:`CatalogEntryV2`) carries what an application to a registrar carries
besides: what is registered (a data resource, or a data product and its form),
the rights claimed, how the data was acquired and under which authorisation,
the scenarios and scope of use, the restrictions, a sample or schema hash, the
storage location, the registrant's unified social credit code, the legal basis
for personal information, the third-party review and the appraiser of a
valuation. A file says which shape it is in with ``schema``; a file without it
is read as ``/2`` when it has any field only ``/2`` knows, else as ``/1``.

Entries are read from JSON or YAML. Every problem in a file is reported at
once, one line per field, saying which field is wrong and what is expected, so
a user fixes the file in one go. National core data (classification level
``core``) is refused there: it cannot be registered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import pydantic
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ledger.errors import ValidationError
from ledger.inputs import parse_uscc
from ledger.types import Right

__all__ = [
    "CATALOG_ENTRY_SCHEMA",
    "CATALOG_ENTRY_SCHEMAS",
    "CATALOG_ENTRY_SCHEMA_V2",
    "CATALOG_FORMAT",
    "CATALOG_TEMPLATE",
    "AcquisitionMethod",
    "AppraisedValuation",
    "Authorisation",
    "CatalogEntry",
    "CatalogEntryV2",
    "ClaimedRight",
    "ClassificationLevel",
    "DocumentRef",
    "ObjectType",
    "PersonalInformationBasis",
    "ProductForm",
    "Restrictions",
    "ReviewConclusion",
    "Sample",
    "SampleKind",
    "ThirdPartyReview",
    "UpdateFrequency",
    "Valuation",
    "ValuationMethod",
    "authorisation_expiry",
    "catalog_columns",
    "claimed_rights",
    "entry_from_columns",
    "load_catalog_entry",
    "parse_catalog_entry",
]

#: The record type written into the canonical form of every catalog entry, so
#: that a catalog entry can never hash to the same value as another kind of record.
CATALOG_ENTRY_SCHEMA: Final = "dal.catalog-entry/1"
#: The record type of the second shape, which carries what an application carries.
CATALOG_ENTRY_SCHEMA_V2: Final = "dal.catalog-entry/2"
#: Every shape a catalog entry may be in, oldest first.
CATALOG_ENTRY_SCHEMAS: Final = (CATALOG_ENTRY_SCHEMA, CATALOG_ENTRY_SCHEMA_V2)

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


class ObjectType(StrEnum):
    """What is registered: a data resource (数据资源) or a data product (数据产品)."""

    DATA_RESOURCE = "data-resource"
    DATA_PRODUCT = "data-product"


class ProductForm(StrEnum):
    """The form a data product is delivered in."""

    DATASET = "dataset"
    API = "api"
    REPORT = "report"
    MODEL = "model"
    INDEX = "index"


class ClaimedRight(StrEnum):
    """A right the applicant claims (the labels of :class:`ledger.types.Right`)."""

    HOLDING = "holding"
    DEVELOPMENT = "development"
    OPERATION = "operation"


class AcquisitionMethod(StrEnum):
    """How the applicant came to hold the data (the source options of the exchanges' application forms)."""

    SELF_GENERATED = "self-generated"  # 自行生产: produced in the applicant's own operations
    COLLECTED = "collected"  # 采集: gathered by the applicant from devices, sites or people
    PURCHASED = "purchased"  # 交易取得: bought, on an exchange or by contract
    LICENSED = "licensed"  # 授权取得: used under another holder's authorisation
    PUBLIC_DATA_OPERATION = "public-data-operation"  # 公共数据授权运营: public data under an operating mandate
    PUBLIC = "public"  # 公开数据: published openly by others


#: The acquisition methods under which the applicant holds the data by another's act, so the entry must
#: name the authorisation document (its hash and expiry).
AUTHORISED_ACQUISITIONS: Final = frozenset({
    AcquisitionMethod.PURCHASED, AcquisitionMethod.LICENSED, AcquisitionMethod.PUBLIC_DATA_OPERATION,
})


class PersonalInformationBasis(StrEnum):
    """The legal basis for processing personal information (Personal Information Protection Law, art. 13)."""

    CONSENT = "consent"  # (1) the individual's consent
    CONTRACT_OR_EMPLOYMENT = "contract-or-employment"  # (2) a contract with the individual, or HR management
    LEGAL_DUTY = "legal-duty"  # (3) a statutory duty or obligation
    PUBLIC_HEALTH_EMERGENCY = "public-health-emergency"  # (4) a public-health emergency, life or property
    NEWS_AND_SUPERVISION = "news-and-supervision"  # (5) news reporting and public supervision
    ALREADY_DISCLOSED = "already-disclosed"  # (6) information the individual or the law made public
    OTHER_LAW = "other-law"  # (7) another case laid down by law


class SampleKind(StrEnum):
    """What the sample hash is of: a sample of the data, or its schema (data dictionary)."""

    SAMPLE = "sample"
    SCHEMA = "schema"


class ReviewConclusion(StrEnum):
    """The conclusion of the third-party review (compliance assessment) of the application."""

    PASSED = "passed"
    PASSED_WITH_CONDITIONS = "passed-with-conditions"
    FAILED = "failed"


def _credit_code(value: str) -> str:
    try:
        code = parse_uscc(value)
    except ValidationError as exc:
        raise PydanticCustomError("credit_code", "{message}", {"message": str(exc)}) from None
    if code != value:  # hashed as written, so it is written one way only
        raise PydanticCustomError("credit_code", "write the code as {code}: capitals, no spaces", {"code": code})
    return code


CreditCode = Annotated[
    str,
    StringConstraints(strict=True),
    AfterValidator(_credit_code),
    Field(description="a unified social credit code (GB 32100-2015), 18 characters with its check character"),
]


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


class Authorisation(_Strict):
    """The document under which the applicant holds the data: its digest and the day it ends (``None``: it
    does not end)."""

    hash: Bytes32Hex
    expiry: dt.date | None

    def canonical_form(self) -> dict[str, Any]:
        return {"hash": self.hash, "expiry": self.expiry.isoformat() if self.expiry else None}


def _unique_texts(values: list[str]) -> list[str]:
    seen = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError("duplicate", "{value!r} is listed twice; list it once", {"value": value})
        seen.add(value)
    return values


TextList = Annotated[list[ShortText], Field(max_length=50), AfterValidator(_unique_texts)]


class Restrictions(_Strict):
    """Where and for what the data may be used, and whether it may leave mainland China.

    An empty list of regions or fields means no restriction of that kind.
    """

    regions: TextList
    fields: TextList
    cross_border_restricted: Annotated[bool, Field(strict=True)]

    def canonical_form(self) -> dict[str, Any]:
        return {
            "regions": list(self.regions),
            "fields": list(self.fields),
            "cross_border_restricted": self.cross_border_restricted,
        }


class Sample(_Strict):
    """The digest of a sample of the data, or of its schema, as lodged with the application."""

    kind: SampleKind
    hash: Bytes32Hex

    def canonical_form(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "hash": self.hash}


class ThirdPartyReview(_Strict):
    """Who reviewed the application for the registrar (a law firm, an assessor), when, and what it found."""

    reviewer: ShortText
    reviewer_credit_code: CreditCode
    date: dt.date
    conclusion: ReviewConclusion

    def canonical_form(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "reviewer_credit_code": self.reviewer_credit_code,
            "date": self.date.isoformat(),
            "conclusion": self.conclusion.value,
        }


class AppraisedValuation(Valuation):
    """A valuation with the appraiser that made it and the digest of its report."""

    appraiser: ShortText
    report_hash: Bytes32Hex

    def canonical_form(self) -> dict[str, Any]:
        return {**super().canonical_form(), "appraiser": self.appraiser, "report_hash": self.report_hash}


def _claimed_rights(values: list[ClaimedRight]) -> list[ClaimedRight]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("duplicate", "a right is listed twice; list each right once", {})
    order = list(ClaimedRight)
    return sorted(values, key=order.index)


def _rule_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules across fields of a ``/2`` entry, on its JSON values: ``(field, problem)`` pairs."""
    problems: list[tuple[str, str]] = []
    forms = ", ".join(form.value for form in ProductForm)
    kind, form = values.get("object_type"), values.get("product_form")
    if kind == ObjectType.DATA_PRODUCT.value and form is None:
        problems.append(("product_form", f"required for a data product: one of {forms}"))
    elif kind == ObjectType.DATA_RESOURCE.value and form is not None:
        problems.append(("product_form", ("a data resource has no product form; remove it, or set "
                                          "object_type: data-product")))
    personal, basis = values.get("contains_personal_data"), values.get("personal_information_basis")
    if personal is True and basis is None:
        bases = ", ".join(item.value for item in PersonalInformationBasis)
        problems.append(("personal_information_basis", ("required when contains_personal_data is true: the "
                                                        f"legal basis (PIPL art. 13), one of {bases}")))
    elif personal is False and basis is not None:
        problems.append(("personal_information_basis", ("only for an entry with personal information; remove "
                                                        "it, or set contains_personal_data: true")))
    method = values.get("acquisition_method")
    if method in {item.value for item in AUTHORISED_ACQUISITIONS} and values.get("authorisation") is None:
        problems.append(("authorisation", (f"required when acquisition_method is {method}: the hash of the "
                                           "authorisation document and its expiry (null if it does not end)")))
    return problems


class CatalogEntryV2(CatalogEntry):
    """A catalog entry that carries what an application carries (``dal.catalog-entry/2``).

    Every field of :class:`CatalogEntry`, and: what is registered and in which form, the rights claimed, how
    the data was acquired and under which authorisation, its scenarios and scope of use, its restrictions,
    a sample or schema hash, where it is stored, the registrant's credit code, the legal basis for personal
    information, the third-party review and, for a valuation, the appraiser and the report's hash.
    """

    object_type: ObjectType
    product_form: ProductForm | None = None
    rights_claimed: Annotated[list[ClaimedRight], Field(min_length=1), AfterValidator(_claimed_rights)]
    acquisition_method: AcquisitionMethod
    authorisation: Authorisation | None = None
    application_scenarios: Annotated[TextList, Field(min_length=1)]
    scope_of_use: Text
    restrictions: Restrictions
    sample: Sample
    storage_location: ShortText
    registrant_credit_code: CreditCode
    personal_information_basis: PersonalInformationBasis | None = None
    third_party_review: ThirdPartyReview | None = None
    valuation: AppraisedValuation | None = None

    @model_validator(mode="after")
    def _rules(self) -> CatalogEntryV2:
        problems = _rule_problems(self.canonical_form())
        if problems:
            raise PydanticCustomError(
                "catalog_rule", "{problems}", {"problems": "; ".join(f"{key}: {text}" for key, text in problems)}
            )
        return self

    def canonical_form(self) -> dict[str, Any]:
        """The JSON value that is canonicalised and hashed (every key present)."""
        return {
            **super().canonical_form(),
            "schema": CATALOG_ENTRY_SCHEMA_V2,
            "object_type": self.object_type.value,
            "product_form": self.product_form.value if self.product_form else None,
            "rights_claimed": [right.value for right in self.rights_claimed],
            "acquisition_method": self.acquisition_method.value,
            "authorisation": self.authorisation.canonical_form() if self.authorisation else None,
            "application_scenarios": list(self.application_scenarios),
            "scope_of_use": self.scope_of_use,
            "restrictions": self.restrictions.canonical_form(),
            "sample": self.sample.canonical_form(),
            "storage_location": self.storage_location,
            "registrant_credit_code": self.registrant_credit_code,
            "personal_information_basis": (
                self.personal_information_basis.value if self.personal_information_basis else None
            ),
            "third_party_review": self.third_party_review.canonical_form() if self.third_party_review else None,
        }


def claimed_rights(entry: CatalogEntry) -> tuple[Right, ...]:
    """The rights the application claims, in the order of :class:`ledger.types.Right`; a ``/1`` entry,
    which does not say, claims all three (as every certificate had them before)."""
    if isinstance(entry, CatalogEntryV2):
        return tuple(Right[claimed.name] for claimed in entry.rights_claimed)
    return tuple(Right)


def authorisation_expiry(entry: CatalogEntry) -> dt.date | None:
    """The day the source authorisation the entry declares ends (``None``: none declared, or no end)."""
    if isinstance(entry, CatalogEntryV2) and entry.authorisation is not None:
        return entry.authorisation.expiry
    return None


#: The fields that only ``dal.catalog-entry/2`` has: a file with any of them and no ``schema`` is read as /2.
_V2_ONLY: Final = frozenset(CatalogEntryV2.model_fields) - frozenset(CatalogEntry.model_fields)


_HASH_TEXT: Final = "0x followed by 64 lower-case hex digits"
_EXPECTATIONS: Final[dict[str, str]] = {
    "compliance_report.hash": _HASH_TEXT,
    "quality_report.hash": _HASH_TEXT,
    "contains_personal_data": "true or false",
    "valuation.currency": "an ISO 4217 code of three upper-case letters, e.g. CNY",
    "valuation.date": "a date as YYYY-MM-DD",
    "valuation.amount_minor": f"a whole number of minor units between 0 and {MAX_SAFE_INTEGER}",
    "valuation.report_hash": _HASH_TEXT,
    "rights_claimed": "a list of one or more of holding, development and operation",
    "application_scenarios": "a list of one or more scenarios, each 1 to 200 characters",
    "authorisation.hash": _HASH_TEXT,
    "authorisation.expiry": "a date as YYYY-MM-DD, or null when the authorisation does not end",
    "restrictions.regions": "a list of regions (empty: no restriction)",
    "restrictions.fields": "a list of fields of use (empty: no restriction)",
    "restrictions.cross_border_restricted": "true or false",
    "sample.hash": _HASH_TEXT,
    "third_party_review.date": "a date as YYYY-MM-DD",
    "registrant_credit_code": "an 18-character unified social credit code",
    "third_party_review.reviewer_credit_code": "an 18-character unified social credit code",
}

#: Why an entry classified ``core`` is refused, as the refusal says it.
CORE_DATA_REFUSAL: Final = (
    "national core data cannot be registered (rule: data classified core is refused at validation; Data "
    "Security Law art. 21); only important or general data can be"
)


#: What `dal asset apply --help` says of the file it reads.
CATALOG_FORMAT: Final = (
    "A catalog file is YAML (.yaml, .yml) or JSON (.json). It starts with schema: dal.catalog-entry/2 and has "
    "the fields: name, description, source, scale, "
    "update_frequency (real-time, daily, weekly, monthly, quarterly, yearly, irregular, static), format, "
    "coverage, classification_level (important or general; core data cannot be registered), "
    "contains_personal_data (true or false), "
    "compliance_report (hash: 0x and 64 lower-case hex digits, the keccak-256 of the report; reference: where "
    "it is kept), object_type (data-resource or data-product), product_form (a product's: dataset, api, "
    "report, model or index), rights_claimed (holding, development, operation), acquisition_method "
    "(self-generated, collected, purchased, licensed, public-data-operation, public), authorisation (hash, "
    "expiry; required for purchased, licensed and public-data-operation), application_scenarios, scope_of_use, "
    "restrictions (regions, fields, cross_border_restricted), sample (kind: sample or schema; hash), "
    "storage_location, registrant_credit_code (the unified social credit code), personal_information_basis "
    "(required with personal data: consent, contract-or-employment, legal-duty, public-health-emergency, "
    "news-and-supervision, already-disclosed, other-law) and, optionally, quality_report (hash, reference), "
    "third_party_review (reviewer, reviewer_credit_code, date, conclusion: passed, passed-with-conditions or "
    "failed) and valuation (amount_minor, currency, method: cost, income or market; date YYYY-MM-DD; appraiser; "
    "report_hash). A file of the first shape (schema dal.catalog-entry/1, without the fields from object_type "
    "on) is still read. `dal asset template FILE` writes an example with every field explained."
)

#: The example catalog file `dal asset template` writes: every field, each one explained.
CATALOG_TEMPLATE: Final = """\
# A catalog entry: what the data asset is, and what the application to the registrar says
# of it. Its keccak-256 hash goes on chain with the application; the entry itself stays
# off chain. Edit every value, then apply:
#   dal --as MERCHANT asset apply THIS_FILE --registrar REGISTRAR

# The shape of this file (keep it as it is).
schema: dal.catalog-entry/2
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
# The data-security classification: important or general. National core data (core)
# cannot be registered.
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
# the valuation method (cost, income or market), the valuation date, the appraiser and the
# keccak-256 hash of its valuation report (delete all these lines if there is no valuation).
valuation:
  amount_minor: 1200000000
  currency: CNY
  method: cost
  date: "2026-06-30"
  appraiser: Shenzhen Pengcheng Asset Appraisal Co.
  report_hash: "0x5d41402abc4b2a76b9719d911017c592ae2f6d2f1ed8a7c3e9b2d4f6a8c0e1f3"
# What is registered: data-resource (数据资源, the data itself) or data-product (数据产品).
object_type: data-product
# A data product's form: dataset, api, report, model or index (delete for a data resource).
product_form: dataset
# The rights the applicant claims: one or more of holding, development and operation.
# Only these are issued.
rights_claimed: [holding, development, operation]
# How the applicant came to hold the data: self-generated, collected, purchased, licensed,
# public-data-operation (public data under an operating mandate) or public.
acquisition_method: self-generated
# The document under which the applicant holds the data: its keccak-256 hash and the day it
# ends (null if it does not end). Required for purchased, licensed and public-data-operation;
# delete these lines if there is none. The certificate's validity ends no later than this.
authorisation:
  hash: "0x7e4b2c9d1a3f5e6b8c0d2e4f6a8b0c1d3e5f7a9b1c2d4e6f8a0b2c3d5e7f9a1b"
  expiry: "2030-12-31"
# What the data is used for, one line each.
application_scenarios:
  - Port capacity planning
  - Shipping-line schedule optimisation
# The scope of use the applicant claims (who may use it, and how).
scope_of_use: Analysis by licensed logistics companies; no resale of the raw records.
# Restrictions: the regions and the fields of use it is limited to (empty lists: none),
# and whether it may not leave mainland China (true: it may not, without approval).
restrictions:
  regions: [Guangdong]
  fields: [logistics, shipping]
  cross_border_restricted: true
# The keccak-256 hash of a sample of the data (kind: sample) or of its schema (kind: schema),
# as lodged with the application.
sample:
  kind: schema
  hash: "0x3f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c1d3e5f7a9b0c2d4e6f8a"
# Where the data is stored (the data centre, cloud region or system).
storage_location: Port data centre, Shenzhen (own servers)
# The applicant's unified social credit code (统一社会信用代码), 18 characters.
registrant_credit_code: 91110000MA01000004
# The legal basis for personal information (PIPL art. 13), required when
# contains_personal_data is true: consent, contract-or-employment, legal-duty,
# public-health-emergency, news-and-supervision, already-disclosed or other-law.
personal_information_basis: null
# Optional: the third-party review of the application (a law firm or assessor): who, its
# unified social credit code, when, and its conclusion (passed, passed-with-conditions or
# failed). Delete these lines if there is none.
third_party_review:
  reviewer: Shenzhen Data Compliance Law Firm
  reviewer_credit_code: 31440000MD0123456L
  date: "2026-06-15"
  conclusion: passed
"""


# --- the entry as the store's columns ---------------------------------------------------------


def catalog_columns(entry: CatalogEntry) -> dict[str, Any]:
    """The column values of ``entry`` (the ``/2`` columns empty for a ``/1`` entry)."""
    quality = entry.quality_report
    valuation = entry.valuation
    return {
        **_application_columns(entry),
        "name": entry.name,
        "description": entry.description,
        "source": entry.source,
        "scale": entry.scale,
        "update_frequency": entry.update_frequency.value,
        "format": entry.format,
        "coverage": entry.coverage,
        "classification_level": entry.classification_level.value,
        "contains_personal_data": entry.contains_personal_data,
        "compliance_report_hash": entry.compliance_report.hash,
        "compliance_report_reference": entry.compliance_report.reference,
        "quality_report_hash": quality.hash if quality else None,
        "quality_report_reference": quality.reference if quality else None,
        "valuation_amount_minor": valuation.amount_minor if valuation else None,
        "valuation_currency": valuation.currency if valuation else None,
        "valuation_method": valuation.method.value if valuation else None,
        "valuation_date": valuation.date if valuation else None,
    }


def _application_columns(entry: CatalogEntry) -> dict[str, Any]:
    if not isinstance(entry, CatalogEntryV2):
        return {"entry_schema": CATALOG_ENTRY_SCHEMA}
    valuation, authorisation, review = entry.valuation, entry.authorisation, entry.third_party_review
    return {
        "entry_schema": CATALOG_ENTRY_SCHEMA_V2,
        "valuation_appraiser": valuation.appraiser if valuation else None,
        "valuation_report_hash": valuation.report_hash if valuation else None,
        "object_type": entry.object_type.value,
        "product_form": entry.product_form.value if entry.product_form else None,
        "rights_claimed": [right.value for right in entry.rights_claimed],
        "acquisition_method": entry.acquisition_method.value,
        "authorisation_hash": authorisation.hash if authorisation else None,
        "authorisation_expiry": authorisation.expiry if authorisation else None,
        "application_scenarios": list(entry.application_scenarios),
        "scope_of_use": entry.scope_of_use,
        "restricted_regions": list(entry.restrictions.regions),
        "restricted_fields": list(entry.restrictions.fields),
        "cross_border_restricted": entry.restrictions.cross_border_restricted,
        "sample_kind": entry.sample.kind.value,
        "sample_hash": entry.sample.hash,
        "storage_location": entry.storage_location,
        "registrant_credit_code": entry.registrant_credit_code,
        "personal_information_basis": (
            entry.personal_information_basis.value if entry.personal_information_basis else None
        ),
        "review_reviewer": review.reviewer if review else None,
        "review_reviewer_credit_code": review.reviewer_credit_code if review else None,
        "review_date": review.date if review else None,
        "review_conclusion": review.conclusion.value if review else None,
    }


def entry_from_columns(columns: Mapping[str, Any]) -> CatalogEntry:
    """The catalog entry these columns hold, in the shape it was written in (validated again, so bad
    rows are caught). The values may be as SQLAlchemy reads them or as SQLite's driver does (a boolean
    0 or 1, a date ISO text, a list JSON text: :mod:`ledger.store.direct`)."""
    quality = None
    if columns["quality_report_hash"] is not None and columns["quality_report_reference"] is not None:
        quality = DocumentRef(hash=columns["quality_report_hash"], reference=columns["quality_report_reference"])
    common: dict[str, Any] = {
        "name": columns["name"],
        "description": columns["description"],
        "source": columns["source"],
        "scale": columns["scale"],
        "update_frequency": UpdateFrequency(columns["update_frequency"]),
        "format": columns["format"],
        "coverage": columns["coverage"],
        "classification_level": ClassificationLevel(columns["classification_level"]),
        "contains_personal_data": bool(columns["contains_personal_data"]),
        "compliance_report": DocumentRef(
            hash=columns["compliance_report_hash"], reference=columns["compliance_report_reference"]
        ),
        "quality_report": quality,
    }
    valued = columns["valuation_amount_minor"] is not None
    valuation = {
        "amount_minor": columns["valuation_amount_minor"],
        "currency": columns["valuation_currency"] or "",
        "method": ValuationMethod(columns["valuation_method"] or ""),
        "date": _day(columns["valuation_date"]) or dt.date.min,
    } if valued else None
    if columns["entry_schema"] == CATALOG_ENTRY_SCHEMA_V2:
        return _entry_v2(columns, common, valuation)
    return CatalogEntry(**common, valuation=Valuation(**valuation) if valuation else None)


def _entry_v2(
    columns: Mapping[str, Any], common: dict[str, Any], valuation: dict[str, Any] | None
) -> CatalogEntryV2:
    appraised = None
    if valuation is not None:
        appraised = AppraisedValuation(
            **valuation,
            appraiser=columns["valuation_appraiser"] or "",
            report_hash=columns["valuation_report_hash"] or "",
        )
    authorisation = None
    if columns["authorisation_hash"] is not None:
        authorisation = Authorisation(hash=columns["authorisation_hash"], expiry=_day(columns["authorisation_expiry"]))
    review = None
    if columns["review_reviewer"] is not None:
        review = ThirdPartyReview(
            reviewer=columns["review_reviewer"],
            reviewer_credit_code=columns["review_reviewer_credit_code"] or "",
            date=_day(columns["review_date"]) or dt.date.min,
            conclusion=ReviewConclusion(columns["review_conclusion"] or ""),
        )
    return CatalogEntryV2(
        **common,
        valuation=appraised,
        object_type=ObjectType(columns["object_type"] or ""),
        product_form=ProductForm(columns["product_form"]) if columns["product_form"] is not None else None,
        rights_claimed=[ClaimedRight(right) for right in _texts(columns["rights_claimed"])],
        acquisition_method=AcquisitionMethod(columns["acquisition_method"] or ""),
        authorisation=authorisation,
        application_scenarios=_texts(columns["application_scenarios"]),
        scope_of_use=columns["scope_of_use"] or "",
        restrictions=Restrictions(
            regions=_texts(columns["restricted_regions"]),
            fields=_texts(columns["restricted_fields"]),
            cross_border_restricted=bool(columns["cross_border_restricted"]),
        ),
        sample=Sample(kind=SampleKind(columns["sample_kind"] or ""), hash=columns["sample_hash"] or ""),
        storage_location=columns["storage_location"] or "",
        registrant_credit_code=columns["registrant_credit_code"] or "",
        personal_information_basis=(
            PersonalInformationBasis(columns["personal_information_basis"])
            if columns["personal_information_basis"] is not None else None
        ),
        third_party_review=review,
    )


def _day(value: Any) -> dt.date | None:
    """A stored date: a date, or the ISO text SQLite's driver returns."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _texts(value: Any) -> list[str]:
    """A stored list of texts: a list, or the JSON text SQLite's driver returns; ``[]`` for none."""
    return list((json.loads(value) if isinstance(value, str) else value) or [])


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
    if kind in ("credit_code", "duplicate"):
        return f"field '{location}': {error['msg']}"
    expected = _EXPECTATIONS.get(location)
    if expected is None and kind == "string_pattern_mismatch":
        expected = f"text matching {error['ctx']['pattern']}"
    detail = f"expected {expected}" if expected else str(error["msg"]).lower()
    shown = error.get("input")
    got = "" if isinstance(shown, dict) else f", got {shown!r}"
    return f"field '{location}': {detail}{got}"


def _model_for(schema: Any, fields: dict[str, Any]) -> tuple[type[CatalogEntry], str | None]:
    """The shape a file is in, and a problem with its ``schema`` field if there is one."""
    if schema is None:
        return (CatalogEntryV2 if _V2_ONLY & fields.keys() else CatalogEntry), None
    if schema == CATALOG_ENTRY_SCHEMA:
        return CatalogEntry, None
    if schema == CATALOG_ENTRY_SCHEMA_V2:
        return CatalogEntryV2, None
    known = " or ".join(CATALOG_ENTRY_SCHEMAS)
    return CatalogEntryV2, f"field 'schema': expected {known}, got {schema!r}"


def parse_catalog_entry(data: Any, source: str = "catalog entry") -> CatalogEntry:
    """Validate a decoded JSON/YAML value as a catalog entry (``/1`` or ``/2``, by its ``schema``).

    Raises :class:`ValidationError` listing every problem, one line per field;
    an entry classified ``core`` is refused (:data:`CORE_DATA_REFUSAL`).
    """
    if not isinstance(data, dict):
        raise ValidationError(f"{source}: expected a mapping of catalog fields, got {type(data).__name__}")
    fields = dict(data)
    model, schema_problem = _model_for(fields.pop("schema", None), fields)
    problems = [schema_problem] if schema_problem else []
    entry: CatalogEntry | None = None
    wrong: set[str] = set()
    try:
        entry = model.model_validate(fields)
    except pydantic.ValidationError as exc:
        for error in exc.errors():
            if error["type"] == "catalog_rule":
                continue  # said field by field below
            wrong.add(".".join(str(part) for part in error["loc"]))
            problems.append(_describe(error))
    if model is CatalogEntryV2:
        problems += [f"field '{key}': {text}" for key, text in _rule_problems(fields) if key not in wrong]
    if fields.get("classification_level") == ClassificationLevel.CORE.value:
        problems.append(f"field 'classification_level': {CORE_DATA_REFUSAL}")
    if problems or entry is None:
        raise ValidationError("\n".join(f"{source}: {problem}" for problem in problems))
    return entry


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
