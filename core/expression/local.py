"""A node's local Jacobian formed explicitly, for the inspector: what backward never builds.

The matrix is Z×X (output entries × input entries); Jᵀ·upstream equals the downstream gradient
that backward computed implicitly, which ``LocalJacobian.matches`` confirms.
"""
from dataclasses import dataclass

import numpy as np

from core.autodiff import jacobian

from .errors import ExpressionError

JACOBIAN_LIMIT = 4096  # entries: the lab forms a local Jacobian only when it is this small


@dataclass(frozen=True)
class LocalJacobian:
    """The explicit Jacobian of one node with respect to one input, beside the implicit product.

    ``product`` (Jᵀ·upstream, in the input's shape) and ``matches`` are None until backward has
    reached the node.
    """
    matrix: np.ndarray
    jacobian_bytes: int
    gradient_bytes: int
    zeros: int
    product: object = None
    matches: object = None


def local_jacobian(node, nodes, input=0, limit=JACOBIAN_LIMIT):
    """The explicit local Jacobian of ``node`` with respect to its input number ``input``, or None
    when it would have more than ``limit`` entries."""
    if node.primitive is None:
        raise ExpressionError(f"{node.label!r} is an input: it has no local Jacobian")
    if not 0 <= input < len(node.inputs) or node.inputs[input] is None:
        raise ExpressionError(f"node {node.id} ({node.op}) has no input number {input}")
    if any(i is None for i in node.inputs):
        raise ExpressionError(f"node {node.id} ({node.op}) of the gradient graph has a constant input "
                              "the graph does not hold, so its local Jacobian cannot be formed here")
    z = int(np.prod(node.shape))
    x = int(np.prod(node.input_shapes[input]))
    if z * x > limit:
        return None
    args = [nodes[i].tensor.data for i in node.inputs]

    def f(t):
        return node.primitive(*args[:input], t, *args[input + 1:], **node.params)

    with np.errstate(all="ignore"):
        matrix = np.asarray(jacobian(f, args[input])).reshape(z, x)
    item = matrix.dtype.itemsize
    product = matches = None
    if node.grad is not None and node.downstream is not None and node.downstream[input] is not None:
        product = (matrix.T @ np.ravel(np.broadcast_to(node.grad, node.shape))).reshape(
            node.input_shapes[input])
        matches = bool(np.allclose(product, node.downstream[input], rtol=1e-10, atol=1e-12))
    return LocalJacobian(matrix, z * x * item, x * item, int(np.count_nonzero(matrix == 0)),
                         product, matches)
