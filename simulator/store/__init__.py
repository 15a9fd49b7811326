"""The shared state store (SQLite) and the blob store (files)."""
from .db import Store
from .blobs import BlobStore

__all__ = ["Store", "BlobStore"]
