"""Layers: the affine ``Linear`` layer and activation functions as tiny modules."""
import numpy as np

from .. import functional as F
from ..autodiff import Tensor
from .init import init_weight
from .module import Module, as_input


class Linear(Module):
    """``x @ W.T + b`` with W shaped (out_features, in_features), as in ``torch.nn.Linear``.

    ``init`` is "he", "xavier" or "small" (see ``core.nn.init``); weights come from ``rng`` if
    given, else from ``numpy.random.default_rng(seed)``. The bias starts at zero.
    """

    def __init__(self, in_features, out_features, init="he", seed=0, rng=None, bias=True,
                 dtype=np.float64):
        _check_size("in_features", in_features)
        _check_size("out_features", out_features)
        rng = np.random.default_rng(seed) if rng is None else rng
        self.in_features, self.out_features, self.init = int(in_features), int(out_features), init
        self.weight = Tensor(init_weight(self.out_features, self.in_features, init, rng, dtype),
                             requires_grad=True, name="weight")
        self.bias = Tensor(np.zeros(self.out_features, dtype=dtype), requires_grad=True,
                           name="bias") if bias else None

    def forward(self, x):
        x = as_input(x)
        features = x.shape[-1] if x.ndim else None
        if features != self.in_features:
            raise ValueError(f"{self!r}: input of shape {x.shape} has {features} features, "
                             f"expected {self.in_features}")
        out = x @ self.weight.T
        return out if self.bias is None else out + self.bias

    def named_parameters(self):
        own = [("weight", self.weight)]
        return own if self.bias is None else own + [("bias", self.bias)]

    def weights(self):
        return [self.weight]

    def __repr__(self):
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, init={self.init!r})")


def _check_size(what, n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")


class Activation(Module):
    """An elementwise nonlinearity without parameters; ``name`` is its spec string."""

    name = ""

    def __repr__(self):
        return f"{type(self).__name__}()"


class ReLU(Activation):
    """max(0, x); ``torch.nn.ReLU``."""

    name = "relu"

    def forward(self, x):
        return F.relu(x)


class FusedActivation(Activation):
    """An activation computed by one fused primitive, or — with ``expanded`` set, from the next
    forward — by the elementary ops it stands for (the same values and gradients while e^|x|
    stays finite, |x| < 350). Every elementary op's tensor is named after the activation."""

    expandable = True

    def __init__(self):
        self.expanded = False

    def forward(self, x):
        if not self.expanded:
            return self.fused(x)
        out = None
        for out in self.elementary(x):
            out.name = self.name
        return out


class Tanh(FusedActivation):
    """tanh(x); ``torch.nn.Tanh``. Expanded: 2 / (1 + e⁻²ˣ) − 1."""

    name = "tanh"

    def fused(self, x):
        return F.tanh(x)

    def elementary(self, x):
        yield (doubled := x * -2.0)
        yield (e := doubled.exp())
        yield (denominator := 1.0 + e)
        yield (ratio := 2.0 / denominator)
        yield ratio - 1.0


class Sigmoid(FusedActivation):
    """1 / (1 + e⁻ˣ), one fused node; ``torch.nn.Sigmoid``. Expanded: neg, exp, add, div."""

    name = "sigmoid"

    def fused(self, x):
        return F.sigmoid(x)

    def elementary(self, x):
        yield (negated := -x)
        yield (e := negated.exp())
        yield (denominator := 1.0 + e)
        yield 1.0 / denominator


class LeakyReLU(Activation):
    """max(x, slope·x) for slope < 1; ``torch.nn.LeakyReLU(negative_slope=slope)``."""

    name = "leaky_relu"

    def __init__(self, slope=0.01):
        self.slope = float(slope)

    def forward(self, x):
        return F.leaky_relu(x, slope=self.slope)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


ACTIVATIONS = {cls.name: cls for cls in (ReLU, Tanh, Sigmoid, LeakyReLU)}


def make_activation(name, slope=0.01):
    """The activation module for a spec string ("relu", "tanh", "sigmoid", "leaky_relu")."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return LeakyReLU(slope) if name == "leaky_relu" else ACTIVATIONS[name]()
