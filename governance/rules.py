"""Who may do what in the grant period (django-rules). Object permissions take a grant, a plan or a report.

An organisation's members see only their own organisation's grants (anything else answers 404); reviewers
see the grants of calls they work on, never one whose application they declared a conflict on.
"""

import rules  # noqa: F401
