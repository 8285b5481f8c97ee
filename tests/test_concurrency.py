"""Two clerks writing while cron reads: BEGIN IMMEDIATE serialises writers, nobody meets a lock error."""

from __future__ import annotations

import threading

from conftest import Zs
from zhaoshang.audit import verify
from zhaoshang.db import Ledger
from zhaoshang.services.projects import ProjectFields, add_project, list_projects


def test_two_writers_and_a_reader_at_once(zs: Zs):
    errors: list[BaseException] = []
    codes: list[str] = []
    per_clerk = 20

    def clerk(name: str) -> None:
        ledger = Ledger.open(zs.db)
        try:
            for number in range(per_clerk):
                fields = ProjectFields(name=f"{name}的项目{number}", unit="开发区", amount="1.5亿", signed="2024-03-01")
                codes.append(add_project(ledger, name, fields))
        except BaseException as error:  # noqa: BLE001 - a thread's failure is reported by the assertion below
            errors.append(error)
        finally:
            ledger.close()

    def cron() -> None:
        ledger = Ledger.open(zs.db)
        try:
            for _ in range(20):
                with ledger.read() as connection:
                    assert verify(connection).ok
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            ledger.close()

    threads = [threading.Thread(target=clerk, args=(name,)) for name in ("甲", "乙")] + [threading.Thread(target=cron)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(codes) == len(set(codes)) == 2 * per_clerk
    ledger = Ledger.open(zs.db)
    assert len(list_projects(ledger)) == 2 * per_clerk
    with ledger.read() as connection:
        assert verify(connection).ok
    ledger.close()
