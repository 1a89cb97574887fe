"""Imports flow one way: clusterfund <- applications <- review <- allocation <- governance.

Every .py file of the five packages is parsed with `ast` (module-level and function-level imports,
absolute and relative), and any import of a package higher in the chain is reported as file:line.
A URLconf's `include("review.urls")` is a string, not an import, and is allowed: the root URLconf
wires the apps together without the foundation knowing them.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. governance does not exist yet; it is here so that nothing below it may import it.
LAYERS = ("clusterfund", "applications", "review", "allocation", "governance")
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """Return the absolute dotted name `from ... import` refers to (relative levels resolved)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Return the ids of the import nodes inside `if TYPE_CHECKING:` blocks (never executed at run time)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def imported_modules(
    source: str, *, module: str, is_package: bool = False, run_time_only: bool = False
) -> list[tuple[int, str]]:
    """Return (line, absolute module name) for every import statement in `source`, at any depth (without those
    under `if TYPE_CHECKING:` when `run_time_only`)."""
    found = []
    tree = ast.parse(source)
    skipped = _type_checking_only(tree) if run_time_only else set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, is_package)
            found.append((node.lineno, target))
            if not node.module:  # `from . import views`: each name may be a module of the package
                found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
    return found


def violations(source: str, *, module: str, filename: str, is_package: bool = False) -> list[str]:
    """Return "file:line: module imports higher" for every import of a higher layer in `source`."""
    own = RANK[module.split(".")[0]]
    problems = []
    for line, target in imported_modules(source, module=module, is_package=is_package):
        top = target.split(".")[0]
        if top in RANK and RANK[top] > own:
            problems.append(f"{filename}:{line}: {module} imports {target} ({top} is above {LAYERS[own]})")
    return problems


def project_violations(root: Path = ROOT) -> list[str]:
    """Return the violations in every .py file of the layered packages under `root`."""
    problems = []
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")) if (root / layer).is_dir() else []:
            problems.extend(
                violations(
                    path.read_text(encoding="utf-8"),
                    module=_module_name(path, root),
                    filename=str(path.relative_to(root)),
                    is_package=path.name == "__init__.py",
                )
            )
    return problems


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Return {module: the project modules it imports, at any depth} for the layered packages under `root`."""
    files = {
        _module_name(path, root): path
        for layer in LAYERS
        if (root / layer).is_dir()
        for path in (root / layer).rglob("*.py")
    }
    return {
        module: {
            target
            for _line, target in imported_modules(
                path.read_text(encoding="utf-8"),
                module=module,
                is_package=path.name == "__init__.py",
                run_time_only=True,  # a type-only import of each other is no circle when the code runs
            )
            if target in files and target != module
        }
        for module, path in files.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return each group of modules that import one another in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_modules_import_each_other():
    """A circle of imports (even inside functions, as clusterfund.documents and .tasks had) is refused."""
    cycles = import_cycles(import_graph())
    assert not cycles, "\n".join(" <-> ".join(group) for group in cycles)


def test_a_type_only_import_is_no_circle_but_still_a_layer_violation():
    source = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from allocation.models import Proposal\n"
    assert imported_modules(source, module="review.selectors", run_time_only=True) == [(1, "typing")]
    assert violations(source, module="review.selectors", filename="x.py") == [
        "x.py:4: review.selectors imports allocation.models (allocation is above review)"
    ]


def test_the_cycle_check_catches_a_circle():
    graph = {"a.documents": {"a.tasks"}, "a.tasks": {"a.documents"}, "a.x": {"a.y"}, "a.y": set()}
    assert import_cycles(graph) == [["a.documents", "a.tasks"]]
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]


def test_no_package_imports_a_layer_above_it():
    problems = project_violations()
    assert not problems, "\n".join(problems)


def test_the_check_reads_all_five_packages_that_exist():
    present = [layer for layer in LAYERS if (ROOT / layer).is_dir()]
    assert present[:4] == ["clusterfund", "applications", "review", "allocation"]
    assert sum(1 for layer in present for _path in (ROOT / layer).rglob("*.py")) > 50


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from applications.views.public import HomeView\n", "clusterfund.urls", ["x.py:1"]),
        ("import review.scoring\n", "applications.models", ["x.py:1"]),
        ("def f():\n    from allocation import models\n", "review.selectors", ["x.py:2"]),
        ("if True:\n    import governance.models as g\n", "allocation.views.memo", ["x.py:2"]),
        ("from ...allocation import forms\n", "review.views.queue", ["x.py:1"]),
        ("from .. import forms\n", "review.views.queue", []),
        ("from clusterfund.money import format_kroner\n", "governance.reports", []),
        ("from applications.models import Call\n", "review.forms", []),
        ("from . import views\n", "clusterfund.urls", []),
        ("import reviewers\nfrom allocations import x\n", "clusterfund.x", []),
        ('path("", include("review.urls"))\n', "clusterfund.urls", []),
    ],
)
def test_the_checker_catches_a_higher_import(source, module, expected):
    found = violations(source, module=module, filename="x.py")
    assert [problem.split(": ")[0] for problem in found] == expected


def test_the_checker_finds_a_violation_in_a_package_tree(tmp_path):
    (tmp_path / "clusterfund").mkdir()
    (tmp_path / "clusterfund" / "__init__.py").write_text("")
    (tmp_path / "clusterfund" / "helpers.py").write_text("import os\n\n\ndef f():\n    import governance.models\n")
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "__init__.py").write_text("from applications import models\n")
    assert project_violations(tmp_path) == [
        "clusterfund/helpers.py:5: clusterfund.helpers imports governance.models (governance is above clusterfund)"
    ]
