"""The phase-by-phase trainer, its snapshots and the session around it (no Qt)."""
from ..catalog import DATASETS, LOSSES, MODELS
from .config import TrainerConfig, build_dataset
from .factory import build_trainer
from .history import to_csv_rows
from .phases import DivergedError, Phase, PhaseError
from .snapshot import GraphNode, Snapshot
from .trainer import Trainer

__all__ = ["Trainer", "TrainerConfig", "build_trainer", "build_dataset", "DATASETS", "MODELS", "Phase",
           "PhaseError", "DivergedError", "Snapshot", "GraphNode", "LOSSES", "to_csv_rows"]
