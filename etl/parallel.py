"""Reading many workbooks on all cores: the same readers, in worker processes, results in order."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from etl.records import ReadResult


def _read(job: tuple[str, str, bytes, dict]) -> ReadResult:
    kind, name, data, kwargs = job
    if kind == "declaration":
        from etl.declaration import read_declaration

        return read_declaration(data, name, **kwargs)
    from etl.roster import read_roster

    return read_roster(data, name, **kwargs)


def read_many(kind: str, files: Iterable[tuple[str, bytes]], *, workers: int | None = None,
              **kwargs) -> Iterator[tuple[str, bytes, ReadResult]]:
    """(name, bytes, ReadResult) for each file, in the order given; parallel when it pays off."""
    files = list(files)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(files) < 32:
        for name, data in files:
            yield name, data, _read((kind, name, data, kwargs))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = ((kind, name, data, kwargs) for name, data in files)
        for (name, data), result in zip(files, pool.map(_read, jobs, chunksize=16), strict=True):
            yield name, data, result
