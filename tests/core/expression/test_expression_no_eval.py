"""The lab's parser is safe by construction: no module of core/expression calls eval, exec or
compile, by any name (``re.compile`` too: the lexer scans with ``re.finditer``), or imports ast."""
import ast
from pathlib import Path

import core.expression

FORBIDDEN = {"eval", "exec", "compile", "__import__"}


def test_no_module_calls_eval_exec_compile_or_ast():
    found = []
    for path in sorted(Path(core.expression.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):   # compile(…) or re.compile(…): a name or an attribute
                called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if called in FORBIDDEN:
                    found.append(f"{path.name}:{node.lineno} {called}")
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                    (alias.name if isinstance(node, ast.Import) else node.module or "") == "ast"
                    for alias in node.names):
                found.append(f"{path.name}:{node.lineno} imports ast")
    assert found == []
