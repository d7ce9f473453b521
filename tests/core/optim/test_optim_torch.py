"""The same training run twice, once with our optimizers and once with torch.optim (float64)."""
import numpy as np
import pytest

from core import Tensor
from core.catalog import build_optimizer
from core.nn import MLP, softmax_loss
from core.optim import SGD, Adam, RMSProp

torch = pytest.importorskip("torch")

CASES = {
    "sgd": (SGD, torch.optim.SGD, dict(lr=0.1)),
    "sgd_wd": (SGD, torch.optim.SGD, dict(lr=0.1, weight_decay=0.05)),
    "momentum": (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
    "momentum_dampening": (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3)),
    "nesterov": (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "rmsprop": (RMSProp, torch.optim.RMSprop, dict(lr=0.01)),
    "rmsprop_all": (RMSProp, torch.optim.RMSprop,
                    dict(lr=0.005, alpha=0.9, eps=1e-6, momentum=0.5, weight_decay=0.02, centered=True)),
    "adam": (Adam, torch.optim.Adam, dict(lr=0.01)),
    "adam_all": (Adam, torch.optim.Adam,
                 dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.03, amsgrad=True)),
}


def _quadratic(seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((4, 4))
    return A @ A.T + np.eye(4), rng.standard_normal(4), rng.standard_normal(4)


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_quadratic_trajectory_matches_torch(case):
    ours_cls, torch_cls, kw = CASES[case]
    A, b, x0 = _quadratic()
    x = Tensor(x0.copy(), requires_grad=True)
    tx = torch.tensor(x0.copy(), requires_grad=True)
    opt, topt = ours_cls([x], **kw), torch_cls([tx], **kw)
    for _ in range(25):
        x.grad = A @ x.data - b                      # ∇ of ½xᵀAx − bᵀx
        opt.step()
        topt.zero_grad()
        (0.5 * tx @ torch.from_numpy(A) @ tx - torch.from_numpy(b) @ tx).backward()
        topt.step()
        np.testing.assert_allclose(x.data, tx.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_mlp_training_matches_torch(case):
    ours_cls, torch_cls, kw = CASES[case]
    model = MLP(3, [8, 6], 3, activation="tanh", seed=2)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 6),
                              torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    net.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((16, 3)), rng.integers(0, 3, 16)
    opt, topt = ours_cls(model.parameters(), **kw), torch_cls(net.parameters(), **kw)
    for _ in range(20):
        opt.zero_grad()
        softmax_loss(model(X), y).backward()
        opt.step()
        topt.zero_grad()
        torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y)).backward()
        topt.step()
    for (name, p), (tname, tp) in zip(model.named_parameters(), net.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("torch_cls, name", [(torch.optim.SGD, "sgd"), (torch.optim.RMSprop, "rmsprop"),
                                             (torch.optim.Adam, "adam")])
def test_defaults_are_torchs(torch_cls, name):
    ours = build_optimizer(name, [Tensor(np.zeros(1), requires_grad=True)])
    theirs = torch_cls([torch.zeros(1, requires_grad=True)]).defaults
    for key, value in ours.hyper.items():
        expected = theirs[key]
        assert (list(expected) if isinstance(expected, tuple) else expected) == value, key


def test_params_without_grad_are_skipped_like_torch():
    A, b, x0 = _quadratic(1)
    x, frozen = Tensor(x0.copy(), requires_grad=True), Tensor(x0.copy(), requires_grad=True)
    tx, tfrozen = torch.tensor(x0.copy(), requires_grad=True), torch.tensor(x0.copy(), requires_grad=True)
    opt, topt = Adam([x, frozen], lr=0.1), torch.optim.Adam([tx, tfrozen], lr=0.1)
    for k in range(10):
        x.grad = A @ x.data - b
        frozen.grad = (A @ frozen.data - b) if k % 3 == 0 else None
        opt.step()
        tx.grad = torch.from_numpy(A @ tx.detach().numpy() - b)
        tfrozen.grad = torch.from_numpy(A @ tfrozen.detach().numpy() - b) if k % 3 == 0 else None
        topt.step()
    np.testing.assert_allclose(x.data, tx.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(frozen.data, tfrozen.detach().numpy(), rtol=1e-12)
    assert opt.state[1]["step"] == 4
