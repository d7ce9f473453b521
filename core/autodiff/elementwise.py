"""Elementwise primitives (structure "elementwise"). Their Jacobians are diagonal (or
broadcast-diagonal): a VJP is an elementwise product of the upstream gradient with the local
derivative. Sigmoid is also fused: one node for 1 / (1 + exp(−x))."""
import numpy as np

from .namespaces import numpy_ns
from .primitive import Primitive
from .tensor import Tensor


def _v(x):
    return x.data if isinstance(x, Tensor) else x


add = Primitive("add", np.add, formula="∂(x+y)/∂x = 1,  ∂(x+y)/∂y = 1",
                words="The add gate copies its upstream gradient to both inputs.")
add.defvjp(lambda ns, g, ans, x, y, saved: g,
           lambda ns, g, ans, x, y, saved: g)
add.defjvp(lambda t, ans, x, y, saved: t,
           lambda t, ans, x, y, saved: t)

sub = Primitive("sub", np.subtract, formula="∂(x−y)/∂x = 1,  ∂(x−y)/∂y = −1",
                words="Subtract: the gradient passes to x unchanged and to y negated.")
sub.defvjp(lambda ns, g, ans, x, y, saved: g,
           lambda ns, g, ans, x, y, saved: -g)
sub.defjvp(lambda t, ans, x, y, saved: t,
           lambda t, ans, x, y, saved: -t)

mul = Primitive("mul", np.multiply, formula="∂(x·y)/∂x = y,  ∂(x·y)/∂y = x",
                words="The mul gate swaps its inputs: each input's gradient is upstream × the other input.")
mul.defvjp(lambda ns, g, ans, x, y, saved: g * y,
           lambda ns, g, ans, x, y, saved: g * x)
mul.defjvp(lambda t, ans, x, y, saved: t * y,
           lambda t, ans, x, y, saved: x * t)

div = Primitive("div", np.divide, formula="∂(x/y)/∂x = 1/y,  ∂(x/y)/∂y = −x/y²",
                words="Divide x by y.")
div.defvjp(lambda ns, g, ans, x, y, saved: g / y,
           lambda ns, g, ans, x, y, saved: -g * x / (y * y))
div.defjvp(lambda t, ans, x, y, saved: t / y,
           lambda t, ans, x, y, saved: -t * x / (y * y))

neg = Primitive("neg", np.negative, formula="∂(−x)/∂x = −1", words="Negate.")
neg.defvjp(lambda ns, g, ans, x, saved: -g)
neg.defjvp(lambda t, ans, x, saved: -t)


def _dpow_dx(x, p):
    """p·xᵖ⁻¹, but 0 at x = 0 when p = 0 (x⁰ is constant; 0·0⁻¹ would be NaN)."""
    if isinstance(p, (int, float)):  # stays a Python number, so float32 x stays float32
        return p * x ** (p - 1) if p != 0 else 0 * x
    at_zero = (_v(x) == 0) & (_v(p) == 0)  # only there: elsewhere the formula is right to any order
    return p * x ** (p - 1 + at_zero)


def _log_base(ns, x):
    """ln x, with ln 0 taken as 0: 0ᵖ is 0 for every p > 0, but xᵖ·ln x would be 0·(−∞) = NaN."""
    if isinstance(x, (int, float)):
        return float(np.log(x)) if x != 0 else 0.0  # a Python float keeps 2 ** x32 float32
    return ns.log(x + (_v(x) == 0))


power = Primitive("pow", np.power, formula="∂(xᵖ)/∂x = p·xᵖ⁻¹,  ∂(xᵖ)/∂p = xᵖ·ln x",
                  words="Raise x to the power p (either may be the variable).")
power.defvjp(lambda ns, g, ans, x, p, saved: g * _dpow_dx(x, p),
             lambda ns, g, ans, x, p, saved: g * ans * _log_base(ns, x))
power.defjvp(lambda t, ans, x, p, saved: t * _dpow_dx(x, p),
             lambda t, ans, x, p, saved: t * ans * _log_base(numpy_ns, x))

exp = Primitive("exp", np.exp, formula="∂exp(x)/∂x = exp(x)", words="Exponential.")
exp.defvjp(lambda ns, g, ans, x, saved: g * ans)
exp.defjvp(lambda t, ans, x, saved: t * ans)

log = Primitive("log", np.log, formula="∂ln(x)/∂x = 1/x", words="Natural logarithm.")
log.defvjp(lambda ns, g, ans, x, saved: g / x)
log.defjvp(lambda t, ans, x, saved: t / x)

sqrt = Primitive("sqrt", np.sqrt, formula="∂√x/∂x = 1/(2√x)", words="Square root.")
sqrt.defvjp(lambda ns, g, ans, x, saved: g * 0.5 / ans)
sqrt.defjvp(lambda t, ans, x, saved: t * 0.5 / ans)

abs_ = Primitive("abs", np.abs, formula="∂|x|/∂x = sign(x)", words="Absolute value.")
abs_.defvjp(lambda ns, g, ans, x, saved: g * np.sign(_v(x)))
abs_.defjvp(lambda t, ans, x, saved: t * np.sign(x))

tanh = Primitive("tanh", np.tanh, formula="∂tanh(x)/∂x = 1 − tanh²(x)", words="Hyperbolic tangent.")
tanh.defvjp(lambda ns, g, ans, x, saved: g * (1 - ans * ans))
tanh.defjvp(lambda t, ans, x, saved: t * (1 - ans * ans))

# The local derivative is another primitive applied to x (not to ans), through ns: with
# create_graph it is a graph node, so the second derivative (−sin, −cos) comes out too.
sin = Primitive("sin", np.sin, formula="∂sin(x)/∂x = cos(x)", words="Sine.")
sin.defvjp(lambda ns, g, ans, x, saved: g * ns.cos(x))
sin.defjvp(lambda t, ans, x, saved: t * np.cos(x))

cos = Primitive("cos", np.cos, formula="∂cos(x)/∂x = −sin(x)", words="Cosine.")
cos.defvjp(lambda ns, g, ans, x, saved: -g * ns.sin(x))
cos.defjvp(lambda t, ans, x, saved: -t * np.sin(x))


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))  # stable for large |x|, unlike 1/(1+exp(-x))


sigmoid = Primitive("sigmoid", _sigmoid, fused=True, formula="∂σ(x)/∂x = σ(x)·(1 − σ(x))",
                    words="Sigmoid as one fused node: its local gradient comes from its own output.")
sigmoid.defvjp(lambda ns, g, ans, x, saved: g * ans * (1 - ans))
sigmoid.defjvp(lambda t, ans, x, saved: t * ans * (1 - ans))

relu = Primitive("relu", lambda x: np.maximum(x, 0), formula="∂relu/∂x = 1[x > 0]",
                 words="ReLU passes the gradient where the input was positive and blocks it elsewhere.")
relu.defvjp(lambda ns, g, ans, x, saved: g * (_v(x) > 0))
relu.defjvp(lambda t, ans, x, saved: t * (x > 0))


def _leaky_slope(x, slope):
    x = _v(x)
    return np.where(x > 0, 1, slope).astype(x.dtype, copy=False)


leaky_relu = Primitive("leaky_relu", lambda x, slope: np.where(x > 0, x, x * slope),
                       formula="∂lrelu/∂x = 1 if x > 0 else slope",
                       words="Leaky ReLU lets a small fraction of the gradient through for negative inputs.")
leaky_relu.defvjp(lambda ns, g, ans, x, saved, slope: g * _leaky_slope(x, slope))
leaky_relu.defjvp(lambda t, ans, x, saved, slope: t * _leaky_slope(x, slope))


def _max_share(x, y):
    """Share of the gradient that the max gate routes to x (ties split evenly)."""
    x, y = _v(x), _v(y)
    share = (x > y) + 0.5 * (x == y)
    return share.astype(np.result_type(x, y), copy=False)  # a Python number is weakly typed


maximum = Primitive("maximum", np.maximum, formula="∂max(x,y)/∂x = 1[x > y]  (ties split ½–½)",
                    words="The max gate routes the whole gradient to the larger input.")
maximum.defvjp(lambda ns, g, ans, x, y, saved: g * _max_share(x, y),
               lambda ns, g, ans, x, y, saved: g * (1 - _max_share(x, y)))
maximum.defjvp(lambda t, ans, x, y, saved: t * _max_share(x, y),
               lambda t, ans, x, y, saved: t * (1 - _max_share(x, y)))

where = Primitive("where", np.where, formula="∂where(c,x,y)/∂x = 1[c],  ∂/∂y = 1[¬c]",
                  words="Select from x where the condition holds and from y elsewhere.")
where.defvjp(None,
             lambda ns, g, ans, c, x, y, saved: g * c,
             lambda ns, g, ans, c, x, y, saved: g * ~c)
where.defjvp(None,
             lambda t, ans, c, x, y, saved: t * c,
             lambda t, ans, c, x, y, saved: t * ~c)


def _clip_pass(x, low, high):
    x = _v(x)
    keep = np.ones(x.shape, dtype=bool)
    if low is not None:
        keep &= x >= low
    if high is not None:
        keep &= x <= high
    return keep


clip = Primitive("clip", lambda x, low, high: np.clip(x, low, high),
                 formula="∂clip(x)/∂x = 1[low ≤ x ≤ high]",
                 words="Clip to [low, high]: the gradient passes only inside the interval.")
clip.defvjp(lambda ns, g, ans, x, saved, low, high: g * _clip_pass(x, low, high))
clip.defjvp(lambda t, ans, x, saved, low, high: t * _clip_pass(x, low, high))
