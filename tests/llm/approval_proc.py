"""Runs the approval demo graph in its own process: `start` until the interrupt, or `resume`.

Used by test_graphs.py to prove a run paused for approval in one process can
be resumed by another from the shared SQLite checkpoint. Prints one JSON
object on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from langgraph.types import Command

from agents.checkpoints import open_checkpointer
from agents.metering import InMemoryOrgLedger
from agents.registry import compile_graph
from agents.runtime import AgentContext, run_config
from okr.settings import Settings


def main() -> None:
    phase, data_dir, thread = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    settings = Settings(data_dir=data_dir, org="acme")
    ctx = AgentContext.create(settings, ledger=InMemoryOrgLedger())
    with open_checkpointer(settings) as saver:
        graph = compile_graph("approval_demo", saver)
        config = run_config(thread)
        if phase == "start":
            payload = {"aim": sys.argv[4], "team": "Growth"}
        else:
            payload = Command(resume=json.loads(sys.argv[4]))
        updates = []
        for event in graph.stream(payload, config, context=ctx, stream_mode="updates"):
            for node, value in event.items():
                if node == "__interrupt__":
                    updates.append({"node": node, "value": value[0].value})
                else:
                    updates.append({"node": node, "value": value})
        state = graph.get_state(config)
        print(json.dumps({"updates": updates, "state": state.values, "next": list(state.next)}))


if __name__ == "__main__":
    main()
