"""The import layers of docs/architecture.md hold, and every module of the package sits in one of them."""

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pengaduan

ROOT = Path(__file__).resolve().parents[2]


def _layers_contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(contract for contract in config["contracts"] if contract["type"] == "layers")


def test_it_places_every_module_of_the_package_in_a_layer():
    placed = {name.strip() for layer in _layers_contract()["layers"] for name in layer.replace(":", "|").split("|")}
    modules = {module.name for module in pkgutil.iter_modules(pengaduan.__path__)}
    assert modules - placed == set()
    assert placed - modules == set()


def test_it_keeps_the_import_layers():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
