"""load_csv on tricky and hostile files: labels by value, strict numbers, header detection,
delimiters and decimal commas, damaged gzip, limits, and fuzzed bytes that raise only CSVError."""
import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data import CSVError, DataError, csv_loader, load_csv, make_dataset


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_numeric_labels_are_classes_by_value(tmp_path):
    ds = load_csv(write(tmp_path, "1,1\n2,1.0\n3,2\n4,2.00\n5,1e0\n"), val_fraction=0.0)
    assert ds.class_names == ("1", "2")
    assert sorted(zip(ds.X_train[:, 0], ds.y_train)) == [(1, 0), (2, 0), (3, 1), (4, 1), (5, 0)]


def test_text_labels_keep_their_exact_text(tmp_path):
    ds = load_csv(write(tmp_path, "1,cat\n2,Cat\n3,1\n4,1.0\n"), val_fraction=0.0)
    assert ds.class_names == ("1", "1.0", "Cat", "cat")


@pytest.mark.parametrize("cell", ["1_000", "١٢", "１２", "0x10", "1,5"])
def test_only_plain_ascii_decimals_are_numbers(tmp_path, cell):
    path = write(tmp_path, f'1,a\n"{cell}",b\n')
    with pytest.raises(CSVError, match=f"non-numeric value '{cell}' at line 2, column 1"):
        load_csv(path, val_fraction=0.0)


def test_a_header_over_a_numeric_label_column_is_a_header(tmp_path):
    ds = load_csv(write(tmp_path, "1,2,label\n3,4,0\n5,6,1\n7,8,1\n"), val_fraction=0.0)
    assert ds.feature_names == ("1", "2") and ds.n_train == 3 and ds.class_names == ("0", "1")


def test_text_labels_under_a_numeric_first_row_are_data(tmp_path):
    ds = load_csv(write(tmp_path, "1,2,a\n3,4,b\n"), val_fraction=0.0)
    assert ds.n_train == 2 and ds.feature_names == ("x1", "x2")


def test_an_unterminated_quote_is_named(tmp_path):
    path = write(tmp_path, '1,2,a\n3,"4,b\n5,6,c\n7,8,a\n')
    with pytest.raises(CSVError, match=r"line 2 opens a quoted field that is never closed"):
        load_csv(path)


def test_delimiter_and_decimal_comma_are_detected(tmp_path):
    ds = load_csv(write(tmp_path, "a;b;label\n1,5;2;x\n-0,25;3e1;y\n"), val_fraction=0.0)
    assert ds.feature_names == ("a", "b")
    assert sorted(map(tuple, ds.X_train)) == [(-0.25, 30.0), (1.5, 2.0)]
    tabs = load_csv(write(tmp_path, "1\t2\ta\n3\t4\tb\n"), val_fraction=0.0)
    assert tabs.n_features == 2


def test_messages_say_how_the_file_was_read(tmp_path):
    path = write(tmp_path, "x;y;label\n1;2;a\n3;four;b\n")
    with pytest.raises(CSVError) as info:
        load_csv(path)
    message = str(info.value)
    assert "label column 3 ('label') of 3" in message and "delimiter ';'" in message
    assert "decimal mark '.'" in message and "label_column=" in message


@pytest.mark.parametrize("damage", ["flip", "truncate", "not gzip"])
def test_a_damaged_gzip_file_is_a_csv_error(tmp_path, damage):
    path = tmp_path / "data.csv.gz"
    data = bytearray(gzip.compress(b"".join(b"%d,%d\n" % (i, i % 2) for i in range(2000))))
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[:len(data) // 2]
    else:
        data = bytearray(b"plain text, not gzip\n")
    path.write_bytes(bytes(data))
    # NOTE: gzip checks its CRC at the end, so a flipped byte may first show as a bad row.
    expected = "data.csv.gz: " if damage == "flip" else "data.csv.gz: the file is damaged or truncated"
    with pytest.raises(CSVError, match=expected.replace(".", r"\.")):
        load_csv(path)


def test_row_and_line_limits_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "MAX_CSV_ROWS", 10)
    path = write(tmp_path, "".join(f"{i},{i % 2}\n" for i in range(11)))
    with pytest.raises(CSVError, match="more than 10 rows.*MAX_CSV_ROWS"):
        load_csv(path)
    monkeypatch.setattr(csv_loader, "MAX_LINE_CHARS", 100)
    with pytest.raises(CSVError, match="a line is longer than 100 characters"):
        load_csv(write(tmp_path, "1,0\n" + "1" * 200 + ",1\n"))


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", 1 << 20)
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"1,0\n2,1\n" * (1 << 20)))
    with pytest.raises(CSVError, match="MAX_CSV_BYTES"):
        load_csv(path)


def test_make_dataset_refuses_too_many_samples():
    with pytest.raises(DataError, match=r"n_samples=1,000,000,000 is over the limit of 1,000,000"):
        make_dataset("spiral", n_samples=1_000_000_000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(alphabet=st.sampled_from(list('0123456789.,;\t|"e-+ \n\r_abc١')), max_size=300)
      .map(lambda t: t.encode("utf-8"))))
def test_fuzzed_files_raise_only_csv_error(tmp_path, data):
    for name in ("f.csv", "f.csv.gz"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            load_csv(path)
        except CSVError:
            pass
