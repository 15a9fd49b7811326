"""Every shipped scenario passes, run through the pytest plugin exactly as a
user runs them: ``pytest scenarios/``."""
import subprocess
import sys

from simulator.scenario import SCENARIOS_DIR


def test_shipped_scenarios_pass_through_the_plugin():
    files = sorted(SCENARIOS_DIR.glob("*.yaml"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", str(SCENARIOS_DIR)],
        capture_output=True, text=True, cwd=SCENARIOS_DIR.parent, timeout=900,
    )
    assert f"{len(files)} passed" in run.stdout, run.stdout[-6000:]
