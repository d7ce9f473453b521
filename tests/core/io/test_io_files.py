"""The one atomic writer: temporary file, fsync, rename; permissions kept, symlinks written through."""
import os

import pytest

from core.io import files


def test_bytes_and_a_callback_both_write_the_whole_file(tmp_path):
    path = tmp_path / "out.bin"
    files.write_atomic(path, b"bytes")
    assert path.read_bytes() == b"bytes"
    files.write_atomic(path, lambda handle: handle.write(b"from a callback"))
    assert path.read_bytes() == b"from a callback"


def test_atomic_output_yields_a_temporary_path_with_the_target_suffix(tmp_path):
    path = tmp_path / "plot.png"
    path.write_bytes(b"old")
    with files.atomic_output(path) as temp:
        assert temp.parent == tmp_path and temp.suffix == ".png" and temp != path
        temp.write_bytes(b"new")
        assert path.read_bytes() == b"old"  # nothing changes until the block ends
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]


def test_a_failing_writer_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(b"old contents")

    def half(handle):
        handle.write(b"half")
        raise OSError(28, "No space left on device")
    with pytest.raises(OSError):
        files.write_atomic(path, half)
    with pytest.raises(RuntimeError), files.atomic_output(path) as temp:
        temp.write_bytes(b"partial")
        raise RuntimeError("export failed")
    assert path.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"]


def test_a_failed_verification_keeps_the_old_file(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"good")

    def verify(temp):
        assert temp.read_bytes() == b"bad"
        raise ValueError("does not read back")
    with pytest.raises(ValueError, match="does not read back"):
        files.write_atomic(path, b"bad", verify=verify)
    assert path.read_bytes() == b"good"
    assert len(list(tmp_path.iterdir())) == 1


def test_an_existing_files_permissions_are_kept(tmp_path):
    path = tmp_path / "secret.bpsession"
    path.write_bytes(b"one")
    os.chmod(path, 0o600)
    files.write_atomic(path, b"two")
    assert path.read_bytes() == b"two" and path.stat().st_mode & 0o777 == 0o600


def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path):
    target = tmp_path / "real" / "weights.npz"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    files.write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["weights.npz"]


def test_a_directory_as_the_target_is_an_os_error_and_leaves_nothing(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OSError):
        files.write_atomic(tmp_path / "out", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("text, depth", [
    ("", 0), ("1", 0), ("[]", 1), ('{"a": [[1], {"b": []}]}', 4), ('["[[[", "\\\\", "\\"[["]', 1),
    ("[" * 500 + "]" * 500, 500),
])
def test_json_depth_counts_nesting_outside_strings(text, depth):
    assert files.json_depth(text) == depth


def test_parse_json_refuses_deep_nesting_without_recursing():
    with pytest.raises(ValueError, match="nests 100000 levels deep.*MAX_JSON_DEPTH"):
        files.parse_json("[" * 100_000 + "]" * 100_000, "the document")
    assert files.parse_json('{"a": [1, 2]}', "x") == {"a": [1, 2]}
