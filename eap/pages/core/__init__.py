"""Pages — shared: sign-in, home, inbox."""
