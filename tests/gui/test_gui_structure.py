"""The gui package has one place that opens error boxes (layering and file sizes: tests/test_architecture.py)."""
from tests.imports import ROOT, modules

ERROR_BOXES = ("QMessageBox.critical", "show_error(")


def test_only_the_error_module_opens_error_boxes():
    openers = sorted(path.relative_to(ROOT / "gui").as_posix() for path in modules("gui").values()
                     if any(box in path.read_text(encoding="utf-8") for box in ERROR_BOXES))
    assert openers == ["errors.py"]
