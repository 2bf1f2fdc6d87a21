"""Files kept in PostgreSQL (filestore): whole or absent, read one chunk at a time, swappable."""

import io

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filestore.models import StoredChunk, StoredFile
from filestore.storage import CHUNK_SIZE, DatabaseStorage

pytestmark = pytest.mark.django_db

# Two and a half chunks, every byte different from its neighbours: a misplaced chunk shows.
CONTENT = bytes(range(256)) * (CHUNK_SIZE * 5 // 2 // 256) + b"tail"


@pytest.fixture
def storage():
    return DatabaseStorage()


def test_the_exports_storage_is_the_database_by_default():
    assert isinstance(storages["exports"], DatabaseStorage)


def test_a_file_is_stored_in_chunks_and_read_back_whole(storage):
    name = storage.save("exports/a.csv", ContentFile(CONTENT))
    assert name == "exports/a.csv"
    sizes = list(
        StoredChunk.objects.filter(file__name=name).order_by("seq").values_list("seq", "data")
    )
    assert [(seq, len(data)) for seq, data in sizes] == [
        (0, CHUNK_SIZE),
        (1, CHUNK_SIZE),
        (2, len(CONTENT) - 2 * CHUNK_SIZE),
    ]
    assert storage.size(name) == len(CONTENT) and storage.exists(name)
    with storage.open(name) as stored:
        assert stored.read() == CONTENT


def test_pieces_of_any_size_are_regrouped_into_full_chunks(storage):
    """A File whose chunks() gives odd sizes still stores byte n in chunk n // CHUNK_SIZE."""

    class OddPieces(File):
        def chunks(self, chunk_size=None):
            data = self.file.getvalue()
            for start in range(0, len(data), 300_001):
                yield data[start : start + 300_001]

    name = storage.save("odd.bin", OddPieces(io.BytesIO(CONTENT), name="odd.bin"))
    lengths = StoredChunk.objects.filter(file__name=name).values_list("data", flat=True)
    assert sorted(len(data) for data in lengths)[1:] == [CHUNK_SIZE, CHUNK_SIZE]
    with storage.open(name) as stored:
        assert stored.read() == CONTENT


def test_reading_fetches_one_chunk_at_a_time_and_seeks(storage):
    name = storage.save("seek.bin", ContentFile(CONTENT))
    with storage.open(name) as stored:
        with CaptureQueriesContext(connection) as queries:
            first = stored.read(10)
        assert first == CONTENT[:10]
        assert len(queries) == 1 and "seq" in queries[0]["sql"]
        stored.seek(CHUNK_SIZE * 2 + 3)
        assert stored.read(5) == CONTENT[CHUNK_SIZE * 2 + 3 : CHUNK_SIZE * 2 + 8]
        stored.seek(0, io.SEEK_END)
        assert stored.tell() == len(CONTENT)
        stored.seek(CHUNK_SIZE - 2)
        assert stored.read(4) == CONTENT[CHUNK_SIZE - 2 : CHUNK_SIZE + 2]  # across two chunks


def test_a_streamed_read_never_holds_more_than_a_chunk(storage):
    name = storage.save("stream.bin", ContentFile(CONTENT))
    with storage.open(name) as stored:
        pieces = list(stored.chunks())
    assert b"".join(pieces) == CONTENT
    assert max(len(piece) for piece in pieces) <= CHUNK_SIZE


def test_a_failed_save_leaves_nothing(storage):
    class Broken(File):
        def chunks(self, chunk_size=None):
            yield b"x" * CHUNK_SIZE
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        storage.save("broken.bin", Broken(io.BytesIO(), name="broken.bin"))
    assert not StoredFile.objects.exists() and not StoredChunk.objects.exists()


def test_delete_removes_the_bytes(storage):
    kept = storage.save("kept.bin", ContentFile(b"kept"))
    gone = storage.save("gone.bin", ContentFile(CONTENT))
    storage.delete(gone)
    assert not storage.exists(gone)
    assert set(StoredChunk.objects.values_list("file__name", flat=True)) == {kept}
    with pytest.raises(FileNotFoundError):
        storage.open(gone)


def test_a_taken_name_gets_another(storage):
    first = storage.save("exports/same.csv", ContentFile(b"1"))
    second = storage.save("exports/same.csv", ContentFile(b"2"))
    assert first != second
    assert storage.open(first).read() == b"1" and storage.open(second).read() == b"2"


def test_listdir_lists_the_names_under_a_prefix(storage):
    storage.save("exports/a.csv", ContentFile(b"a"))
    storage.save("exports/b.xlsx", ContentFile(b"b"))
    storage.save("other/c.csv", ContentFile(b"c"))
    dirs, files = storage.listdir("exports")
    assert dirs == [] and sorted(files) == ["a.csv", "b.xlsx"]


def test_no_file_has_a_url_or_a_local_path(storage):
    name = storage.save("exports/private.csv", ContentFile(b"x"))
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(NotImplementedError):
        storage.path(name)
