"""load_csv: numeric features, integer or string labels, and a precise message for every bad file."""
import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.data import DataError, load_csv


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_string_labels_become_sorted_class_ids(tmp_path):
    path = write(tmp_path, "x,y,kind\n1,2,dog\n3,4,cat\n5,6,eel\n7,8,cat\n")
    ds = load_csv(path, val_fraction=0.0)
    assert ds.class_names == ("cat", "dog", "eel") and ds.feature_names == ("x", "y")
    rows = {tuple(x): ds.class_names[k] for x, k in zip(ds.X_train, ds.y_train)}
    assert rows == {(1, 2): "dog", (3, 4): "cat", (5, 6): "eel", (7, 8): "cat"}
    assert ds.name == "data" and ds.X_train.dtype == np.float64


def test_integer_labels_sort_numerically_and_map_to_0_to_k_minus_1(tmp_path):
    path = write(tmp_path, "0.5,10\n1.5,2\n2.5,10\n3.5,9\n")
    ds = load_csv(path, val_fraction=0.0)
    assert ds.class_names == ("2", "9", "10")
    assert {x[0]: k for x, k in zip(ds.X_train, ds.y_train)} == {0.5: 2, 1.5: 0, 2.5: 2, 3.5: 1}


def test_labels_that_are_not_finite_numbers_sort_as_text(tmp_path):
    ds = load_csv(write(tmp_path, "1,nan\n2,inf\n3,10\n4,9\n"), val_fraction=0.0)
    assert ds.class_names == ("10", "9", "inf", "nan")


def test_label_column_by_index_or_header_name(tmp_path):
    path = write(tmp_path, "label,a,b\nyes,1,2\nno,3,4\n")
    by_index = load_csv(path, label_column=0, val_fraction=0.0)
    by_name = load_csv(path, label_column="label", val_fraction=0.0)
    for ds in (by_index, by_name):
        assert ds.feature_names == ("a", "b") and ds.class_names == ("no", "yes")
        assert sorted(ds.X_train[:, 0]) == [1.0, 3.0]


def test_header_is_detected_only_when_no_feature_cell_is_a_number(tmp_path):
    no_header = load_csv(write(tmp_path, "1,2,a\n3,4,b\n"), val_fraction=0.0)
    assert no_header.n_train == 2 and no_header.feature_names == ("x1", "x2")
    forced = load_csv(write(tmp_path, "1,2,a\n3,4,b\n5,6,a\n"), has_header=True, val_fraction=0.0)
    assert forced.n_train == 2 and forced.feature_names == ("1", "2")


def test_blank_lines_bom_whitespace_and_quotes_are_tolerated(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_bytes(b'\xef\xbb\xbf"a","b",label\r\n 1.0 , 2e1 , x \r\n\r\n3,4,"y"\r\n\r\n')
    ds = load_csv(path, val_fraction=0.0)
    assert ds.feature_names == ("a", "b") and ds.class_names == ("x", "y")
    assert sorted(map(tuple, ds.X_train)) == [(1.0, 20.0), (3.0, 4.0)]


def test_gzip_files_are_read(tmp_path):
    path = tmp_path / "small.v2.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("1,0\n2,1\n3,1\n")
    ds = load_csv(path, val_fraction=0.0)
    assert ds.name == "small.v2" and ds.n_train == 3


def test_other_delimiters(tmp_path):
    ds = load_csv(write(tmp_path, "1;2;a\n3;4;b\n"), delimiter=";", val_fraction=0.0)
    assert ds.n_features == 2


def test_split_is_seeded(tmp_path):
    path = write(tmp_path, "".join(f"{i},{i % 3}\n" for i in range(50)))
    a, b = load_csv(path, seed=5), load_csv(path, seed=5)
    assert (a.n_train, a.n_val) == (40, 10) and np.array_equal(a.X_val, b.X_val)


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("\n\n  \n", "the file is empty"),
    ("a,b,label\n", "has a header row but no data rows"),
    ("1,2,a\n3,,b\n", "missing value at line 2, column 2"),
    ("x,y,label\n1,2,a\n\n3,,b\n", r"missing value at line 4, column 2 \('y'\)"),
    ("1,2,a\n3,4,\n", "missing label at line 2, column 3"),
    ("1,2,a\n3,four,b\n", "non-numeric value 'four' at line 2, column 2"),
    ("x,y,label\n1,2,a\n3,4x,b\n", r"non-numeric value '4x' at line 3, column 2 \('y'\)"),
    ("1,x2,a\n3,4,b\n", r"non-numeric value 'x2' at line 1, column 2 \(if line 1 is a header, pass has_header=True\)"),
    ("1,2,a\n3,nan,b\n", "non-finite value 'nan' at line 2, column 2"),
    ("1,2,a\n3,-inf,b\n", "non-finite value '-inf' at line 2, column 2"),
    ("1,2,a\n3,4,a\n", r"holds a single class 'a'; a classifier needs at least 2"),
    ("1,2,a\n3,4\n", "line 2 has 2 columns, expected 3 as on line 1"),
    ("1,2,a\n3,4,b,5\n", "line 2 has 4 columns, expected 3 as on line 1"),
    ("x,y,label\n1,2,a\n3,4,b,c\n", "line 3 has 4 columns, expected 3 as on line 1"),
    ("1\n2\n", "need at least one feature column and a label column"),
])
def test_bad_files_name_the_file_line_and_column(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message) as caught:
        load_csv(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(DataError, match=r"nowhere\.csv: no such file"):
        load_csv(path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(DataError, match=r"image\.csv: not a UTF-8 text file"):
        load_csv(path)


@pytest.mark.parametrize("kwargs, message", [
    ({"label_column": 3}, r"label_column=3 is out of range for 3 columns \(use 0..2 or -3..-1\)"),
    ({"label_column": "species"}, "no column named 'species'"),
    ({"val_fraction": 1.0}, r"val_fraction must be a number in \[0, 1\)"),
])
def test_bad_arguments_name_the_file(tmp_path, kwargs, message):
    path = write(tmp_path, "a,b,label\n1,2,x\n3,4,y\n")
    with pytest.raises(DataError, match=message):
        load_csv(path, **kwargs)


def test_label_name_needs_a_header(tmp_path):
    with pytest.raises(DataError, match="names a column, but the file has no header row"):
        load_csv(write(tmp_path, "1,2,a\n3,4,b\n"), label_column="label", has_header=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(X=hnp.arrays(np.float64, st.tuples(st.integers(2, 15), st.integers(1, 5)),
                    elements=st.floats(-1e300, 1e300, allow_subnormal=False)),
       k=st.integers(2, 4))
def test_written_tables_load_back_exactly(tmp_path, X, k):
    y = np.arange(len(X)) % k
    lines = [",".join([repr(float(v)) for v in row] + [f"class{label}"]) for row, label in zip(X, y)]
    ds = load_csv(write(tmp_path, "\n".join(lines) + "\n"), val_fraction=0.0)
    order = np.lexsort(ds.X_train.T[::-1])
    expected = np.lexsort(X.T[::-1])
    assert np.array_equal(ds.X_train[order], X[expected])
    assert ds.class_names == tuple(f"class{j}" for j in range(min(k, len(X))))
