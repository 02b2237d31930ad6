# Everything runs from the project's own venv/, the one Pulumi.yaml names, so the Pulumi
# CLI and these targets use the same packages.
PYTHON ?= python3
VENV := venv
PY := $(VENV)/bin/python
STACKS := $(patsubst Pulumi.%.yaml,%,$(wildcard Pulumi.*.yaml))

.PHONY: install install-dev preview plans package-schema stack-schema readme-reference schemas test integration mutation mutation-report mutation-fresh lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The policy pack runs from this venv too (policy/PulumiPolicy.yaml: virtualenv ../venv), so
# `pulumi up --policy-pack policy` needs its requirements here.
$(VENV)/.policy: policy/requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r policy/requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt policy/requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## What `pulumi up`/`preview --policy-pack policy` run: the program and the policy pack.
install: $(VENV)/.runtime $(VENV)/.policy
install-dev: $(VENV)/.dev

## The dev stack's offline plan: resource tree, outputs and summary.
preview: $(VENV)/.runtime
	$(PY) -m tools.plan --stack dev

## Regenerate plans/<stack>.json for every Pulumi.<stack>.yaml (commit the result).
plans: $(VENV)/.runtime
	@mkdir -p plans
	@for stack in $(STACKS); do \
		$(PY) -m tools.plan --stack $$stack --fill-placeholders --json --out plans/$$stack.json && echo "plans/$$stack.json"; \
	done

## Regenerate schema/package.json, the schema of the multi-language package that
## provider/ serves, from components/package.py (commit the result).
package-schema: $(VENV)/.runtime
	$(PY) -m tools.package_schema

## Regenerate schema/stack.json, the JSON Schema editors check Pulumi.<stack>.yaml with
## (the modeline on each stack file's first line points at it), from AdfDatabricksArgs.
stack-schema: $(VENV)/.runtime
	$(PY) -m tools.stack_schema

## README's per-key configuration reference (the tables between its GENERATED markers), from
## the same schema as schema/stack.json.
readme-reference: $(VENV)/.runtime
	$(PY) -m tools.readme_reference

## Both schemas, and the README reference made from the stack schema.
schemas: package-schema stack-schema readme-reference

## The unit suite, on every core (pyproject.toml's pytest config: pytest-xdist -n auto, and
## tests/integration left out).
test: $(VENV)/.dev
	$(PY) -m pytest

## Deploy a throwaway dev stack to Azure, run its pipeline, destroy it (tests/integration/).
## Needs the Pulumi CLI, an Azure login and AZURE_SUBSCRIPTION_ID; skipped without them.
integration: $(VENV)/.dev
	$(PY) -m pytest tests/integration -rs -s

## Mutation testing of components/ with mutmut (pyproject.toml [tool.mutmut]); hours for all of
## components/ on two cores, so not part of `make test` or CI. Without MUTANTS it runs only the
## mutants without a result: results are kept in tests/mutation-results.json (commit it), so a
## run can be stopped (Ctrl-C, then `make mutation-report`) and continued on any machine.
## MUTANTS reruns a glob of mutant names, e.g. `make mutation MUTANTS='components.trigger.*'`.
## MUTATION.md summarises the results minus tests/mutation-equivalents.toml.
MUTANTS ?=
mutation: $(VENV)/.dev
	$(PY) -m tools.mutation_results restore
	-$(PY) -m mutmut run $(if $(MUTANTS),"$(MUTANTS)")
	$(MAKE) mutation-report

## Save the last run's results and write MUTATION.md (after an interrupted run, or after
## recording equivalents).
mutation-report: $(VENV)/.dev
	$(PY) -m tools.mutation_results save
	$(PY) -m tools.mutation_report --out MUTATION.md

## Forget every result (after weakening or removing tests): the next run starts over.
mutation-fresh:
	rm -rf mutants tests/mutation-results.json

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/pyright

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.dev
	$(PY) -m pytest -m bench tests/test_bench.py
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache mutants
