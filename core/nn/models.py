"""Models: a Sequential stack of layers, laid out exactly like ``torch.nn.Sequential``.

``MLP(2, [16, 16], 3)`` is Sequential(Linear, ReLU, Linear, ReLU, Linear), so its state_dict
keys are "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias" with torch's shapes.
``LinearSVM`` and ``SoftmaxClassifier`` are a single Linear ("0.weight", "0.bias"); they
differ only in the loss the trainer pairs them with. Every parameter Tensor's ``.name`` is
its state_dict key, and the output Tensor is named "scores".
"""
import numpy as np

from ..autodiff import no_grad
from .layers import Linear, make_activation
from .module import Module, as_input


class Sequential(Module):
    """Layers applied in order; ``layers`` is the list an exporter walks."""

    def __init__(self, *layers):
        self.layers = list(layers)
        for name, p in self.named_parameters():
            p.name = name

    def forward(self, x):
        x = as_input(x)
        for layer in self.layers:
            x = layer(x)
        if x.name is None:
            x.name = "scores"
        return x

    def named_parameters(self):
        return [(f"{i}.{name}", p) for i, layer in enumerate(self.layers)
                for name, p in layer.named_parameters()]

    def weights(self):
        return [w for layer in self.layers for w in layer.weights()]

    @property
    def linears(self):
        """The Linear layers, first to last."""
        return [layer for layer in self.layers if isinstance(layer, Linear)]

    @property
    def in_features(self):
        """D, the features the first layer takes."""
        return self.linears[0].in_features

    @property
    def out_features(self):
        """The scores the last layer gives, one per class."""
        return self.linears[-1].out_features

    n_classes = out_features

    def spec(self):
        """The architecture as plain data for ``build_model``; MLP and the linear models have one."""
        raise TypeError(f"{type(self).__name__} has no spec; only MLP, LinearSVM and "
                        "SoftmaxClassifier can be rebuilt with build_model")

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class MLP(Sequential):
    """Linear → activation → … → Linear, one activation per hidden layer.

    ``activation`` is one name for all hidden layers or a list with one name per hidden
    layer ("relu", "tanh", "sigmoid", "leaky_relu" with ``leaky_slope``).
    """

    def __init__(self, in_features, hidden, out_features, activation="relu", init="he", seed=0,
                 leaky_slope=0.01):
        hidden = [int(h) for h in hidden]
        names = [activation] * len(hidden) if isinstance(activation, str) else list(activation)
        if len(names) != len(hidden):
            raise ValueError(f"MLP: {len(names)} activations given for {len(hidden)} hidden layers "
                             f"{hidden}; give one name or one per hidden layer")
        rng = np.random.default_rng(seed)
        sizes = [in_features] + hidden + [out_features]
        layers = []
        for k in range(len(sizes) - 1):
            layers.append(Linear(sizes[k], sizes[k + 1], init=init, rng=rng))
            if k < len(hidden):
                layers.append(make_activation(names[k], leaky_slope))
        self.hidden, self.activations, self.init = hidden, names, init
        self.leaky_slope = float(leaky_slope)
        super().__init__(*layers)

    def spec(self):
        spec = {"type": "mlp", "in_features": self.in_features, "hidden": list(self.hidden),
                "out_features": self.out_features, "activations": list(self.activations),
                "init": self.init}
        if "leaky_relu" in self.activations:
            spec["leaky_slope"] = self.leaky_slope
        return spec


class _LinearClassifier(Sequential):
    kind = ""

    def __init__(self, in_features, n_classes, seed=0, init="small"):
        self.init = init
        super().__init__(Linear(in_features, n_classes, init=init, seed=seed))

    def spec(self):
        return {"type": self.kind, "in_features": self.in_features,
                "n_classes": self.out_features, "init": self.init}


class LinearSVM(_LinearClassifier):
    """A linear classifier s = Wx + b, trained with the multiclass hinge loss."""
    kind = "svm"


class SoftmaxClassifier(_LinearClassifier):
    """A linear classifier s = Wx + b, trained with softmax cross-entropy."""
    kind = "softmax"


MODEL_TYPES = ("mlp", "svm", "softmax")


def build_model(spec, seed=0):
    """Rebuild the architecture a ``model.spec()`` describes (fresh weights from ``seed``)."""
    kind = spec.get("type")
    try:
        if kind == "mlp":
            return MLP(spec["in_features"], spec["hidden"], spec["out_features"],
                       activation=list(spec.get("activations", ["relu"] * len(spec["hidden"]))),
                       init=spec.get("init", "he"), seed=seed,
                       leaky_slope=spec.get("leaky_slope", 0.01))
        if kind in ("svm", "softmax"):
            cls = LinearSVM if kind == "svm" else SoftmaxClassifier
            return cls(spec["in_features"], spec["n_classes"], seed=seed,
                       init=spec.get("init", "small"))
    except KeyError as missing:
        raise ValueError(f"build_model: a {kind!r} spec needs the key {missing}") from None
    raise ValueError(f"build_model: unknown model type {kind!r}; choose one of {', '.join(MODEL_TYPES)}")


# Rows evaluated together, at most: a block's activations (1,024 × 128 floats, 1 MB) stay in the
# cache, where the 10,000 rows of a plot's grid at once make every elementwise op stream 10 MB
# arrays through memory (a third slower at 128×3). Each row's scores are its own; BLAS may round
# a block's sums differently in the last bit (it picks its kernel by size), hence blocks of equal
# size, never a short last one.
EVALUATE_ROWS = 1024


def evaluate_spec(spec, parameters, X):
    """The scores (N, C) of the model ``spec`` describes, with ``parameters`` (state_dict name →
    array), on X (N, D): no graph, no gradients, no Qt; a plot evaluates a snapshot's model on a grid."""
    model = build_model(spec)
    model.load_state_dict(parameters)
    return grid_scores(model, X)


def grid_scores(model, X):
    """``model``'s scores (N, C) on X (N, D) as an array, in blocks of EVALUATE_ROWS rows: no
    graph, no gradients (a plot that keeps a model built from a spec loads each snapshot's
    parameters into it rather than building it, with fresh random weights, every time)."""
    X = np.asarray(X, dtype=np.float64)
    with no_grad(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if len(X) <= EVALUATE_ROWS:
            return model(X).data
        blocks = np.array_split(X, -(-len(X) // EVALUATE_ROWS))
        return np.concatenate([model(block).data for block in blocks])


__all__ = ["Sequential", "MLP", "LinearSVM", "SoftmaxClassifier", "build_model", "MODEL_TYPES",
           "evaluate_spec", "grid_scores"]
