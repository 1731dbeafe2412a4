"""Model-based tests: random lifecycles with the registry's promises checked after every step.

- ``invariants.py``: the promises as plain functions returning violations. A promise whose fix
  has not landed is named in ``PENDING_FIXES`` (or ``UNASSIGNED_FINDINGS``); delete the key to
  enforce it.
- ``world.py``: the cast (people, units, offices) and inputs (handles, content flaws, URLs).
- ``test_lifecycle_services.py`` / ``test_lifecycle_http.py``: the two machines, with the rules
  for appointment requests, imports, account security, replies and the daily job in
  ``service_rules.py`` / ``http_rules.py``. A new action is one more ``@rule`` calling the
  service (through ``attempt``) or posting the form (through ``post`` and ``kept_typing``).
- Profiles (``conftest.py``): ``HYPOTHESIS_PROFILE=ci`` (default; reports a failure unshrunk,
  so it fails fast), ``fuzz`` (``make fuzz``), ``quick`` (a smoke run that shrinks),
  ``medium`` (a middle run while changing the machines).
"""
