"""save_weights / load_weights: every format round-trips, and every bad file is refused cleanly."""
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.io import WEIGHT_FORMATS, WeightsError, files, formats, load_weights, read_weights, save_weights
from core.nn import MLP, LinearSVM, SoftmaxClassifier, build_model

X = np.random.default_rng(0).standard_normal((7, 2))


def mlp(seed=1, **kw):
    kw.setdefault("activation", ["relu", "leaky_relu"])
    kw.setdefault("leaky_slope", 0.2)
    return MLP(2, [16, 16], 3, seed=seed, **kw)


def same_state(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
@pytest.mark.parametrize("make", [mlp, lambda seed: LinearSVM(2, 3, seed=seed),
                                  lambda seed: SoftmaxClassifier(2, 3, seed=seed)],
                         ids=["mlp", "svm", "softmax"])
def test_round_trip_restores_the_scores(tmp_path, suffix, make):
    model, other = make(seed=1), make(seed=2)
    path = tmp_path / f"weights{suffix}"
    save_weights(model, path)
    load_weights(other, path)
    if suffix == ".onnx":  # float32 by default
        np.testing.assert_allclose(other(X).data, model(X).data, rtol=1e-6, atol=1e-6)
    else:
        assert same_state(other.state_dict(), model.state_dict())


def test_onnx_in_float64_round_trips_exactly(tmp_path):
    model, other = mlp(seed=1), mlp(seed=2)
    save_weights(model, tmp_path / "w.onnx", onnx_dtype="float64")
    load_weights(other, tmp_path / "w.onnx")
    assert same_state(other.state_dict(), model.state_dict())


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_the_file_remembers_the_model_spec(tmp_path, suffix):
    model = mlp()
    save_weights(model, tmp_path / f"w{suffix}")
    tensors, spec = read_weights(tmp_path / f"w{suffix}")
    assert spec == model.spec()
    rebuilt = build_model(spec, seed=5)
    load_weights(rebuilt, tmp_path / f"w{suffix}")
    np.testing.assert_allclose(rebuilt(X).data, model(X).data, rtol=1e-6, atol=1e-6)


def test_json_is_the_documented_readable_layout(tmp_path):
    model = LinearSVM(2, 3, seed=0)
    save_weights(model, tmp_path / "w.json")
    document = json.loads((tmp_path / "w.json").read_text())
    assert document["format"] == "backprop-studio-weights" and document["version"] == 1
    assert document["spec"] == model.spec()
    assert document["tensors"]["0.weight"]["shape"] == [3, 2]
    assert document["tensors"]["0.weight"]["dtype"] == "float64"
    assert document["tensors"]["0.weight"]["data"] == model.state_dict()["0.weight"].tolist()


def test_npz_holds_the_state_dict_and_a_json_spec(tmp_path):
    model = mlp()
    save_weights(model, tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted([*model.state_dict(), "__spec__"])
        assert json.loads(str(npz["__spec__"])) == model.spec()


def test_an_svm_file_loads_into_a_softmax_classifier_of_the_same_shape(tmp_path):
    svm = LinearSVM(4, 3, seed=1)
    save_weights(svm, tmp_path / "svm.npz")
    softmax = SoftmaxClassifier(4, 3, seed=2)
    load_weights(softmax, tmp_path / "svm.npz")
    assert same_state(softmax.state_dict(), svm.state_dict())


def test_a_file_without_a_spec_loads_by_names_and_shapes(tmp_path):
    model = mlp()
    np.savez(tmp_path / "plain.npz", **model.state_dict())
    other = mlp(seed=3)
    load_weights(other, tmp_path / "plain.npz")
    assert same_state(other.state_dict(), model.state_dict())
    assert read_weights(tmp_path / "plain.npz")[1] is None


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_a_hand_built_sequential_without_a_spec_round_trips(tmp_path, suffix):
    from core.nn import Linear, Sequential, Tanh
    model = Sequential(Linear(2, 5, seed=1), Tanh(), Linear(5, 3, seed=2))
    save_weights(model, tmp_path / f"w{suffix}", onnx_dtype="float64")
    assert read_weights(tmp_path / f"w{suffix}")[1] is None
    other = Sequential(Linear(2, 5, seed=3), Tanh(), Linear(5, 3, seed=4))
    load_weights(other, tmp_path / f"w{suffix}")
    assert same_state(other.state_dict(), model.state_dict())


def test_float32_tensors_are_accepted_and_widened(tmp_path):
    model = LinearSVM(2, 3, seed=1)
    np.savez(tmp_path / "f32.npz", **{k: v.astype(np.float32) for k, v in model.state_dict().items()})
    other = LinearSVM(2, 3, seed=2)
    load_weights(other, tmp_path / "f32.npz")
    assert other.state_dict()["0.weight"].dtype == np.float64
    np.testing.assert_array_equal(other.state_dict()["0.weight"],
                                  model.state_dict()["0.weight"].astype(np.float32))


def test_suffix_is_case_insensitive(tmp_path):
    model = LinearSVM(2, 3)
    save_weights(model, tmp_path / "W.NPZ")
    load_weights(LinearSVM(2, 3, seed=4), tmp_path / "W.NPZ")


# ----- refusals --------------------------------------------------------------------------------
def refused(model, path, *fragments):
    """load_weights raises WeightsError naming the file and every fragment; the model is unchanged."""
    before = model.state_dict()
    with pytest.raises(WeightsError) as info:
        load_weights(model, path)
    message = str(info.value)
    assert os.path.basename(path) in message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    assert same_state(model.state_dict(), before)
    return message


@pytest.mark.parametrize("call", ["save", "load"])
def test_unknown_suffix_lists_the_supported_formats(tmp_path, call):
    with pytest.raises(WeightsError, match=r"weights\.pt: unknown weights format.*"
                                           r"\.safetensors, \.onnx, \.npz, \.json"):
        if call == "save":
            save_weights(mlp(), tmp_path / "weights.pt")
        else:
            load_weights(mlp(), tmp_path / "weights.pt")
    assert not (tmp_path / "weights.pt").exists()


def test_missing_file(tmp_path):
    refused(mlp(), tmp_path / "nothing.npz", "no such file")


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_empty_file(tmp_path, suffix):
    (tmp_path / f"w{suffix}").write_bytes(b"")
    refused(mlp(), tmp_path / f"w{suffix}", "empty")


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_file(tmp_path, suffix, keep):
    model = mlp()
    path = tmp_path / f"w{suffix}"
    save_weights(model, path)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    refused(mlp(seed=7), path)


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
@pytest.mark.parametrize("junk", [b"\x00" * 64, b"hello, world\n", bytes(range(256)) * 4, b"{}"])
def test_garbage_file(tmp_path, suffix, junk):
    path = tmp_path / f"w{suffix}"
    path.write_bytes(junk)
    refused(mlp(), path)


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_a_file_for_other_input_features_names_the_tensor_and_both_shapes(tmp_path, suffix):
    save_weights(MLP(3, [16, 16], 3, seed=0), tmp_path / f"weights{suffix}")
    message = refused(MLP(2, [16, 16], 3, seed=0), tmp_path / f"weights{suffix}",
                      "0.weight has shape (16, 3) but the model expects (16, 2)")
    assert message.startswith(f"weights{suffix}: ")


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_missing_and_unexpected_layers_are_named(tmp_path, suffix):
    save_weights(MLP(2, [16, 16], 3, seed=0), tmp_path / f"deep{suffix}")
    refused(MLP(2, [16], 3, seed=0), tmp_path / f"deep{suffix}", "unexpected 4.weight, 4.bias",
            "2.weight has shape (16, 16) but the model expects (3, 16)")
    save_weights(MLP(2, [16], 3, seed=0), tmp_path / f"shallow{suffix}")
    refused(MLP(2, [16, 16], 3, seed=0), tmp_path / f"shallow{suffix}", "missing 4.weight, 4.bias",
            "the file holds an MLP 2→16→3 (relu) "
            "but the model is an MLP 2→16→16→3 (relu, relu)")


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_same_shapes_but_other_activations_is_refused(tmp_path, suffix):
    save_weights(MLP(2, [8], 3, activation="tanh"), tmp_path / f"w{suffix}")
    refused(MLP(2, [8], 3, activation="relu"), tmp_path / f"w{suffix}",
            "the file holds an MLP 2→8→3 (tanh) but the model is an MLP 2→8→3 (relu)")


def test_non_finite_values_are_refused(tmp_path):
    state = mlp().state_dict()
    state["2.bias"][3] = np.nan
    state["0.weight"][0, 0] = np.inf
    np.savez(tmp_path / "nan.npz", **state)
    refused(mlp(), tmp_path / "nan.npz", "0.weight holds 1 NaN/Inf values", "2.bias holds 1")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_json_values_are_refused(tmp_path, literal):
    model = LinearSVM(2, 3)
    save_weights(model, tmp_path / "w.json")
    document = json.loads((tmp_path / "w.json").read_text())
    document["tensors"]["0.bias"]["data"][1] = "PLACEHOLDER"
    (tmp_path / "w.json").write_text(json.dumps(document).replace('"PLACEHOLDER"', literal))
    refused(LinearSVM(2, 3, seed=3), tmp_path / "w.json")


def test_saving_non_finite_weights_is_refused_and_writes_nothing(tmp_path):
    model = LinearSVM(2, 3)
    model.parameters()[0].data[0, 0] = np.nan
    with pytest.raises(WeightsError, match="0.weight holds NaN/Inf"):
        save_weights(model, tmp_path / "w.npz")
    assert list(tmp_path.iterdir()) == []


def test_integer_tensors_are_refused(tmp_path):
    state = {k: np.zeros(v.shape, dtype=np.int64) for k, v in LinearSVM(2, 3).state_dict().items()}
    np.savez(tmp_path / "int.npz", **state)
    refused(LinearSVM(2, 3), tmp_path / "int.npz", "0.weight has dtype int64; expected floating point")


def test_pickled_npz_is_not_unpickled(tmp_path):
    np.savez(tmp_path / "evil.npz", **{"0.weight": np.array([object()], dtype=object)})
    refused(LinearSVM(2, 3), tmp_path / "evil.npz", "pickled")


@pytest.mark.parametrize("edit, fragment", [
    (lambda d: d.update(format="something-else"), "not a Backprop Studio weights file"),
    (lambda d: d.update(version=2), "newer Backprop Studio"),
    (lambda d: d.pop("tensors"), '"tensors"'),
    (lambda d: d["tensors"]["0.weight"].update(data=[[1.0, 2.0], [3.0]]), "not a regular nested list"),
    (lambda d: d["tensors"]["0.weight"].update(shape=[2, 3]), "its \"shape\" says (2, 3)"),
    (lambda d: d["tensors"]["0.weight"].update(dtype="int8"), "dtype 'int8'"),
    (lambda d: d["tensors"]["0.bias"].update(data=["1", "2", "3"]), "not a regular nested list"),
])
def test_malformed_json_documents(tmp_path, edit, fragment):
    save_weights(LinearSVM(2, 3), tmp_path / "w.json")
    document = json.loads((tmp_path / "w.json").read_text())
    edit(document)
    (tmp_path / "w.json").write_text(json.dumps(document))
    refused(LinearSVM(2, 3, seed=5), tmp_path / "w.json", fragment)


def test_a_directory_is_not_a_weights_file(tmp_path):
    (tmp_path / "dir.npz").mkdir()
    refused(mlp(), tmp_path / "dir.npz", "directory")


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=5),
                  elements=st.floats(allow_nan=False, allow_infinity=False)))
@settings(max_examples=60, deadline=None)
def test_json_keeps_every_float64_bit(array):
    tensors, _ = formats.decode_json(formats.encode_json({"t": array}, None))
    assert tensors["t"].dtype == np.float64
    np.testing.assert_array_equal(tensors["t"], array)
    assert tensors["t"].tobytes() == array.tobytes()  # also the sign of zero


# ----- atomic writes -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_the_existing_file_intact(tmp_path, monkeypatch, suffix, failing):
    path = tmp_path / f"w{suffix}"
    save_weights(LinearSVM(2, 3, seed=1), path)
    original = path.read_bytes()

    def broken(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(files.os, failing, broken)
    with pytest.raises(WeightsError, match="cannot write.*No space left on device"):
        save_weights(LinearSVM(2, 3, seed=2), path)
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def test_a_failure_while_encoding_leaves_the_existing_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    save_weights(LinearSVM(2, 3, seed=1), path)
    original = path.read_bytes()

    def explode(handle, *args, **kwargs):
        handle.write(b"half a file")
        raise RuntimeError("interrupted")
    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(RuntimeError):
        save_weights(LinearSVM(2, 3, seed=2), path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def test_write_atomic_replaces_and_keeps_normal_permissions(tmp_path):
    path = tmp_path / "f.bin"
    files.write_atomic(path, b"one")
    files.write_atomic(path, b"two")
    assert path.read_bytes() == b"two"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_unwritable_directory_is_a_clear_error(tmp_path):
    with pytest.raises(WeightsError, match="cannot write"):
        save_weights(LinearSVM(2, 3), tmp_path / "no" / "such" / "dir" / "w.npz")


@pytest.mark.parametrize("suffix", WEIGHT_FORMATS)
def test_a_flipped_byte_anywhere_is_loaded_or_refused_never_a_crash(tmp_path, suffix):
    path = tmp_path / f"w{suffix}"
    save_weights(MLP(2, [8], 3), path)
    data = path.read_bytes()
    for position in range(0, len(data), max(1, len(data) // 150)):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        path.write_bytes(bytes(damaged))
        try:
            load_weights(MLP(2, [8], 3), path)
        except WeightsError:
            pass  # anything else fails the test


def test_onnx_without_the_optional_onnx_package_is_a_weights_error(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # import onnx now fails
    with pytest.raises(WeightsError, match="optional onnx package"):
        save_weights(mlp(), tmp_path / "w.onnx")
    (tmp_path / "r.onnx").write_bytes(b"\x08\x07")
    with pytest.raises(WeightsError, match="optional onnx package"):
        read_weights(tmp_path / "r.onnx")
    assert not (tmp_path / "w.onnx").exists()
