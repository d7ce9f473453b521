"""The engine's modules import one another in one direction, every import at the top of a file:
state → tensor → primitive → namespaces → rule modules → ops → backward → graph, transforms,
gradcheck, replay_fusion → replay. Imports inside functions count."""
import ast
from pathlib import Path

import core.autodiff

PACKAGE = Path(core.autodiff.__file__).parent
NAME = "core.autodiff"


def _modules():
    return {f"{NAME}.{path.stem}" if path.stem != "__init__" else NAME: path
            for path in sorted(PACKAGE.glob("*.py"))}


def _imported(node, module):
    """The engine modules an import statement in ``module`` names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith(NAME)]
    package = module if module == NAME else module.rsplit(".", 1)[0]
    if node.level == 0:
        base = node.module or ""
    else:
        parts = package.split(".")
        base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
    if not base.startswith(NAME):
        return []
    if node.module is None:  # from . import ops
        return [f"{base}.{alias.name}" for alias in node.names]
    return [base]


def _graph():
    modules = _modules()
    edges = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets.update(t for t in _imported(node, module) if t in modules and t != module)
        edges[module] = targets
    return edges


def test_the_chain_runs_in_the_documented_order():
    edges = _graph()
    order = ["state", "tensor", "primitive", "namespaces", "elementwise", "shape_ops", "linalg",
             "fused", "ops", "backward", "graph", "transforms", "gradcheck", "replay_fusion",
             "replay"]
    assert sorted(f"{NAME}.{m}" for m in order) == sorted(m for m in edges if m != NAME)
    rank = {f"{NAME}.{m}": i for i, m in enumerate(order)}
    backwards = [(m, t) for m, targets in edges.items() if m != NAME for t in targets
                 if rank[t] >= rank[m]]
    assert backwards == [], backwards


def test_every_import_is_at_the_top_of_its_file():
    for module, path in _modules().items():
        tree = ast.parse(path.read_text(), filename=str(path))
        body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        first_other = next((i for i, n in enumerate(body)
                            if not isinstance(n, (ast.Import, ast.ImportFrom))), len(body))
        late = [n.lineno for n in body[first_other:] if isinstance(n, (ast.Import, ast.ImportFrom))]
        nested = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                  and n not in tree.body]
        assert late == [] and nested == [], f"{module}: imports below the top at lines {late + nested}"
