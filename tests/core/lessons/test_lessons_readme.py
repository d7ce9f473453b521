"""The README's complete lesson loads and runs as the README says."""
import re
from pathlib import Path

from core.lessons import load_lesson

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_lesson_loads_and_its_answers_are_the_engines(tmp_path):
    text = re.search(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S).group(1)
    path = tmp_path / "readme.toml"
    path.write_text(text, encoding="utf-8")
    run = load_lesson(path).start()
    assert run.answer(3).correct
    run.advance()
    assert run.expected() == -4.0 and run.answer("-4").message.startswith("−4 is right: local gradient")
    assert run.advance() is False
