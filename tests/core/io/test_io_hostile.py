"""Hostile weights and session files: deep nesting, bombs, wrong shapes, bit flips and fuzzed
bytes are refused with the loader's own error, naming the file, before anything large is allocated."""
import io
import json
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.io import SessionError, WeightsError, load_session, load_weights, read_weights, save_session
from core.io.session import _pack
from core.nn import MLP, LinearSVM
from core.training import TrainerConfig, build_trainer

DEEP = "[" * 5000 + "]" * 5000
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def npy_header(shape, descr="<f8"):
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def weights_refused(path, *fragments):
    with pytest.raises(WeightsError) as info:
        read_weights(path)
    message = str(info.value)
    assert path.name in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


# ----- deep nesting ------------------------------------------------------------------------------
def test_deep_json_in_every_weights_format_is_a_weights_error(tmp_path):
    (tmp_path / "w.json").write_text('{"format": "backprop-studio-weights", "version": 1, "x": ' + DEEP + "}")
    weights_refused(tmp_path / "w.json", "MAX_JSON_DEPTH")
    header = json.dumps({"__metadata__": {"spec": DEEP}}).encode()
    (tmp_path / "w.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
    weights_refused(tmp_path / "w.safetensors", "MAX_JSON_DEPTH")
    header = ('{"__metadata__": {}, "x": ' + DEEP + "}").encode()
    (tmp_path / "h.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
    weights_refused(tmp_path / "h.safetensors", "MAX_JSON_DEPTH")
    buffer = io.BytesIO()
    np.savez(buffer, **LinearSVM(2, 3).state_dict(), __spec__=np.array(DEEP))
    (tmp_path / "w.npz").write_bytes(buffer.getvalue())
    weights_refused(tmp_path / "w.npz", "MAX_JSON_DEPTH")


def test_deep_json_in_onnx_metadata_is_a_weights_error(tmp_path):
    import onnx

    from core.io import save_weights
    save_weights(LinearSVM(2, 3), tmp_path / "w.onnx")
    proto = onnx.load(tmp_path / "w.onnx")
    for prop in proto.metadata_props:
        if prop.key == "spec":
            prop.value = DEEP
    (tmp_path / "w.onnx").write_bytes(proto.SerializeToString())
    weights_refused(tmp_path / "w.onnx", "MAX_JSON_DEPTH")


def test_deep_session_json_is_a_session_error(tmp_path):
    (tmp_path / "deep.bpsession").write_bytes(zipped({"session.json": DEEP}))
    with pytest.raises(SessionError, match=r"deep\.bpsession: .*MAX_JSON_DEPTH"):
        load_session(tmp_path / "deep.bpsession")


# ----- npz members and declared sizes -------------------------------------------------------------
def test_a_member_that_is_not_npy_is_named(tmp_path):
    (tmp_path / "w.npz").write_bytes(zipped({"0.weight.npy": npy_header((1,)) + bytes(8), "notes.txt": b"hi"}))
    weights_refused(tmp_path / "w.npz", "'notes.txt', which is not a .npy array")


@pytest.mark.parametrize("shape", [(10 ** 12,), (2 ** 62, 2 ** 62), (100_000, 100_000)])
def test_a_huge_declared_npy_shape_is_refused_before_allocating(tmp_path, shape):
    (tmp_path / "w.npz").write_bytes(zipped({"0.weight.npy": npy_header(shape)}))
    weights_refused(tmp_path / "w.npz", "MAX_ARRAY_BYTES", str(shape))


def test_a_decompression_bomb_is_refused_from_the_zip_directory(tmp_path):
    bomb = npy_header((40_000_000,)) + bytes(320_000_000)
    (tmp_path / "bomb.npz").write_bytes(zipped({"0.weight.npy": bomb}))
    assert (tmp_path / "bomb.npz").stat().st_size < 1_000_000
    weights_refused(tmp_path / "bomb.npz", "MAX_TOTAL_ARRAY_BYTES")


def test_a_truncated_npz_says_truncated_not_pickled(tmp_path):
    from core.io import save_weights
    save_weights(MLP(2, [8], 3), tmp_path / "w.npz")
    data = (tmp_path / "w.npz").read_bytes()
    for keep in (0.3, 0.6, 0.95):
        (tmp_path / "w.npz").write_bytes(data[:int(len(data) * keep)])
        message = weights_refused(tmp_path / "w.npz", "truncated")
        assert "pickled" not in message


def test_a_truncated_array_inside_a_valid_zip_is_named(tmp_path):
    (tmp_path / "w.npz").write_bytes(zipped({"0.weight.npy": npy_header((6,)) + bytes(16)}))
    weights_refused(tmp_path / "w.npz", "array '0.weight' is truncated (16 of 48 bytes)")


def test_a_huge_safetensors_shape_is_refused(tmp_path):
    header = json.dumps({"w": {"dtype": "F64", "shape": [10 ** 9, 10 ** 9], "data_offsets": [0, 8]}}).encode()
    (tmp_path / "w.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    weights_refused(tmp_path / "w.safetensors", "MAX_ARRAY_BYTES")


def test_a_huge_onnx_initializer_is_refused(tmp_path):
    import onnx

    from core.io import save_weights
    save_weights(LinearSVM(2, 3), tmp_path / "w.onnx")
    proto = onnx.load(tmp_path / "w.onnx")
    del proto.graph.initializer[0].dims[:]
    proto.graph.initializer[0].dims.extend([10 ** 6, 10 ** 6])
    (tmp_path / "w.onnx").write_bytes(proto.SerializeToString())
    weights_refused(tmp_path / "w.onnx")


# ----- checksums ---------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".safetensors", ".onnx", ".json"])
def test_a_changed_tensor_value_in_a_file_we_wrote_is_refused_as_corrupt(tmp_path, suffix):
    from core.io import save_weights
    model = LinearSVM(2, 3, seed=0)
    path = tmp_path / f"w{suffix}"
    save_weights(model, path)
    data = bytearray(path.read_bytes())
    if suffix == ".json":
        document = json.loads(data)
        document["tensors"]["0.weight"]["data"][0][0] += 0.25
        data = bytearray(json.dumps(document).encode())
    else:
        needle = np.asarray(model.state_dict()["0.weight"][0, 0],
                            dtype=np.float32 if suffix == ".onnx" else np.float64).tobytes()
        at = bytes(data).index(needle)
        data[at + len(needle) - 1] ^= 0x01  # one bit of the exponent's neighbourhood: a big change
    path.write_bytes(bytes(data))
    weights_refused(path, "corrupt")
    before = model.state_dict()
    with pytest.raises(WeightsError):
        load_weights(model, path)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


def test_files_without_a_checksum_still_load(tmp_path):
    from safetensors.numpy import save
    model = LinearSVM(2, 3, seed=0)
    (tmp_path / "plain.safetensors").write_bytes(save(model.state_dict()))
    load_weights(LinearSVM(2, 3, seed=1), tmp_path / "plain.safetensors")
    from core.io import save_weights
    save_weights(model, tmp_path / "w.json")
    document = json.loads((tmp_path / "w.json").read_text())
    document.pop("checksum")
    document["tensors"]["0.bias"]["data"][0] = 0.5  # edited by hand
    (tmp_path / "w.json").write_text(json.dumps(document))
    other = LinearSVM(2, 3, seed=1)
    load_weights(other, tmp_path / "w.json")
    assert other.state_dict()["0.bias"][0] == 0.5


# ----- sessions ----------------------------------------------------------------------------------
def small_trainer():
    trainer = build_trainer(TrainerConfig(n_samples=60, hidden=[4]))
    trainer.run(2)
    return trainer


def test_a_session_bomb_is_refused_before_decompressing(tmp_path):
    state = small_trainer().state_dict()
    entries = {"session.json": json.dumps({"format": "backprop-studio-session", "version": 1}),
               "arrays.npz": bytes(400_000_000)}
    (tmp_path / "bomb.bpsession").write_bytes(zipped(entries))
    assert (tmp_path / "bomb.bpsession").stat().st_size < 1_000_000
    with pytest.raises(SessionError, match="MAX_TOTAL_ARRAY_BYTES"):
        load_session(tmp_path / "bomb.bpsession")
    assert state


def test_a_session_whose_spec_asks_for_a_huge_model_is_refused_before_building(tmp_path):
    state = small_trainer().state_dict()
    state["model_spec"] = {**state["model_spec"], "hidden": [30000, 30000]}
    (tmp_path / "huge.bpsession").write_bytes(_pack(state))
    with pytest.raises(SessionError, match="huge.bpsession: .*MAX_TOTAL_ARRAY_BYTES"):
        load_session(tmp_path / "huge.bpsession")


@pytest.mark.parametrize("edit, fragment", [
    (lambda s: s["model"].update({"0.weight": "abc"}), "parameter 0.weight must be an array of floats"),
    (lambda s: s["model"].update({"0.weight": np.array(["a", "b"])}), "must be an array of floats"),
    (lambda s: s["history"].update(train_loss=["x"]), "history entry 'train_loss' must be a list"),
    (lambda s: s["history"]["train_loss"].pop(), "records of different lengths"),
    (lambda s: s.update(sampler=None), "entry 'sampler' must be an object, got NoneType"),
    (lambda s: s.update(initial={"model": {}}), "reset point"),
    (lambda s: s["initial"]["model"].pop("0.weight"), "the session's reset point is damaged"),
    (lambda s: s["model_spec"].update(hidden=["4"]), "invalid layer sizes"),
])
def test_damaged_state_is_refused_at_load_not_later(tmp_path, edit, fragment):
    state = small_trainer().state_dict()
    edit(state)
    (tmp_path / "bad.bpsession").write_bytes(_pack(state))
    with pytest.raises(SessionError, match="bad.bpsession") as info:
        load_session(tmp_path / "bad.bpsession")
    assert fragment in str(info.value)


def test_a_session_that_would_not_reopen_is_not_saved_over_a_good_one(tmp_path):
    path = tmp_path / "run.bpsession"
    good = small_trainer()
    save_session(path, good)
    original = path.read_bytes()
    broken = small_trainer()
    state = broken.state_dict()
    state["sampler"] = None  # what a diverged fast iteration used to record
    broken.state_dict = lambda: state
    with pytest.raises(SessionError, match="run.bpsession: not written .*'sampler' must be an object"):
        save_session(path, broken)
    assert path.read_bytes() == original
    load_session(path)


def test_changed_array_data_in_a_session_is_refused_as_corrupt(tmp_path):
    with zipfile.ZipFile(io.BytesIO(_pack(small_trainer().state_dict()))) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    with np.load(io.BytesIO(entries["arrays.npz"])) as npz:
        arrays = {name: npz[name] for name in npz.files}
    name = next(k for k, a in arrays.items() if a.dtype.kind == "f" and a.size)
    arrays[name].flat[0] += 1e-3  # rewritten with fresh zip CRCs: only the checksum can tell
    packed = io.BytesIO()
    np.savez(packed, **arrays)
    entries["arrays.npz"] = packed.getvalue()
    (tmp_path / "edit.bpsession").write_bytes(zipped(entries))
    with pytest.raises(SessionError, match=r"edit\.bpsession: the file is corrupt"):
        load_session(tmp_path / "edit.bpsession")


# ----- fuzzing -----------------------------------------------------------------------------------
SUFFIXES = (".safetensors", ".onnx", ".npz", ".json")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from core.io import save_weights
    folder = tmp_path_factory.mktemp("written")
    originals = {}
    for suffix in SUFFIXES:
        save_weights(MLP(2, [4], 3), folder / f"w{suffix}")
        originals[suffix] = (folder / f"w{suffix}").read_bytes()
    save_session(folder / "s.bpsession", small_trainer())
    originals[".bpsession"] = (folder / "s.bpsession").read_bytes()
    return originals


def mutate(data, draw):
    """A structured mutation of ``data``: bit flips, a truncation, an insertion or a splice."""
    data = bytearray(data)
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "splice"]))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= 1 << draw(st.integers(0, 7))
    elif kind == "truncate":
        data = data[:draw(st.integers(0, len(data) - 1))]
    elif kind == "insert":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    else:
        at = draw(st.integers(0, len(data)))
        data[at:at + 8] = draw(st.sampled_from([b"\xff" * 8, b"\x00" * 8, b"[[[[[[[[", b"9" * 8]))
    return bytes(data)


@FUZZ
@given(suffix=st.sampled_from(SUFFIXES), data=st.data())
def test_fuzzed_weights_raise_only_weights_error(tmp_path, written, suffix, data):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(mutate(written[suffix], data.draw))
    try:
        load_weights(MLP(2, [4], 3), path)
    except WeightsError:
        pass


@FUZZ
@given(suffix=st.sampled_from(SUFFIXES), junk=st.binary(min_size=1, max_size=512))
def test_random_bytes_raise_only_weights_error(tmp_path, suffix, junk):
    path = tmp_path / f"r{suffix}"
    path.write_bytes(junk)
    with pytest.raises(WeightsError):
        load_weights(MLP(2, [4], 3), path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_sessions_raise_only_session_error(tmp_path, written, data):
    path = tmp_path / "f.bpsession"
    path.write_bytes(mutate(written[".bpsession"], data.draw))
    try:
        load_session(path)
    except SessionError:
        pass
