"""Reads a PyTorch checkpoint in the legacy (non-zip) serialization format without torch.

The legacy format (torch.save with _use_new_zipfile_serialization=False, and every checkpoint written
before PyTorch 1.6) is five pickles in a row: a magic number, a protocol version, system information,
the object itself (tensors appear as persistent ids naming a storage), the list of storage keys in the
order their bytes follow; then, per storage, an 8-byte little-endian element count and its raw
little-endian bytes. Only what a state dict of float tensors needs is understood here.
"""

from __future__ import annotations

import collections
import pickle
import struct
from typing import Any, BinaryIO

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C

STORAGE_TYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _Storage:
    def __init__(self, key: str, dtype: np.dtype, size: int) -> None:
        self.key, self.dtype, self.size = key, dtype, size
        self.array: np.ndarray | None = None


class _LazyTensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def materialize(self) -> np.ndarray:
        base = self.storage.array
        assert base is not None, f"storage {self.storage.key} was never read"
        itemsize = base.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            base[self.offset :],
            shape=self.size,
            strides=tuple(s * itemsize for s in self.stride),
        )
        return np.array(view)  # a copy, contiguous


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, hooks=None, *rest):
    return _LazyTensor(storage, storage_offset, size, stride)


class _StorageType:
    def __init__(self, name: str) -> None:
        self.name = name


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, storages: dict[str, _Storage]) -> None:
        super().__init__(file, encoding="utf-8")
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_TYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"torch_legacy: {module}.{name} is not something a state dict holds")

    def persistent_load(self, pid: Any) -> Any:
        kind, storage_type, key, _location, size = pid[:5]
        if kind != "storage":
            raise pickle.UnpicklingError(f"torch_legacy: unknown persistent id {kind!r}")
        if key not in self.storages:
            self.storages[key] = _Storage(key, np.dtype(STORAGE_TYPES[storage_type.name]), size)
        return self.storages[key]


def read_state_dict(path: str) -> "collections.OrderedDict[str, np.ndarray]":
    """The checkpoint's tensors as numpy arrays, by name, in the file's order."""
    with open(path, "rb") as file:
        if pickle.load(file) != MAGIC_NUMBER:
            raise ValueError(f"{path}: not a legacy PyTorch checkpoint (a zip checkpoint needs torch.load)")
        pickle.load(file)  # protocol version
        sys_info = pickle.load(file)
        if not sys_info.get("little_endian", True):
            raise ValueError(f"{path}: big-endian checkpoints are not supported")
        storages: dict[str, _Storage] = {}
        result = _Unpickler(file, storages).load()
        keys = pickle.load(file)
        for key in keys:
            storage = storages[key]
            (count,) = struct.unpack("<q", file.read(8))
            data = file.read(count * storage.dtype.itemsize)
            storage.array = np.frombuffer(data, dtype=storage.dtype.newbyteorder("<"), count=count)
    if "state_dict" in result and isinstance(result["state_dict"], dict):
        result = result["state_dict"]
    return collections.OrderedDict((name, value.materialize()) for name, value in result.items()
                                   if isinstance(value, _LazyTensor))
