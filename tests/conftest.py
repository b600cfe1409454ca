"""Fixtures for every test: offscreen Qt, small real libraries, and a real HTTP server on 127.0.0.1 for the sources."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any test creates a QApplication
sys.path.insert(0, str(Path(__file__).parent / "support"))  # server.py and cassettes.py
sys.path.insert(0, str(Path(__file__).parents[1] / "tools"))  # local_postgres.py, the tests' PostgreSQL server

from damaged import clean, damaged  # noqa: F401 (fixtures: a library with damaged pages, and its undamaged copy)
from local_postgres import PostgresServer, postgres_bin
from server import ApiServer, unused_port_url

from citedesk import jobs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

SMALL_BIB = r"""@string{psyres = "Psychiatry Research"}

@article{tse2017,
  title = {A one-year longitudinal qualitative study of peer support services in a non-{W}estern context},
  author = {Tse, Samson and Mak, Winnie W. S. and Lo, Iris W. K. and Liu, Lucia L.},
  journal = psyres,
  year = 2017,
  doi = {10.1016/j.psychres.2017.05.007},
  abstract = {Peer support services are recognised as a key component of recovery-oriented mental health care. We interviewed peer support workers, service users and co-workers in Hong Kong over one year; $\alpha$ = 0.8.},
  keywords = {peer support, recovery, qualitative},
}

@inproceedings{smith2019,
  title = {Peer workers in community mental health: a replication},
  author = {Smith, Ann and Lee, Bo},
  booktitle = {Proceedings of the Mental Health Services Conference},
  year = 2019,
}

@article{garcia2021,
  title = {Evaluating peer support: a randomised trial},
  author = {Garc{\'\i}a, Mar{\'\i}a and Tse, Samson},
  journal = {Journal of Mental Health},
  year = 2021,
  doi = {10.1000/jmh.2021.1},
}

@book{nolan2015,
  title = {Recovery Stories},
  author = {Nolan, Peter},
  publisher = {Routledge},
  year = 2015,
}
"""

# Statements citing tse2017: from papers in the library and from works outside it.
SMALL_STATEMENTS = [
    {
        "cited_key": "tse2017",
        "citing_key": "smith2019",
        "text": "Our results are consistent with Tse et al. (2017), who found that peer workers felt valued.",
        "section": "4 Discussion",
        "label": "supporting",
        "confidence": 0.91,
    },
    {
        "cited_key": "tse2017",
        "citing_key": "smith2019",
        "text": "Peer support was studied longitudinally in Hong Kong (Tse et al., 2017).",
        "section": "1 Introduction",
        "label": "mentioning",
        "confidence": 0.97,
    },
    {
        "cited_key": "tse2017",
        "citing_key": "garcia2021",
        "text": "Unlike Tse et al. (2017), we found no effect of peer support on recovery scores.",
        "section": "Results",
        "label": "contrasting",
        "confidence": 0.74,
    },
    {
        "cited_key": "tse2017",
        "citing_doi": "10.1000/other.2020",
        "citing_title": "Peer support in Asia: a review",
        "citing_authors": ["Wei Chen", "Ling Wu"],
        "citing_year": 2020,
        "citing_venue": "Asian Journal of Psychiatry",
        "citing_type": "review",
        "text": "Several qualitative studies <b>describe</b> peer support (Tse et al., 2017; Nolan, 2015).",
        "section": "Introduction",
        "label": "mentioning",
        "confidence": 0.99,
    },
    {
        "cited_key": "tse2017",
        "citing_title": "An untitled preprint",
        "citing_year": 2022,
        "text": "Tse et al. 2017 is cited here without a known section.",
        "label": "unclassified",
    },
    {
        "cited_key": "smith2019",
        "citing_key": "garcia2021",
        "text": "We replicate the design of Smith and Lee (2019).",
        "section": "Methods",
        "label": "mentioning",
        "confidence": 0.88,
    },
]


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    """A library of four papers, tse2017 cited by five statements from four works (one a self-citation)."""
    bib = tmp_path / "small.bib"
    bib.write_text(SMALL_BIB, encoding="utf-8")
    library = tmp_path / "library.sqlite"
    jobs.import_bibtex(library, [bib], workers=1)
    statements = tmp_path / "statements.jsonl"
    statements.write_text("".join(json.dumps(row) + "\n" for row in SMALL_STATEMENTS), encoding="utf-8")
    jobs.import_statements(library, statements)
    return library


@pytest.fixture
def api_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiServer]:
    """A fresh ApiServer (tests/support/server.py) on an ephemeral port; stopped after the test, which fails
    if a route handler raised. Proxies configured in the environment are bypassed for 127.0.0.1."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, ",".join(filter(None, [os.environ.get(name), "127.0.0.1", "localhost"])))
    with ApiServer() as server:
        yield server
    if server.errors:
        pytest.fail("the test server's handlers raised:\n" + "\n".join(server.errors))


@pytest.fixture
def refused_url() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens: connections are refused."""
    return unused_port_url()


# -- a real PostgreSQL server for the shared-library tests (tests/team, tests/gui/test_shared_windows.py)

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if postgres_bin() is None:
        pytest.fail("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="citedesk-pg-"))  # not under pytest's tmp: the postgres user enters it
    folder.chmod(0o755)
    server = PostgresServer(folder / "cluster")
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def shared_url(postgres: PostgresServer) -> str:
    """A new, empty database on the server, as the superuser (the password in the URL)."""
    return postgres.url(f"shared{next(_databases)}")
