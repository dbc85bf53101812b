"""A step kind lives in one module of `pengaduan/complaints/kinds/`: no other module or template spells its name.

The rest of the code asks the registry by capability ("the kind that records the complaint", "kinds whose
performers need the identity"), so adding a kind means adding one module. Migrations are history and stay
as written; SOP files and docs name kinds as data.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pengaduan
from pengaduan.complaints.kinds import kinds

SOURCE = Path(pengaduan.__file__).parent
KINDS_PACKAGE = SOURCE / "complaints" / "kinds"


def _exempt(path: Path) -> bool:
    return path.is_relative_to(KINDS_PACKAGE) or "migrations" in path.parts


def python_spellings(path: Path, names: set[str]) -> list[tuple[int, str]]:
    """(line, name) for each string literal that is a kind name, and each import of a kind's own module."""
    text = path.read_text(encoding="utf-8")
    found = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.STRING:
            continue
        try:
            value = ast.literal_eval(token.string)
        except (ValueError, SyntaxError):  # f-strings: look at their literal text
            value = token.string.strip("fFrRbB\"'")
        if isinstance(value, str) and value in names:
            found.append((token.start[0], value))
    for node in ast.walk(ast.parse(text)):
        modules = []
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if parts[:3] == ["pengaduan", "complaints", "kinds"] and len(parts) > 3 and parts[3] in names:
                found.append((node.lineno, parts[3]))
    return sorted(set(found))


def template_spellings(path: Path, names: set[str]) -> list[tuple[int, str]]:
    """(line, name) for each quoted kind name in a template (e.g. `{% if kind.name == "x" %}`)."""
    pattern = re.compile(r"""["'](%s)["']""" % "|".join(map(re.escape, sorted(names))))
    return [(number, match[1]) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            for match in pattern.finditer(line)]


def spellings(root: Path, names: set[str]) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*")):
        if _exempt(path) or not path.is_file():
            continue
        if path.suffix == ".py":
            found = python_spellings(path, names)
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            found = template_spellings(path, names)
        else:
            continue
        problems += [f"{path.relative_to(root.parent)}:{line}: spells the step kind {name!r}"
                     for line, name in found]
    return problems


def test_it_finds_no_kind_name_outside_the_kinds_package():
    names = set(kinds.names())
    assert len(names) >= 6
    problems = spellings(SOURCE, names)
    assert not problems, (
        "Step kind names belong in pengaduan/complaints/kinds/ only; ask the registry by capability instead "
        "(kinds.one('records_complaint'), kinds.names_having('identity_fields'), get_kind(step.kind).label):\n"
        + "\n".join(problems)
    )


def test_it_reports_a_kind_name_spelled_elsewhere_with_its_file_and_line(tmp_path):
    package = tmp_path / "pengaduan"
    (package / "reports").mkdir(parents=True)
    (package / "templates" / "workdesk").mkdir(parents=True)
    (package / "reports" / "late.py").write_text(
        'from pengaduan.complaints.kinds.decide import Decide\n\n'
        'def late(runs):\n    return runs.filter(step__kind="decide")\n', encoding="utf-8")
    (package / "reports" / "fine.py").write_text('"""Decide what to decide."""\nX = "decided"\n', encoding="utf-8")
    (package / "templates" / "workdesk" / "page.html").write_text(
        '{% if kind.name == "decide" %}x{% endif %}\n', encoding="utf-8")

    problems = spellings(package, {"decide"})

    assert problems == [
        "pengaduan/reports/late.py:1: spells the step kind 'decide'",
        "pengaduan/reports/late.py:4: spells the step kind 'decide'",
        "pengaduan/templates/workdesk/page.html:1: spells the step kind 'decide'",
    ]
