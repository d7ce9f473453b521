"""Session files: save mid-training, load, and carry on bit for bit; refuse damaged files."""
import io
import json
import zipfile

import numpy as np
import pytest

from core.io import SessionError, files, load_session, read_session, save_session
from core.io.session import _decode, _encode, _pack
from core.training import TrainerConfig, build_trainer

SETUPS = {
    "full-batch sgd": dict(),
    "minibatch adam": dict(optimizer="adam", lr=0.01, batch_size=32),
    "minibatch momentum": dict(optimizer="momentum", lr=0.05, batch_size=50),
    "svm hinge rmsprop": dict(model="svm", loss="hinge", optimizer="rmsprop", lr=0.01, batch_size=64,
                              dataset="gaussian"),
}


def trainer_for(setup):
    return build_trainer(TrainerConfig(n_samples=200, hidden=[12, 12], **SETUPS[setup]))


def assert_same_run(a, b):
    assert a.iteration == b.iteration
    assert a.history == b.history  # lists of floats: == is exact
    for (name, p), (_, q) in zip(a.model.named_parameters(), b.model.named_parameters()):
        assert p.data.tobytes() == q.data.tobytes(), name
    assert a.sampler.state_dict() == b.sampler.state_dict()


@pytest.mark.parametrize("setup", SETUPS)
def test_a_loaded_session_continues_bit_identically(tmp_path, setup):
    original = trainer_for(setup)
    original.run(30)
    save_session(tmp_path / "run.bpsession", original)
    original.run(20)

    restored = load_session(tmp_path / "run.bpsession")
    assert restored.iteration == 30
    restored.run(20)
    assert_same_run(original, restored)


def test_a_session_saved_mid_iteration_restarts_that_iteration(tmp_path):
    original = trainer_for("minibatch adam")
    original.run(5)
    original.step_phase()  # forward
    original.step_phase()  # loss
    save_session(tmp_path / "mid.bpsession", original)
    original.step()        # finish iteration 6
    original.run(10)
    restored = load_session(tmp_path / "mid.bpsession")
    restored.run(11)
    assert_same_run(original, restored)


def test_the_session_keeps_data_config_and_reset_point(tmp_path):
    original = trainer_for("minibatch adam")
    original.run(7)
    save_session(tmp_path / "run.bpsession", original)
    restored = load_session(tmp_path / "run.bpsession")
    assert restored.config == original.config
    np.testing.assert_array_equal(restored.dataset.X_train, original.dataset.X_train)
    np.testing.assert_array_equal(restored.dataset.y_val, original.dataset.y_val)
    assert restored.dataset.class_names == original.dataset.class_names
    restored.reset()
    original.reset()
    assert_same_run(original, restored)
    restored.run(3)
    original.run(3)
    assert_same_run(original, restored)


def test_the_file_is_a_zip_of_plain_json_and_an_npz(tmp_path):
    trainer = trainer_for("full-batch sgd")
    trainer.run(3)
    save_session(tmp_path / "run.bpsession", trainer)
    with zipfile.ZipFile(tmp_path / "run.bpsession") as archive:
        assert sorted(archive.namelist()) == ["arrays.npz", "session.json"]
        document = json.loads(archive.read("session.json"))
        assert document["format"] == "backprop-studio-session" and document["version"] == 1
        assert document["model"]["0.weight"] == {"__array__": document["model"]["0.weight"]["__array__"]}
        with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as npz:
            assert len(npz.files) > 6


@pytest.mark.parametrize("value", [
    {"t": (1, 2.5, "x"), "ints": {0: {"m": np.arange(3.0)}, 7: None}},
    [np.float32(0.1), np.int64(-3), np.bool_(True), float("nan"), float("-inf"), 2 ** 100],
    {"__array__": "not a reference", "plain": {"__tuple__": 1}},
    {"nested": [[np.zeros((2, 0))], {"a": np.array(["a", "bc"])}]},
])
def test_plain_data_survives_the_json_encoding_with_its_types(value):
    arrays = {}
    document = json.loads(json.dumps(_encode(value, arrays, "state"), allow_nan=False))
    back = _decode(document, arrays)
    assert repr(back) == repr(value)


def test_values_a_session_cannot_hold_are_named(tmp_path):
    trainer = trainer_for("full-batch sgd")
    state = trainer.state_dict()
    state["history"]["odd"] = [object()]
    trainer.state_dict = lambda: state
    with pytest.raises(SessionError,
                       match=r"s\.bpsession: not written: state\.history\.odd\[0\] is of type object"):
        save_session(tmp_path / "s.bpsession", trainer)
    assert not (tmp_path / "s.bpsession").exists()


# ----- refusals --------------------------------------------------------------------------------
def saved(tmp_path, name="run.bpsession"):
    trainer = trainer_for("minibatch adam")
    trainer.run(3)
    save_session(tmp_path / name, trainer)
    return tmp_path / name


def rewrite(path, edit_document=None, drop=None):
    """Rewrite a session zip with its JSON document edited or an entry left out."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    if edit_document:
        document = json.loads(entries["session.json"])
        edit_document(document)
        entries["session.json"] = json.dumps(document).encode()
    if drop:
        entries.pop(drop)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def refused(path, *fragments):
    with pytest.raises(SessionError) as info:
        load_session(path)
    message = str(info.value)
    assert path.name in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_missing_file(tmp_path):
    refused(tmp_path / "gone.bpsession", "no such file")


def test_empty_file(tmp_path):
    (tmp_path / "empty.bpsession").write_bytes(b"")
    refused(tmp_path / "empty.bpsession", "empty")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_truncated_file(tmp_path, keep):
    path = saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    refused(path)


def test_a_flipped_byte_is_caught_by_the_zip_checksum(tmp_path):
    path = saved(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    path.write_bytes(bytes(data))
    refused(path)


@pytest.mark.parametrize("junk", [b"hello", b"\x00" * 100, json.dumps({"format": "x"}).encode()])
def test_foreign_files(tmp_path, junk):
    (tmp_path / "junk.bpsession").write_bytes(junk)
    refused(tmp_path / "junk.bpsession", "not a Backprop Studio session")


def test_a_weights_npz_is_not_a_session(tmp_path):
    with open(tmp_path / "weights.bpsession", "wb") as handle:
        np.savez(handle, w=np.zeros(3))
    refused(tmp_path / "weights.bpsession", "without session.json")


@pytest.mark.parametrize("edit, fragment", [
    (lambda d: d.update(format="something-else"), "format 'something-else'"),
    (lambda d: d.update(version=99), "newer Backprop Studio"),
    (lambda d: d.pop("model_spec"), "session.json lacks the entry 'model_spec'"),
    (lambda d: d.update(history=5), "entry 'history' must be an object, got int"),
    (lambda d: d["config"].pop("loss"), "cannot restore the session: missing entry 'loss'"),
    (lambda d: d["model"].update({"0.weight": {"__array__": "a999"}}), "refers to array 'a999'"),
    (lambda d: d["model"].pop("0.bias"), "cannot restore the session"),
    (lambda d: d.update(model_spec={"type": "mlp", "in_features": 5, "hidden": [12, 12],
                                    "out_features": 3}), "cannot restore the session"),
    (lambda d: d["model"].update({"0.weight": {"__scalar__": 5}}), "malformed"),
])
def test_damaged_contents(tmp_path, edit, fragment):
    path = saved(tmp_path)
    rewrite(path, edit_document=edit)
    refused(path, fragment)


def test_missing_arrays(tmp_path):
    path = saved(tmp_path)
    rewrite(path, drop="arrays.npz")
    refused(path, "lacks")


def test_non_finite_parameters_are_refused(tmp_path):
    trainer = trainer_for("full-batch sgd")
    state = trainer.state_dict()
    state["model"]["0.weight"][0, 0] = np.nan
    trainer.state_dict = lambda: state
    with pytest.raises(SessionError, match="nan.bpsession: not written .*0.weight holds NaN/Inf"):
        save_session(tmp_path / "nan.bpsession", trainer)  # the read-back check refuses it
    assert not (tmp_path / "nan.bpsession").exists()
    (tmp_path / "nan.bpsession").write_bytes(_pack(state))  # as another program might write it
    refused(tmp_path / "nan.bpsession", "0.weight holds NaN/Inf")
    assert read_session  # the plain reader is public too


def test_a_failed_write_leaves_the_existing_session_intact(tmp_path, monkeypatch):
    path = saved(tmp_path)
    original = path.read_bytes()

    def broken(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(files.os, "replace", broken)
    trainer = trainer_for("full-batch sgd")
    with pytest.raises(SessionError, match="cannot write"):
        save_session(path, trainer)
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    load_session(path)


def test_a_flipped_byte_anywhere_is_loaded_or_refused_never_a_crash(tmp_path):
    path = saved(tmp_path)
    data = path.read_bytes()
    for position in range(0, len(data), max(1, len(data) // 150)):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        path.write_bytes(bytes(damaged))
        try:
            load_session(path)
        except SessionError:
            pass  # anything else fails the test
