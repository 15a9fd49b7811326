"""The IAM policy engine: every service's authorization decision goes through
here. Pure Python, no I/O.

- :mod:`policies.document`: parse and validate policy documents (compiled, cached by text)
- :mod:`policies.conditions`: condition operators
- :mod:`policies.variables`: policy variables
- :mod:`policies.evaluation`: :func:`evaluate` an :class:`AccessRequest` into a :class:`Decision`
- :mod:`policies.managed`: AWS managed policies as data
"""
from policies.document import Policy, PolicyError, PolicySizeError, parse_policy, policy_size
from policies.evaluation import AccessRequest, Decision, SourcePolicy, evaluate
from policies.managed import managed_policies

__all__ = [
    "AccessRequest", "Decision", "Policy", "PolicyError", "PolicySizeError", "SourcePolicy",
    "evaluate", "managed_policies", "parse_policy", "policy_size",
]
