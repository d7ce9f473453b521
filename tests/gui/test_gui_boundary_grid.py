"""The decision boundary's regions classified coarse to fine (gui.plots.boundary_plot.grid_classes):
the same picture as classifying every grid point, for less than half of the model evaluations."""
import numpy as np
import pytest

from core.nn import evaluate_spec
from core.training import TrainerConfig, build_trainer
from gui.plots.boundary_plot import GRID, grid_classes

XS, YS = np.linspace(-1.3, 1.2, GRID), np.linspace(-1.1, 1.4, GRID)


def everywhere(classify):
    gx, gy = np.meshgrid(XS, YS)
    return np.asarray(classify(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(GRID, GRID)


class Counted:
    def __init__(self, classify):
        self.classify, self.points = classify, 0

    def __call__(self, points):
        self.points += len(points)
        return self.classify(points)


def spiral_arms(points):   # three arms winding out, like the default data's regions
    angle = np.arctan2(points[:, 1], points[:, 0]) - 4 * np.hypot(points[:, 0], points[:, 1])
    return np.floor((angle % (2 * np.pi)) / (2 * np.pi / 3)).astype(int)


def rings(points):
    return (np.hypot(points[:, 0] - 0.1, points[:, 1]) * 6).astype(int) % 2


@pytest.mark.parametrize("classify, most", [(spiral_arms, 0.75), (rings, 1.0)])
def test_coarse_to_fine_draws_what_every_point_would(classify, most):
    counted = Counted(classify)   # fifteen thin rings change class everywhere: no saving, same picture
    np.testing.assert_array_equal(grid_classes(counted, XS, YS), everywhere(classify))
    assert counted.points <= most * GRID * GRID


@pytest.mark.parametrize("hidden", [[16, 16], [128, 128, 128]])
def test_a_trained_models_regions_are_those_of_every_grid_point(hidden):
    trainer = build_trainer(TrainerConfig(hidden=hidden))
    trainer.run(150)
    snapshot = trainer.snapshot()
    counted = Counted(lambda X: evaluate_spec(snapshot.model_spec, snapshot.parameters, X).argmax(axis=1))
    np.testing.assert_array_equal(grid_classes(counted, XS, YS), everywhere(counted.classify))
    assert counted.points < 0.5 * GRID * GRID


def test_step_one_classifies_every_point_once():
    counted = Counted(rings)
    np.testing.assert_array_equal(grid_classes(counted, XS, YS, step=1), everywhere(rings))
    assert counted.points == GRID * GRID


def test_a_region_in_one_corner_is_found():
    def corner(points):   # one grid point's worth of another class, at the grid's last row and column
        return ((points[:, 0] > XS[-2]) & (points[:, 1] > YS[-2])).astype(int)
    np.testing.assert_array_equal(grid_classes(corner, XS, YS), everywhere(corner))
