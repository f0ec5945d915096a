"""Shared web plumbing that every feature uses: access rules, htmx rendering, audit, forms, money."""
