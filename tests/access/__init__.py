"""The role × URL table: every named URL, every identity, GET and POST, with the answer each must get.

Read tests/access/table.py for the row format, tests/access/world.py for the objects rows point at.
"""
