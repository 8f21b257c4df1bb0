"""Load 100,000 key results with check-ins into SQLite and PostgreSQL; print the times.

Uses the bulk path (`Store.save_snapshot`), then reads everything back with
`Store.load_snapshot`. PostgreSQL comes from OKR_TEST_POSTGRES_URL (default:
the local test server); the run uses a throwaway schema and drops it. Not a
test: it prints figures.

    python benchmarks/store_bench.py [--krs 100000] [--check-ins 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from okr.models import (
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
    Organisation,
    OrgSnapshot,
    Person,
    Team,
)
from okr.store import Store


def build(krs: int, check_ins: int, per_objective: int = 4) -> OrgSnapshot:
    """A synthetic organisation with `krs` key results, each with `check_ins` check-ins."""
    org = "bench"
    teams = tuple(Team(f"t-{i}", org, f"Team {i}", None if i == 0 else "t-0")
                  for i in range(50))
    people = tuple(Person(f"p-{i}", org, f"Person {i}", team_id=f"t-{i % 50}")
                   for i in range(500))
    cycle = Cycle("c-1", org, "2024-Q1", date(2024, 1, 1), date(2024, 3, 31))
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    objectives = []
    for o in range(krs // per_objective):
        oid = f"o-{o}"
        key_results = []
        for j in range(per_objective):
            kid = f"kr-{o * per_objective + j}"
            cis = tuple(CheckIn(kid, start + timedelta(days=7 * w), 10 + w * 1.5,
                                0.5 + (w % 5) / 10, "") for w in range(check_ins))
            key_results.append(KeyResult(kid, org, oid, f"Metric {kid} from 10 to 30",
                                         baseline=10, target=30, unit="x",
                                         owner_id=f"p-{o % 500}", check_ins=cis))
        objectives.append(Objective(oid, org, "c-1", f"Objective {o}", team_id=f"t-{o % 50}",
                                    key_results=tuple(key_results)))
    return OrgSnapshot(Organisation(org, "Bench"), teams, people, (cycle,), tuple(objectives))


def measure(label: str, url: str, snapshot: OrgSnapshot) -> None:
    with Store(url) as store:
        t0 = time.perf_counter()
        store.save_snapshot(snapshot, replace=True)
        saved = time.perf_counter() - t0
        t0 = time.perf_counter()
        loaded = store.load_snapshot(snapshot.organisation.id)
        read = time.perf_counter() - t0
        krs = sum(len(o.key_results) for o in loaded.objectives)
        cis = sum(len(k.check_ins) for o in loaded.objectives for k in o.key_results)
    print(f"{label:<10} save {saved:7.2f} s   load {read:7.2f} s   "
          f"({krs:,} KRs, {cis:,} check-ins)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--krs", type=int, default=100_000)
    parser.add_argument("--check-ins", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    snapshot = build(args.krs, args.check_ins)
    print(f"built snapshot in {time.perf_counter() - t0:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", snapshot)
    base = make_url(os.environ.get("OKR_TEST_POSTGRES_URL",
                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    schema = f"qd_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"postgres   skipped: not reachable ({type(exc).__name__})")
        return
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        measure("postgres", url.render_as_string(hide_password=False), snapshot)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
