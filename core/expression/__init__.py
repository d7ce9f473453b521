"""The expression lab's core: type a formula, build it on the engine, step it node by node."""
from .errors import ExpressionError
from .examples import BY_KEY, EXAMPLES, Example
from .expression import Expression, parse
from .graph import LabNode
from .jacobian import JacobianCost, JacobianPasses
from .lexer import MAX_DEPTH, MAX_LENGTH
from .local import JACOBIAN_LIMIT, LocalJacobian
from .modes import ForwardWalk, HvpWalk
from .values import parse_values
from .walk import Walk

__all__ = ["BY_KEY", "EXAMPLES", "JACOBIAN_LIMIT", "MAX_DEPTH", "MAX_LENGTH", "Example", "Expression",
           "ExpressionError", "ForwardWalk", "HvpWalk", "JacobianCost", "JacobianPasses", "LabNode",
           "LocalJacobian", "Walk", "parse", "parse_values"]
