"""A bounded npz reader: sizes are checked from the zip directory and the .npy headers before
any array is allocated, and pickled (object) arrays are never loaded.

``np.load`` trusts the declared sizes (a 1 MB zip of zeros can declare gigabytes) and
reports damage as whatever exception happens to occur; this reader raises ValueError
(or LimitError, a ValueError) saying which member is wrong and how.
"""
import io
import math
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npy_format

from ..limits import MAX_ARRAY_BYTES, MAX_ARRAYS, MAX_TOTAL_ARRAY_BYTES, check_bytes, check_count

_STORABLE_KINDS = "biufcUS"


def open_zip(data, what):
    """A ZipFile over ``data``; ValueError when it is not a readable zip archive."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError(f"{what} is not a zip archive, or is truncated") from None
    except (OSError, EOFError, ValueError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise ValueError(f"{what} is damaged or truncated ({_first_line(error)})") from None


def read_capped(archive, member, limit, limit_name, what):
    """The decompressed bytes of zip ``member``, refused above ``limit`` bytes (declared or actual)."""
    check_bytes(member.file_size, limit, f"{what}, decompressed", limit_name)
    try:
        with archive.open(member) as handle:
            raw = handle.read(member.file_size + 1)
    except zipfile.BadZipFile as error:
        raise ValueError(f"{what} is damaged ({_first_line(error)})") from None
    except (OSError, EOFError, zlib.error, NotImplementedError, ValueError,
            RuntimeError) as error:  # RuntimeError: an encrypted member
        raise ValueError(f"{what} is damaged or truncated ({_first_line(error)})") from None
    if len(raw) > member.file_size:
        raise ValueError(f"{what} is larger than its zip entry declares")
    return raw


def read_npz(data, what="the npz archive"):
    """name → array for the ``.npy`` members of the zip ``data`` (bytes)."""
    with open_zip(data, what) as archive:
        members = archive.infolist()
        check_count(len(members), MAX_ARRAYS, f"arrays in {what}", "MAX_ARRAYS")
        check_bytes(sum(m.file_size for m in members), MAX_TOTAL_ARRAY_BYTES,
                    f"{what}, decompressed", "MAX_TOTAL_ARRAY_BYTES")
        arrays = {}
        for member in members:
            if not member.filename.endswith(".npy"):
                raise ValueError(f"{what} holds {member.filename!r}, which is not a .npy array")
            arrays[member.filename[:-4]] = _read_member(archive, member, what)
    return arrays


def _read_member(archive, member, what):
    name = member.filename[:-4]
    # NOTE: room for the .npy header on top of the largest array allowed
    raw = read_capped(archive, member, MAX_ARRAY_BYTES + 65536, "MAX_ARRAY_BYTES",
                      f"{what}: array {name!r}")
    return _parse_npy(raw, name, what)


def _parse_npy(raw, name, what):
    stream = io.BytesIO(raw)
    try:
        version = npy_format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"uses .npy format version {version[0]}.{version[1]}, "
                             "which is not read here")
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError, OverflowError) as error:
        raise ValueError(f"{what}: array {name!r} has no valid .npy header "
                         f"({_first_line(error)})") from None
    if dtype.hasobject:
        raise ValueError(f"{what}: array {name!r} holds Python objects (pickled arrays), which "
                         "are not loaded for safety")
    if dtype.kind not in _STORABLE_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(f"{what}: array {name!r} has dtype {dtype}, which is not loaded")
    count = math.prod(shape)
    check_bytes(count * dtype.itemsize, MAX_ARRAY_BYTES, f"{what}: array {name!r} of shape {shape}",
                "MAX_ARRAY_BYTES")
    offset = stream.tell()
    if len(raw) - offset < count * dtype.itemsize:
        raise ValueError(f"{what}: array {name!r} is truncated ({len(raw) - offset} of "
                         f"{count * dtype.itemsize} bytes)")
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=offset).copy()
    return flat.reshape(shape, order="F" if fortran else "C")


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
