"""Process-wide switches of the engine: grad recording, anomaly checks, forward mode."""
import contextlib


class _State:
    __slots__ = ("grad_enabled", "anomaly", "forward_mode")

    def __init__(self):
        self.grad_enabled = True
        self.anomaly = False
        self.forward_mode = 0


state = _State()


@contextlib.contextmanager
def no_grad():
    """Inside, operations record no graph (like ``torch.no_grad``); also usable as a decorator."""
    previous = state.grad_enabled
    state.grad_enabled = False
    try:
        yield
    finally:
        state.grad_enabled = previous


@contextlib.contextmanager
def enable_grad():
    """Inside, operations record the graph again, even within ``no_grad()``."""
    previous = state.grad_enabled
    state.grad_enabled = True
    try:
        yield
    finally:
        state.grad_enabled = previous


@contextlib.contextmanager
def forward_mode():
    """Inside, every primitive pushes tangents (``Tensor._tangent``) through its JVP rule."""
    state.forward_mode += 1
    try:
        yield
    finally:
        state.forward_mode -= 1


@contextlib.contextmanager
def detect_anomaly():
    """Inside, a NaN or Inf produced in the forward or backward pass raises ``AnomalyError``."""
    previous = state.anomaly
    state.anomaly = True
    try:
        yield
    finally:
        state.anomaly = previous
