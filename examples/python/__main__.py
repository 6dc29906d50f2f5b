"""`pulumi up` runs this file: the program is runbook.py."""
from runbook import runbook

runbook()
