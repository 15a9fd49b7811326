"""awsbox lab: the guided KMS + S3 lab in the terminal."""
import io

from simulator.scenario.lab import run_lab


def test_the_lab_runs_guided_against_an_endpoint(server):
    out = io.StringIO()
    code = run_lab(server.endpoint, out)
    text = out.getvalue()
    assert code == 0, text
    assert "Step 1/13: Create the master key" in text
    assert "Behind the scenes" in text
    assert "kms:GenerateDataKey as alice-" in text and "invoked by s3.amazonaws.com" in text
    assert "kms:Decrypt as alice-" in text and "DisabledException" in text
    assert "kms:Decrypt as bob-" in text and "AccessDeniedException" in text
    assert "Lab complete: 13 of 13 steps as expected" in text
    assert "\033[" not in text  # no colour when not a terminal


def test_the_lab_fails_with_a_non_zero_status(server, tmp_path):
    import shutil

    from simulator.scenario.document import SCENARIOS_DIR

    shutil.copytree(SCENARIOS_DIR / "files", tmp_path / "files")
    path = tmp_path / "kms-s3-lab.yaml"
    path.write_text((SCENARIOS_DIR / "kms-s3-lab.yaml").read_text().replace(
        "KeyMetadata.KeyState: Enabled", "KeyMetadata.KeyState: Disabled"))
    out = io.StringIO()
    assert run_lab(server.endpoint, out, path=path) == 1
    assert "expected 'Disabled', got 'Enabled'" in out.getvalue()
    assert "Lab not complete" in out.getvalue()


def test_awsbox_lab_starts_its_own_server(capsys):
    from simulator.cli import main

    assert main(["lab"]) == 0
    out = capsys.readouterr().out
    assert "starting an awsbox server for the lab" in out and "Lab complete: 13 of 13" in out


def test_local_steps_are_told_as_local(server, tmp_path):
    from simulator.scenario.document import SCENARIOS_DIR

    out = io.StringIO()
    assert run_lab(server.endpoint, out, path=SCENARIOS_DIR / "kms-envelope-encryption.yaml") == 0
    assert "Done on this machine, no AWS call:" in out.getvalue()
