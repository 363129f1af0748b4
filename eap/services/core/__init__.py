"""Shared kernel (共用内核): clock, principal, authorisation scope, audit, notifications, files, identifiers."""
