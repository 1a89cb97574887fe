"""Writes of the allocation, one module per step of the domain: the minister's selections (`selection`), the
budget frames (`frames`), the secretariat's proposals and their amounts (`proposals`), and the sub-committee's
and the chair's approval (`approval`). Each write is atomic, validated and audited; import it from its module.

What they share: the lock order (`locks`), the permission and amount checks (`checks`), and the message to an
organisation (`notify`).
"""
