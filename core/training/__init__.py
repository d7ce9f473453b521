"""The phase-by-phase trainer and its snapshots (no Qt)."""
from .history import to_csv_rows
from .phases import DivergedError, Phase, PhaseError
from .snapshot import GraphNode, Snapshot
from .config import DATASETS, MODELS, TrainerConfig, build_dataset, build_trainer
from .trainer import LOSSES, Trainer

__all__ = ["Trainer", "TrainerConfig", "build_trainer", "build_dataset", "DATASETS", "MODELS", "Phase", "PhaseError", "DivergedError", "Snapshot", "GraphNode", "LOSSES",
           "to_csv_rows"]
