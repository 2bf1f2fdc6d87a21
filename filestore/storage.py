"""``DatabaseStorage``: Django's Storage API over PostgreSQL rows, written and read by chunks."""

import io

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import router, transaction
from django.utils.deconstruct import deconstructible

from filestore.models import StoredChunk, StoredFile

# One row per mebibyte: a 100 MB file is 100 inserts, and a reader holds one chunk at a time.
CHUNK_SIZE = 1024 * 1024


class ChunkReader(io.RawIOBase):
    """A stored file, read (and sought) one chunk query at a time; never whole in memory."""

    def __init__(self, stored: StoredFile, using: str):
        super().__init__()
        self.stored, self.using = stored, using
        self.position = 0
        self._seq: int | None = None
        self._data = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.stored.size}
        self.position = max(0, base[whence] + offset)
        return self.position

    def _chunk(self, seq: int) -> bytes:
        if seq != self._seq:
            data = (
                StoredChunk.objects.using(self.using)
                .filter(file=self.stored, seq=seq)
                .values_list("data", flat=True)
                .first()
            )
            self._seq, self._data = seq, bytes(data or b"")
        return self._data

    def readinto(self, buffer) -> int:
        if self.position >= self.stored.size:
            return 0
        seq, offset = divmod(self.position, CHUNK_SIZE)
        piece = self._chunk(seq)[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


class StoredFileObject(File):
    """What ``open()`` answers: a read-only File with the stored size, streamed by chunks."""

    def __init__(self, stored: StoredFile, using: str):
        super().__init__(io.BufferedReader(ChunkReader(stored, using), CHUNK_SIZE), stored.name)
        self._size = stored.size

    def chunks(self, chunk_size=None):
        self.seek(0)
        while piece := self.read(chunk_size or CHUNK_SIZE):
            yield piece


@deconstructible(path="filestore.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files as ``StoredFile`` rows and their ``StoredChunk`` rows, in the ``using`` database.

    Saving is one transaction: a worker killed mid-file leaves nothing behind. No file has a
    URL or a local path: every file is served by a view that checks who asks.
    """

    def __init__(self, using: str | None = None):
        self.using = using

    def _db(self, *, write: bool) -> str:
        if self.using:
            return self.using
        pick = router.db_for_write if write else router.db_for_read
        return pick(StoredFile) or "default"

    def _stored(self, name: str) -> StoredFile | None:
        return StoredFile.objects.using(self._db(write=False)).filter(name=name).first()

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Stored files are written with save(), not opened for writing.")
        stored = self._stored(name)
        if stored is None:
            raise FileNotFoundError(name)
        return StoredFileObject(stored, self._db(write=False))

    def _save(self, name, content):
        using = self._db(write=True)
        with transaction.atomic(using=using):
            stored = StoredFile.objects.using(using).create(name=name)
            size = 0
            if hasattr(content, "seek"):
                content.seek(0)
            for seq, piece in enumerate(_pieces(content)):
                StoredChunk.objects.using(using).create(file=stored, seq=seq, data=piece)
                size += len(piece)
            StoredFile.objects.using(using).filter(pk=stored.pk).update(size=size)
        return name

    def delete(self, name):
        using = self._db(write=True)
        with transaction.atomic(using=using):
            StoredChunk.objects.using(using).filter(file__name=name).delete()
            StoredFile.objects.using(using).filter(name=name).delete()

    def exists(self, name):
        return StoredFile.objects.using(self._db(write=False)).filter(name=name).exists()

    def size(self, name):
        stored = self._stored(name)
        if stored is None:
            raise FileNotFoundError(name)
        return stored.size

    def listdir(self, path):
        """Flat: every name is a file; ``path`` narrows by prefix."""
        prefix = f"{path.rstrip('/')}/" if path else ""
        names = StoredFile.objects.using(self._db(write=False)).filter(name__startswith=prefix)
        return [], [name[len(prefix) :] for name in names.values_list("name", flat=True)]

    def get_created_time(self, name):
        stored = self._stored(name)
        if stored is None:
            raise FileNotFoundError(name)
        return stored.created_at

    get_modified_time = get_created_time

    def url(self, name):
        raise NotImplementedError("Stored files are served only through a view that checks access.")


def _pieces(content):
    """``content``'s bytes in pieces of exactly CHUNK_SIZE (the last shorter): a reader finds
    byte n in chunk n // CHUNK_SIZE."""
    pending = b""
    for piece in content.chunks(CHUNK_SIZE):
        if isinstance(piece, str):
            piece = piece.encode()
        pending += piece
        while len(pending) >= CHUNK_SIZE:
            yield pending[:CHUNK_SIZE]
            pending = pending[CHUNK_SIZE:]
    if pending:
        yield pending
