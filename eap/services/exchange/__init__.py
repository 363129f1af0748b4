"""Interconnection (互联互通, seed §5.7): national SPGL reporting and adapters to other systems."""
