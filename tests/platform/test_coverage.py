"""docs/coverage.md is generated from botocore's models and our handlers."""
from simulator import coverage, registry


def test_coverage_table_is_current():
    assert coverage.is_current(), "docs/coverage.md is stale: run `awsbox coverage --write`"


def test_every_registered_handler_is_a_model_operation():
    coverage.render()
    for svc in registry.services().values():
        assert set(svc.handlers) <= set(svc.model.operation_names)
