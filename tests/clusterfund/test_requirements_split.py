"""The production image installs the runtime requirements only; the development venv installs both sets."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "factory-boy", "hypothesis", "playwright", "ruff"}


def requirement_names(path: Path) -> set[str]:
    """Return the normalised distribution names pinned in a requirements file (not its `-r` includes)."""
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~! ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_runtime_requirements_hold_no_test_tool():
    runtime = requirement_names(ROOT / "requirements.txt")
    assert "django" in runtime
    assert runtime & TEST_TOOLS == set()


def test_dev_requirements_include_the_runtime_set_and_the_test_tools():
    text = (ROOT / "requirements-dev.txt").read_text()
    assert re.search(r"^-r requirements\.txt$", text, re.MULTILINE)
    assert requirement_names(ROOT / "requirements-dev.txt") >= TEST_TOOLS


def test_the_image_installs_the_runtime_set_and_leaves_the_tests_out():
    instructions = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.startswith("#")]
    installs = [found for line in instructions for found in re.findall(r"pip install.*", line)]
    assert installs == ["pip install -r requirements.txt"]
    assert not any("requirements-dev" in line for line in instructions)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"tests/", "benchmarks/", "requirements-dev.txt"} <= set(ignored)


def test_the_venv_stamp_depends_on_both_sets_and_installs_the_dev_set():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\$\(STAMP\): requirements\.txt requirements-dev\.txt$", makefile, re.MULTILINE)
    assert "pip install --quiet -r requirements-dev.txt" in makefile
