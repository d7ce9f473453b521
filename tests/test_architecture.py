"""The layering rules, checked on the source: core knows nothing of Qt, no import circles in core
or gui, and files small enough to read (imports inside functions count)."""
import pytest

from tests.imports import ROOT, cycles, graph, imports, modules

GUI_ONLY = ("PySide6", "shiboken6", "pyqtgraph", "gui")
MAX_LINES = 400
SMALLER = {"gui/main_window.py": 250, "core/training/trainer.py": 300}


@pytest.mark.parametrize("package", ["core", "gui"])
def test_no_import_circles(package):
    assert cycles(graph(package)) == []


def test_core_never_imports_qt_or_gui():
    known = modules("core")
    offenders = {name: sorted(t for t in imports(name, path, known) if t.split(".")[0] in GUI_ONLY)
                 for name, path in known.items()}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("package", ["core", "gui"])
def test_files_are_small(package):
    too_long = {}
    for path in modules(package).values():
        relative = path.relative_to(ROOT).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n >= SMALLER.get(relative, MAX_LINES + 1):
            too_long[relative] = n
    assert too_long == {}


def test_the_checker_sees_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
