"""Model size limits: refused before anything is allocated, with the limit named."""
import pytest

from core.limits import MAX_HIDDEN_UNITS, LimitError
from core.training import TrainerConfig, build_trainer
from core.training.model_size import check_model_size, parameter_count, parse_hidden
from core.training.session import Session


def test_hidden_text_is_a_list_of_whole_numbers():
    assert parse_hidden(" 16, 8 ") == [16, 8]
    for text in ("1e3", "2.5", "16,", "", "x"):
        with pytest.raises(ValueError, match="whole numbers"):
            parse_hidden(text)
    with pytest.raises(LimitError, match="MAX_HIDDEN_UNITS"):
        parse_hidden("100000")


def test_the_factory_refuses_a_model_over_the_limits_naming_them(monkeypatch):
    with pytest.raises(LimitError, match="MAX_HIDDEN_UNITS"):
        build_trainer(TrainerConfig(hidden=[100_000, 100_000]))
    with pytest.raises(LimitError, match="MAX_PARAMETERS"):
        build_trainer(TrainerConfig(hidden=[MAX_HIDDEN_UNITS] * 3))
    with pytest.raises(ValueError, match="whole numbers"):
        build_trainer(TrainerConfig(hidden=[2.5]))
    monkeypatch.setattr("core.limits.available_memory", lambda: 1 << 20)
    with pytest.raises(LimitError, match="one training step of this model"):
        build_trainer(TrainerConfig(hidden=[512, 512]))


def test_the_step_memory_counts_the_batch():
    spec = {"type": "mlp", "in_features": 2, "hidden": [16], "out_features": 3}
    assert parameter_count(spec) == 3 * 16 + 17 * 3
    check_model_size(spec, 1000)


def test_a_session_with_huge_hidden_sizes_is_refused_before_building(tmp_path):
    session = Session(TrainerConfig(n_samples=60, hidden=[4]))
    state = session.to_state()
    state["model_spec"] = dict(state["model_spec"], hidden=[30_000, 30_000])
    state["app_config"] = dict(state["app_config"], hidden=[30_000, 30_000])
    with pytest.raises(LimitError, match="MAX_HIDDEN_UNITS"):
        Session.from_state(state)
    state["app_config"] = None
    with pytest.raises(LimitError, match="MAX_HIDDEN_UNITS"):
        Session.from_state(state)
