"""The demo province: seeding and the simulator that drives projects through the services."""
