"""A lab step's world: a formula at given values, fused or expanded, in one mode, and its Walk.

``LabWorld`` carries out lab actions on its walk (or on a walk the app attached: the lab's own)
and says whether the learner has done one already (``reached``). Quantities are read from a
walk of the current setup run to its end (``finished``), so a question asked before the learner
steps has its answer ready.
"""
import dataclasses

from core.expression import ExpressionError, parse, parse_values

from .actions import MODES

LAB_FIELDS = ("expression", "values", "expand", "mode", "direction")


@dataclasses.dataclass(frozen=True)
class LabSetup:
    """A lab setup: ``expression`` and ``values`` as the lab's two line edits hold them."""
    expression: str
    values: str
    expand: bool = False
    mode: str = "reverse"
    direction: str = ""          # a variable name, or a values line such as "x = 1, y = 0"

    @classmethod
    def from_table(cls, table):
        """The setup a TOML table describes; TypeError or ValueError naming the field and what it expects."""
        unknown = sorted(set(table) - set(LAB_FIELDS))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}; a lab setup has {', '.join(LAB_FIELDS)}")
        for name in ("expression", "values"):
            if not isinstance(table.get(name), str):
                raise TypeError(f"field {name!r}: expected a text, such as "
                                 f"{'(x + y) * z' if name == 'expression' else 'x = -2, y = 5'!r}")
        if not isinstance(table.get("expand", False), bool):
            raise TypeError("field 'expand': expected true or false")
        if table.get("mode", "reverse") not in MODES:
            raise ValueError(f"field 'mode': expected one of {', '.join(MODES)}")
        if not isinstance(table.get("direction", ""), str):
            raise TypeError("field 'direction': expected a variable name or a line such as 'x = 1, y = 0'")
        setup = cls(**table)
        setup.walk()  # a bad formula, value or direction is refused now, with the parser's message
        return setup

    def parsed(self):
        """(Expression, values dict, direction for ``Expression.walk``)."""
        expression, values = parse(self.expression), parse_values(self.values)
        direction = self.direction.strip() or None
        if direction is not None and "=" in direction:
            direction = parse_values(direction)
        return expression, values, direction

    def walk(self, mode=None):
        """A new walk of this setup (in ``mode``, default the setup's own), at its start."""
        expression, values, direction = self.parsed()
        mode = mode or self.mode
        if mode != "reverse" and direction is None:
            raise ExpressionError(f"{mode} mode needs a direction: add direction = \"x\" to the setup")
        return expression.walk(values, expand=self.expand, mode=mode,
                               direction=direction if mode != "reverse" else None)


class LabWorld:
    """The setup and the current walk; ``walk`` may be replaced by the app's lab (``attach``)."""

    kind = "lab"

    def __init__(self, setup):
        self.setup = setup
        self.walk = setup.walk()

    def attach(self, walk):
        """Follow ``walk`` (the lab's own, built from the same formula) from now on."""
        self.walk = walk
        self.setup = dataclasses.replace(self.setup, expand=walk.expand, mode=walk.mode)

    def mark(self):
        """What ``reached`` compares against: the walk and how far it has stepped."""
        return self.walk, self.walk.steps_done

    def perform(self, action):
        """Carry out one action on the walk."""
        if action.verb == "build":
            self.walk = self.setup.walk()
        elif action.verb == "step":
            for _ in range(action.count):
                self.walk.step()
        elif action.verb == "forward":
            # op_count steps make the forward pass; one more would start backward
            while self.walk.steps_done < self.walk.op_count and self.walk.step():
                pass
        elif action.verb == "run":
            self.walk.run()
        else:
            self.setup = _changed(self.setup, action)
            self.walk = self.setup.walk()

    def reached(self, action, mark):
        """True when the walk shows ``action`` done since ``mark`` (the learner did it in the app)."""
        walk, steps = mark
        if action.verb == "build":
            return self.walk is not walk
        if action.verb == "step":
            return self.walk is walk and self.walk.steps_done >= steps + action.count
        if action.verb == "forward":
            return self.walk.steps_done >= self.walk.op_count
        if action.verb == "run":
            return self.walk.finished
        changed = _changed(self.setup, action)
        return (self.walk.expand, self.walk.mode) == (changed.expand, changed.mode)

    def after(self, actions):
        """A world of its own in the state these actions lead to (this one is left as it is)."""
        setup = self.setup
        for action in actions:
            if action.verb in ("expand", "fuse", "mode"):
                setup = _changed(setup, action)
        return LabWorld(setup)

    def finished(self, mode=None):
        """A walk of the current setup in ``mode`` (default the setup's), run to the end."""
        return self.setup.walk(mode).run()


def _changed(setup, action):
    if action.verb == "expand":
        return dataclasses.replace(setup, expand=True)
    if action.verb == "fuse":
        return dataclasses.replace(setup, expand=False)
    return dataclasses.replace(setup, mode=action.word)
