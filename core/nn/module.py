"""The parameter bookkeeping every layer and model shares (PyTorch's ``nn.Module``, trimmed)."""
import numpy as np

from ..autodiff import Tensor


def as_input(x):
    """A Tensor for the data batch: arrays are wrapped as a constant named "X"."""
    return x if isinstance(x, Tensor) else Tensor(x, name="X")


class Module:
    """Something callable with parameters: ``module(x)`` runs ``forward``.

    Subclasses define ``named_parameters()``; the rest follows from it.
    """

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        """The output Tensor for input ``x``; every layer and model defines it."""
        raise NotImplementedError

    def named_parameters(self):
        """(name, Tensor) pairs in a stable order; the names are the state_dict keys."""
        return []

    def parameters(self):
        """The parameter Tensors, in ``named_parameters()`` order (what an optimizer takes)."""
        return [p for _, p in self.named_parameters()]

    def weights(self):
        """The parameters L2 regularisation applies to: weight matrices, not biases."""
        return []

    def zero_grad(self):
        """Forget every parameter's gradient (``p.grad = None``)."""
        for p in self.parameters():
            p.grad = None

    def state_dict(self):
        """name → a copy of the parameter's array."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state):
        """Copy arrays into the existing parameters in place (optimizers keep working).

        Keys and shapes are all checked before anything changes (ValueError naming the
        offending keys); values are cast to each parameter's dtype.
        """
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        unexpected = [k for k in state if k not in params]
        if missing or unexpected:
            raise ValueError(f"load_state_dict for {type(self).__name__}: missing keys {missing}, "
                             f"unexpected keys {unexpected}")
        values = {}
        for name, p in params.items():
            raw = state[name]
            value = np.asarray(raw.data if isinstance(raw, Tensor) else raw)
            if value.shape != p.shape:
                raise ValueError(f"load_state_dict for {type(self).__name__}: '{name}' has shape "
                                 f"{value.shape} in the state dict but {p.shape} in the model")
            if value.dtype.kind not in "biuf":
                raise ValueError(f"load_state_dict: '{name}' must be numeric, got dtype {value.dtype}")
            values[name] = value.astype(p.dtype, copy=False)
        for name, p in params.items():
            p.data[...] = values[name]
