"""Writing small lesson files for the tests."""
import textwrap

GATES = """
title = "Gates"
introduction = "Add distributes, mul swaps."

[[steps]]
text = "Build it."
setup = { expression = "(x + y) * z", values = "x = -2, y = 5, z = -4" }
actions = ["build", "forward"]
highlight = { node = "x + y", panel = "graph" }
[steps.question]
ask = "What is dz?"
quantity = "gradient"
variable = "z"
explain = "the other input."

[[steps]]
text = "Step one node, then another."
actions = ["step", "step 2"]
[steps.question]
ask = "What does the mul gate send to q?"
quantity = "downstream"
node = "(x + y) * z"
input = 0
"""


def write(tmp_path, text, name="lesson.toml"):
    """Write ``text`` (dedented) to a file in ``tmp_path``; returns its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
