"""The lab's entry in session files: saved beside the trainer, old files without it still load."""
import pytest

from core.io import SessionError, save_session
from core.training import TrainerConfig
from core.training.session import Session

SMALL = dict(n_samples=60, hidden=[4])
LAB = {"expression": "(x + y) * z", "values": "x = -2, y = 5, z = -4", "mode": "forward",
       "direction": "x", "expand": True}


def test_the_lab_entry_round_trips_through_a_session_file(tmp_path):
    session = Session(TrainerConfig(**SMALL))
    session.lab = dict(LAB)
    session.save(tmp_path / "s.bpsession")
    loaded = Session.load(tmp_path / "s.bpsession")
    assert loaded.lab == LAB
    assert session.to_state()["lab"] == LAB


def test_a_file_without_a_lab_entry_loads_with_none(tmp_path):
    session = Session(TrainerConfig(**SMALL))
    save_session(tmp_path / "old.bpsession", session.trainer)   # as files were written before the lab
    assert Session.load(tmp_path / "old.bpsession").lab is None
    assert "lab" not in session.to_state()


@pytest.mark.parametrize("lab, field", [({"expression": 3}, "lab.expression"),
                                        ({"expand": "yes"}, "lab.expand"), ("text", "'lab'")])
def test_a_damaged_lab_entry_is_refused_naming_the_field(tmp_path, lab, field):
    session = Session(TrainerConfig(**SMALL))
    save_session(tmp_path / "bad.bpsession", session.trainer, {"lab": lab})
    with pytest.raises(SessionError, match=field):
        Session.load(tmp_path / "bad.bpsession")
