"""The house rules that import-linter cannot see: the UI holds the façade and nothing below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[1] / "src" / "mlprep" / "ui"
BELOW_THE_FACADE = {"db", "store", "_storage", "storage", "conn"}


@pytest.mark.parametrize("module", sorted(UI.glob("*.py")), ids=lambda p: p.name)
def test_the_ui_never_reaches_through_the_facade_to_storage(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    reaches = [f"{module.name}:{node.lineno}: .{node.attr}" for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and node.attr in BELOW_THE_FACADE]
    assert reaches == []


def test_the_check_finds_a_reach_through(tmp_path: Path) -> None:
    tree = ast.parse("rows = self.collection.store.db.execute('SELECT 1')")
    assert {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} & BELOW_THE_FACADE == {"db", "store"}
