"""Stand-ins for outside systems, speaking their real protocols over HTTP on 127.0.0.1, for
the demo and the tests (``python -m eap spgl fake-receiver``)."""
