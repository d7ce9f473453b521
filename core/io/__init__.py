"""Weights and session files: save_weights/load_weights by suffix, save_session/load_session."""
from .session import SESSION_SUFFIX, SessionError, load_session, read_session, save_session
from .weights import WEIGHT_FORMATS, WeightsError, describe_spec, load_weights, read_weights, save_weights

__all__ = ["save_weights", "load_weights", "read_weights", "save_session", "load_session",
           "read_session", "WeightsError", "SessionError", "WEIGHT_FORMATS", "SESSION_SUFFIX",
           "describe_spec"]
