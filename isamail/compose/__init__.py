"""Composing an issue: Markdown bodies, templates with CSS inlined once, the MIME message.

Submodules are imported directly (``isamail.compose.render``); this package imports
nothing so that ``isamail.issues`` can use ``compose.markdown`` without a cycle.
"""
