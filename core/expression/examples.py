"""The lecture's worked examples as data: each loads a formula and its values into the lab."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A lab example: what to type, at which values, fused or expanded, and what it teaches."""
    key: str
    title: str
    expression: str
    values: str
    teaches: str
    expand: bool = False


EXAMPLES = (
    Example("add_mul", "(x + y)·z", "(x + y) * z", "x = -2, y = 5, z = -4",
            "The add gate copies its upstream gradient to both inputs; the mul gate swaps its inputs: "
            "∂f/∂x = ∂f/∂y = z = −4, ∂f/∂z = x + y = 3."),
    Example("sigmoid_neuron", "Sigmoid neuron (fused)", "sigmoid(w0*x0 + w1*x1 + w2)",
            "w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3",
            "One fused sigmoid node computes its local gradient σ(1 − σ) from its own output: "
            "value 0.73, gradients −0.20, 0.39, −0.39, −0.59, 0.20 for w0, x0, w1, x1, w2."),
    Example("sigmoid_neuron_expanded", "Sigmoid neuron (expanded)", "sigmoid(w0*x0 + w1*x1 + w2)",
            "w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3",
            "The same neuron with σ(a) written as 1 / (1 + exp(−a)): four nodes instead of one, and "
            "exactly the same gradients.", expand=True),
    Example("shared_input", "e = (a + b)·(b + 1)", "(a + b) * (b + 1)", "a = 2, b = 1",
            "b feeds two nodes, so its gradient is the sum of both paths: ∂e/∂a = b + 1 = 2, "
            "∂e/∂b = (b + 1) + (a + b) = 5."),
    Example("svm_loss", "Multiclass SVM loss of one example",
            "sum(max(0, W @ x - sum((W @ x) * y) + 1) * (1 - y)) + lam * sum(W ** 2)",
            "W = [[0.2, -0.5], [1.5, 1.3], [0, 0.25]], x = [2, 1], y = [1, 0, 0], lam = 0.1",
            "Lᵢ = Σ_{j≠yᵢ} max(0, sⱼ − s_yᵢ + 1) + λΣW² with s = Wx and the label as a one-hot y: the "
            "lecture's 'why we need backprop' formula. Backprop finds ∇_W without deriving it by hand: "
            "each active margin adds x to its row and −x to the label's row."),
    Example("relu_layer", "A layer: relu(W @ x + b)", "relu(W @ x + b)",
            "W = [[1, -2, 0.5], [-1, 0.5, 2]], x = [2, -1, 1], b = [0.5, -0.5]",
            "A vector output is summed for the backward pass; ReLU blocks the gradient of the unit "
            "whose input was negative, so that row of W gets no gradient."),
    Example("softmax_ce", "Softmax cross-entropy of 3 scores", "log(sum(exp(s))) - sum(s * y)",
            "s = [3.2, 5.1, -1.7], y = [1, 0, 0]",
            "−log softmax(s)_y = log Σ exp(s) − s_y: the gradient with respect to the scores is "
            "softmax(s) − y."),
)

BY_KEY = {example.key: example for example in EXAMPLES}
