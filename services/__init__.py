"""The AWS services: one package each, uniform layout (errors, schema, domain, operations)."""
