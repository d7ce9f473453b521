"""Every primitive of the engine, in one namespace (``Tensor``'s operators call these)."""
from .elementwise import (abs_, add, clip, div, exp, leaky_relu, log, maximum, mul, neg, power,
                          relu, sigmoid, sqrt, sub, tanh, where)
from .fused import log_softmax, multiclass_hinge_loss, softmax_cross_entropy
from .linalg import matmul
from .shape_ops import (broadcast_to, concatenate, getitem, max_, mean, reshape, stack, sum_,
                        sum_to, transpose, unindex)

PRIMITIVES = {p.name: p for p in (
    abs_, add, clip, div, exp, leaky_relu, log, maximum, mul, neg, power, relu, sigmoid, sqrt,
    sub, tanh, where, log_softmax, multiclass_hinge_loss, softmax_cross_entropy, matmul,
    broadcast_to, concatenate, getitem, max_, mean, reshape, stack, sum_, sum_to, transpose,
    unindex)}
