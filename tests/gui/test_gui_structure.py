"""The shape of the gui package: small files, no import circle, one place that opens error boxes."""
import ast
from pathlib import Path

import gui

ROOT = Path(gui.__file__).parent
MAX_LINES = 400
ERROR_BOXES = ("QMessageBox.critical", "show_error(")


def modules():
    """{dotted name: path} of every module in gui/."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name, path, known):
    """The gui modules ``name`` imports, at the top or inside functions."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else node.module
            candidates = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found.update(c for c in candidates if c in known and c != name)
    return found


def test_no_gui_file_is_over_400_lines():
    long = {str(p): n for p in modules().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
    assert len((ROOT / "main_window.py").read_text(encoding="utf-8").splitlines()) < 250


def test_no_two_gui_modules_import_each_other_even_in_a_circle():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    state, circles = {}, []

    def visit(name, path):
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                circles.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, path + [other])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_only_the_error_module_opens_error_boxes():
    openers = sorted(str(path.relative_to(ROOT)) for path in modules().values()
                     if any(box in path.read_text(encoding="utf-8") for box in ERROR_BOXES))
    assert openers == ["errors.py"]
