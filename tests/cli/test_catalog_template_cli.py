"""`dal asset template` writes a catalog file a newcomer can edit and apply; `asset apply --help` says the format."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from ledger.catalog import CatalogEntryV2, load_catalog_entry

runner = CliRunner()


def test_the_template_is_a_valid_catalog_file_with_every_field_explained(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "catalog.yaml"
    result = runner.invoke(app, ["asset", "template", str(target)], env={"DAL_HOME": str(home)})
    assert result.exit_code == 0, result.stderr
    entry = load_catalog_entry(target)
    assert isinstance(entry, CatalogEntryV2)  # the shape that carries the application
    assert entry.quality_report is not None and entry.valuation is not None  # the optional fields are shown too
    assert entry.authorisation is not None and entry.third_party_review is not None
    text = target.read_text(encoding="utf-8")
    for field in ["schema", *CatalogEntryV2.model_fields]:
        position = text.index(f"\n{field}:")
        assert text[:position].rstrip().splitlines()[-1].startswith("#"), f"{field} has no comment above it"
    # Nothing was started or written in the data home: the template needs no chain.
    assert not home.exists() or not any(home.iterdir())


def test_the_template_never_overwrites_a_file(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "catalog.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["asset", "template", str(target)], env={"DAL_HOME": str(home)})
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {target} already exists; choose another CATALOG_FILE or remove it first\n"
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_the_template_is_yaml_and_says_so(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "catalog.json"
    result = runner.invoke(app, ["asset", "template", str(target)], env={"DAL_HOME": str(home)})
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {target}: the template is YAML; name the file with .yaml or .yml\n"
    assert not target.exists()


def test_apply_help_describes_every_catalog_field(home: Path) -> None:
    result = runner.invoke(app, ["asset", "apply", "--help"], env={"DAL_HOME": str(home), "COLUMNS": "200"})
    assert result.exit_code == 0
    flat = " ".join(result.stdout.replace("│", " ").split())
    for field in CatalogEntryV2.model_fields:
        assert field in flat, field
    assert "dal asset template FILE" in flat
