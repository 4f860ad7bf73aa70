"""Django's file-based cache, safe for counters shared by several processes."""

import os
import pickle
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

# Lock files per cache folder: keys share them by hash, so their number stays
# fixed however many keys come and go.
LOCK_STRIPES = 64


class SharedFileCache(FileBasedCache):
    """FileBasedCache whose add() and incr() run under an exclusive file lock, and whose
    incr() keeps the key's expiry (Django's sets the default timeout again).

    Django's file cache reads, then writes: two processes counting the same key
    at once both read 4 and both write 5. Throttle counters must not lose
    counts that way, so the read and the write of one key happen under a lock
    that every process of the machine honours.
    """

    @contextmanager
    def _key_lock(self, key, version):
        self._createdir()
        stripe = zlib.crc32(self.make_and_validate_key(key, version).encode()) % LOCK_STRIPES
        with open(os.path.join(self._dir, f"lock-{stripe:02d}"), "a+b") as handle:
            locks.lock(handle, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(handle)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._key_lock(key, version):
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._key_lock(key, version):
            try:
                with open(self._key_to_file(key, version), "rb") as handle:
                    expiry = pickle.load(handle)  # noqa: S301 (the cache's own files)
                    value = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301
            except FileNotFoundError:
                expiry, value = 0, None
            now = time.time()
            if expiry is not None and expiry < now:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            self.set(key, value, None if expiry is None else expiry - now, version)
            return value
