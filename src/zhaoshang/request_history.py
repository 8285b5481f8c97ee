"""How an enterprise request's dated steps (`request_event`) make its state: the fold that the
queries of a day D (services.casework) and the upgrade that writes the steps of old ledgers
(seeding) share. It depends on nothing, so that both may use it.
"""

from __future__ import annotations

from collections.abc import Iterable

REQUEST_EVENTS = {"received": "受理", "assigned": "转办", "resolved": "办结", "rated": "评价"}


def fold_request_events(events: Iterable[dict]) -> dict | None:
    """What a request's events, in order, leave its row holding (unit_id, received_on, due_on,
    resolved_on, note, rating, rated_on, reopened): the steps as add/assign/resolve/rate write them.
    None before it was received."""
    state: dict | None = None
    for event in events:
        kind, day = event["kind"], str(event["happened_on"])
        due = str(event["due_on"]) if event["due_on"] is not None else None
        if kind == "received":
            state = {"unit_id": event["unit_id"], "received_on": day, "due_on": due, "resolved_on": None,
                     "note": None, "rating": None, "rated_on": None, "reopened": 0}  # fmt: skip
        elif state is None:
            continue
        elif kind == "assigned":
            state["unit_id"] = event["unit_id"]
            state["due_on"] = due or state["due_on"]
        elif kind == "resolved":
            state |= {"resolved_on": day, "note": event["note"], "rating": None, "rated_on": None}
        elif kind == "rated":
            state |= {"rating": event["rating"], "rated_on": day}
            if event["rating"] == "unsatisfied":  # 重办
                state |= {"resolved_on": None, "due_on": due, "reopened": state["reopened"] + 1}
    return state
