"""Memory benchmark of the loaders against hostile files of about 1 MB.

Each case writes a file (a decompression bomb, a huge declared shape, deep JSON, ...), loads it
and records the peak of traced allocations (tracemalloc; numpy reports its arrays to it) and the
time taken. Target: every file is refused with the loader's own error and no case's peak goes
over 200 MB. Run: ``python bench/loaders.py``. A benchmark, not a test: it prints PASS/FAIL per
case and exits 0.
"""
import gzip
import io
import json
import os
import struct
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


from core.data import CSVError, load_csv  # noqa: E402
from core.io import SessionError, WeightsError, load_session, read_weights  # noqa: E402
from core.io.session import _pack  # noqa: E402
from core.training import TrainerConfig, build_trainer  # noqa: E402

PEAK_LIMIT = 200 << 20


def npy(shape, payload=b""):
    header = repr({"descr": "<f8", "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def deep(n=400_000):
    return "[" * n + "]" * n


def cases():
    """(name, file name, bytes, loader, error type)."""
    trainer = build_trainer(TrainerConfig(n_samples=60, hidden=[4]))
    state = trainer.state_dict()
    huge_spec = dict(state, model_spec={**state["model_spec"], "hidden": [30000, 30000]})
    header = json.dumps({"w": {"dtype": "F64", "shape": [10 ** 5, 10 ** 5], "data_offsets": [0, 8]}})
    yield ("npz bomb (1 GB of zeros)", "bomb.npz", zipped({"w.npy": npy((125_000_000,), bytes(10 ** 9))}),
           read_weights, WeightsError)
    yield ("npz huge declared shape", "shape.npz", zipped({"w.npy": npy((10 ** 6, 10 ** 6))}),
           read_weights, WeightsError)
    yield ("safetensors huge shape", "shape.safetensors",
           struct.pack("<Q", len(header)) + header.encode() + bytes(8), read_weights, WeightsError)
    yield ("weights JSON nested 400,000 deep", "deep.json", deep().encode(), read_weights, WeightsError)
    yield ("session bomb (1 GB arrays.npz)", "bomb.bpsession",
           zipped({"session.json": json.dumps({"format": "backprop-studio-session", "version": 1}),
                   "arrays.npz": bytes(10 ** 9)}), load_session, SessionError)
    yield ("session.json nested 400,000 deep", "deep.bpsession", zipped({"session.json": deep()}),
           load_session, SessionError)
    yield ("session asking for hidden [30000, 30000]", "huge.bpsession", _pack(huge_spec),
           load_session, SessionError)
    yield ("csv.gz bomb (1 GB of rows)", "bomb.csv.gz", gzip.compress(b"0,1\n1,0\n" * (125 << 20)),
           load_csv, CSVError)


def measure(path, loader, error_type):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        loader(path)
        outcome = "loaded"
    except error_type as error:
        outcome = f"refused: {str(error)[len(path.name) + 2:][:90]}" if path.name in str(error) else str(error)
    except Exception as error:  # noqa: BLE001 - the benchmark reports any other exception
        outcome = f"WRONG ERROR {type(error).__name__}: {error}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, peak, elapsed


def main():
    with tempfile.TemporaryDirectory() as folder:
        for name, file_name, data, loader, error_type in cases():
            path = Path(folder) / file_name
            path.write_bytes(data)
            outcome, peak, elapsed = measure(path, loader, error_type)
            ok = outcome.startswith("refused") and peak <= PEAK_LIMIT
            print(f"{'PASS' if ok else 'FAIL'}  {name:42s} file {len(data) / 1e6:5.2f} MB  "
                  f"peak {peak / 1e6:7.1f} MB  {elapsed * 1000:7.0f} ms  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
